export { plan, hasChanges } from './planner';
export { ownershipMarker, markerVmid, stripMarker } from './marker';
export { normaliseCompose, diffEnv, canonicalEnv, stackKey } from './normalise';
export type * from './types';
