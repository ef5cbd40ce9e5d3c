/** Small file helpers shared by the loader and the compose reader. */

/** The `code` of a Node.js system error (ENOENT, EACCES...), without a cast. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
