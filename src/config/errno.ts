/** Node.js system errors in words, shared by the loader and the compose reader. */

/** The `code` of a Node.js system error (ENOENT, EACCES...), without a cast. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Why a file could not be read, in the words a user expects ("not found", not "ENOENT"). */
export function readFailure(error: unknown): string {
  const code = errnoCode(error);
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}
