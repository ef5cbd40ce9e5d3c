/**
 * Control characters written as `\uXXXX`, so that a name or message from a config or from
 * Portainer cannot move the cursor, set a terminal title or forge a line of output: C0 and C1
 * controls, DEL, and the Unicode line/paragraph separators and bidirectional overrides.
 * `keepTab`: output lines keep their tabs (a plan's diff line may hold one); names do not.
 */
export function escapeControls(text: string, keepTab = false): string {
  // Matching control characters is the point of this expression.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g, (c) => (keepTab && c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
