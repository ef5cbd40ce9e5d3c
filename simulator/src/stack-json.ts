import type { SimState, StackRecord } from './state';

/**
 * The Stack object as Portainer serialises it: exact key casing from the Go
 * field names and json tags, and only the keys the simulated version has
 * (docs/portainer-api.md#stack-object).
 */
export function stackJson(s: StackRecord, state: SimState): Record<string, unknown> {
  const k = state.features.stackKeys;
  const resourceId = k.resourceIdWithEndpoint ? `${s.endpointId}_${s.name}` : s.name;
  const out: Record<string, unknown> = {
    Id: s.id,
    Name: s.name,
    Type: s.type,
    EndpointId: s.endpointId,
    SwarmId: s.swarmId,
    EntryPoint: s.git?.file ?? 'docker-compose.yml',
    Env: s.env.length ? s.env.map((p) => ({ name: p.name, value: p.value })) : null,
    ResourceControl: {
      Id: s.id,
      ResourceId: resourceId,
      SubResourceIds: [],
      Type: 6,
      UserAccesses: [],
      TeamAccesses: [],
      Public: false,
      AdministratorsOnly: true,
      System: false,
    },
  };
  if (k.status) out.Status = s.status;
  out.ProjectPath = `/data/compose/${s.id}`;
  if (k.dates) {
    out.CreationDate = s.creationDate;
    out.UpdateDate = s.updateDate;
    out.CreatedBy = s.createdBy;
    out.UpdatedBy = s.updatedBy;
  }
  if (k.additionalFilesAutoUpdate) {
    out.AdditionalFiles = null;
    out.AutoUpdate = null;
  }
  if (k.option) out.Option = s.prune ? { Prune: true } : null;
  if (k.gitConfig) {
    out.GitConfig = s.git
      ? {
          URL: s.git.url,
          ReferenceName: s.git.ref,
          ConfigFilePath: s.git.file,
          Authentication: null,
          ConfigHash: s.git.hash,
          TLSSkipVerify: false,
        }
      : null;
  }
  if (k.fromAppTemplate) out.FromAppTemplate = s.fromAppTemplate;
  if (state.asyncDeploy) out.DeploymentStatus = s.deploymentStatus.map((d) => ({ ...d }));
  return out;
}
