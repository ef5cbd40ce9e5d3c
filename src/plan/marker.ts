/**
 * The ownership marker: the first line of every stack file phoenix creates or adopts, seen by a
 * person in the Portainer UI. It carries no date so that it never breaks idempotency.
 */

const MARKER_PATTERN = /^#\s*managed-by:\s*phoenix\s*\(vm\s+(\d+)\)/;

export function ownershipMarker(vmid: number): string {
  return `# managed-by: phoenix (vm ${vmid}). Edits made in Portainer are overwritten by the next converge.`;
}

/** The vmid named by the marker on the first line of `composeText`, if any. */
export function markerVmid(composeText: string | undefined): number | undefined {
  if (composeText === undefined) return undefined;
  const firstLine = composeText.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const match = MARKER_PATTERN.exec(firstLine);
  return match ? Number(match[1]) : undefined;
}

/** The stack file without its marker line (whatever vm it names). */
export function stripMarker(composeText: string): string {
  const text = composeText.replace(/^\uFEFF/, '');
  if (!MARKER_PATTERN.test(text.split(/\r?\n/, 1)[0] ?? '')) return text;
  const newline = text.indexOf('\n');
  return newline === -1 ? '' : text.slice(newline + 1);
}

/** What phoenix sends: the marker, then the desired compose text as normalised for comparison. */
export function withMarker(vmid: number, composeText: string, normalise: (s: string) => string): string {
  return `${ownershipMarker(vmid)}\n${normalise(stripMarker(composeText))}`;
}
