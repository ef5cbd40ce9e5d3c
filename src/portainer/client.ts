import { AuthError, BugError, UnavailableError } from '../errors';
import { PortainerApiError } from './errors';
import { agentEnvironmentForm } from './environments-create';
import type { AgentEnvironmentInput } from './environments-create';
import { badAnswer } from './failures';
import { ROUTES } from './routes';
import { COMPOSE_PROJECT_LABEL, containerListSchema, serviceListSchema, STACK_NAMESPACE_LABEL } from './runtime';
import type { RuntimeContainer, RuntimeSwarmService } from './runtime';
import { apiKeySchema, authSchema, currentUserSchema, environmentListSchema, environmentSchema, stackFileSchema, stackListSchema, stackSchema, statusSchema, swarmSchema } from './schemas';
import { Transport } from './transport';
import type { ClientOptions, CreateStackInput, PortainerEnvironment, PortainerStack, PortainerVersion, UpdateStackInput } from './types';
import { assertCanPull, parseVersion, pullImageFields, supportsNewCreateRoutes } from './version';

const API_KEY = { kind: 'apiKey' } as const;

const JWT_HINTS = {
  401: 'The login session was refused or has expired (Portainer restarts invalidate it): log in again.',
};

/**
 * Typed access to the Portainer routes phoenix needs. Callers never see URLs or status codes:
 * they get data, or PortainerApiError (read `kind`), UnavailableError or AuthError.
 */
export class PortainerClient {
  private readonly http: Transport;
  private readonly url: string;

  constructor(options: ClientOptions) {
    this.http = new Transport(options);
    this.url = options.url.replace(/\/+$/, '');
  }

  /** The version picks the create route family; `/api/status` is public and served by every version. */
  async status(): Promise<PortainerVersion> {
    const answer = await this.http.call({ route: ROUTES.status, auth: { kind: 'none' }, timeout: 'read' }).catch((error: unknown) => {
      // Every Portainer since 1.x serves /api/status: a 404 means this URL is not Portainer's base.
      if (error instanceof PortainerApiError && error.kind === 'not-found') throw this.notPortainer(error);
      throw error;
    });
    const { Version } = this.http.parse(answer, statusSchema);
    try {
      return parseVersion(Version);
    } catch (error) {
      throw badAnswer(answer.ctx, `reported an unreadable version (${error instanceof Error ? error.message : String(error)})`, answer.text);
    }
  }

  private notPortainer(cause: PortainerApiError): UnavailableError {
    const apiSuffix = /\/api$/i.test(this.url);
    return new UnavailableError(`No Portainer API at ${this.url}: GET ${cause.path} answered 404`, {
      code: 'PORTAINER_BAD_ANSWER',
      cause,
      hint: apiSuffix
        ? `Give Portainer's base URL without /api: ${this.url.replace(/\/api$/i, '')}`
        : "Point --url / PORTAINER_URL at Portainer's base URL (e.g. https://host:9443), not at a sub-path or another service.",
    });
  }

  /**
   * Environments with their swarm flag. `excludeSnapshots=true` would also drop Snapshots[0].Swarm,
   * and a per-environment call would cost N round trips; `excludeSnapshotRaw=true` drops only the
   * megabytes of DockerSnapshotRaw and keeps the small Snapshots[0].Swarm in one call. Versions
   * that do not know the parameter ignore it and send full snapshots, of which only Swarm is read.
   * An environment without a snapshot yet (never reached) reports swarm=false.
   */
  async environments(): Promise<PortainerEnvironment[]> {
    const answer = await this.http.call({
      route: ROUTES.environments,
      query: { excludeSnapshotRaw: true },
      auth: API_KEY,
      timeout: 'read',
    });
    return this.http.parse(answer, environmentListSchema);
  }

  /**
   * Registers an agent environment (a multipart form, docs/portainer-api.md#environment-registration).
   * Retried only when the request provably never left (`unsent`); registerAgentEnvironment decides
   * a lost answer by re-reading. Portainer pings the agent for up to 3 s: the read timeout applies.
   */
  async createAgentEnvironment(input: AgentEnvironmentInput): Promise<PortainerEnvironment> {
    const answer = await this.http.call({ route: ROUTES.createEnvironment, body: agentEnvironmentForm(input), auth: API_KEY, timeout: 'read', retry: 'unsent' });
    return this.http.parse(answer, environmentSchema);
  }

  /** Swarm stacks need the cluster id (not a node id), from Docker through Portainer's proxy. */
  async swarmClusterId(endpointId: number): Promise<string> {
    const answer = await this.http.call({ route: ROUTES.swarm, params: { id: endpointId }, auth: API_KEY, timeout: 'read' });
    return this.http.parse(answer, swarmSchema).ID;
  }

  /**
   * Every compose container of the environment, stopped ones too (`all=1`), in ONE request: the
   * label filter without a value keeps the containers of every project, grouped by the caller.
   */
  async containers(endpointId: number): Promise<RuntimeContainer[]> {
    const filters = JSON.stringify({ label: [COMPOSE_PROJECT_LABEL] });
    const answer = await this.http.call({ route: ROUTES.containers, params: { id: endpointId }, query: { all: 1, filters }, auth: API_KEY, timeout: 'read' });
    return this.http.parse(answer, containerListSchema);
  }

  /** Every stack service of a Swarm environment with running and desired tasks (`status=true`), in ONE request. */
  async swarmServices(endpointId: number): Promise<RuntimeSwarmService[]> {
    const filters = JSON.stringify({ label: [STACK_NAMESPACE_LABEL] });
    const answer = await this.http.call({ route: ROUTES.swarmServices, params: { id: endpointId }, query: { status: true, filters }, auth: API_KEY, timeout: 'read' });
    return this.http.parse(answer, serviceListSchema);
  }

  /**
   * Starts a stopped stack (2.0.0+; 2.19+ require endpointId, so it is always sent). Retry policy
   * `unsent`: a start runs `compose up`, so a lost answer is decided by re-reading the stack's
   * status (apply), never by sending it again blindly (docs/reliability.md).
   */
  async startStack(id: number, endpointId: number): Promise<PortainerStack> {
    const answer = await this.http.call({ route: ROUTES.startStack, params: { id }, query: { endpointId }, auth: API_KEY, timeout: 'deploy', retry: 'unsent' });
    return this.http.parse(answer, stackSchema);
  }

  /**
   * Removes one container (an orphan service's) through the Docker proxy: `force` stops it
   * first, `v=false` keeps its volumes. Retried on transient failures like any DELETE: it names
   * one container id, so a repeat can at worst answer not-found for a container already gone.
   */
  async removeContainer(endpointId: number, containerId: string): Promise<void> {
    await this.http.call({ route: ROUTES.removeContainer, params: { id: endpointId, containerId }, query: { force: true, v: false }, auth: API_KEY, timeout: 'deploy' });
  }

  /** Unfiltered on purpose: Portainer's EndpointID filter never returns swarm stacks (docs/portainer-api.md#listing-stacks). */
  async listStacks(): Promise<PortainerStack[]> {
    const answer = await this.http.call({ route: ROUTES.listStacks, auth: API_KEY, timeout: 'read' });
    // The spec lists a bodiless 204 for this route beside 200 (and 200 may carry `null`).
    if (answer.status === 204) return [];
    return this.http.parse(answer, stackListSchema);
  }

  async getStack(id: number): Promise<PortainerStack> {
    const answer = await this.http.call({ route: ROUTES.getStack, params: { id }, auth: API_KEY, timeout: 'read' });
    return this.http.parse(answer, stackSchema);
  }

  /** The entry-point compose text only (not AdditionalFiles): what an update would replace. */
  async stackFile(id: number): Promise<string> {
    const answer = await this.http.call({ route: ROUTES.stackFile, params: { id }, auth: API_KEY, timeout: 'read' });
    return this.http.parse(answer, stackFileSchema).StackFileContent;
  }

  /**
   * 2.19.0 served only `/stacks/create/...`, older versions only `POST /stacks?type=&method=`,
   * so the route follows the version. Retried only when the request provably never reached
   * Portainer (retry policy `unsent`): a lost answer is recovered above, in apply, by re-reading.
   */
  async createStack(version: PortainerVersion, input: CreateStackInput): Promise<PortainerStack> {
    const swarm = input.swarmId !== undefined;
    const body = {
      Name: input.name,
      StackFileContent: input.composeText,
      Env: input.env.map(({ name, value }) => ({ name, value })),
      ...(swarm ? { SwarmID: input.swarmId } : {}),
    };
    const answer = supportsNewCreateRoutes(version)
      ? await this.http.call({
          route: swarm ? ROUTES.createSwarm : ROUTES.createStandalone,
          query: { endpointId: input.endpointId },
          body,
          auth: API_KEY,
          timeout: 'deploy',
          retry: 'unsent',
        })
      : await this.http.call({
          route: ROUTES.createLegacy,
          query: { type: swarm ? 1 : 2, method: 'string', endpointId: input.endpointId },
          body,
          auth: API_KEY,
          timeout: 'deploy',
          retry: 'unsent',
        });
    return this.http.parse(answer, stackSchema);
  }

  /**
   * Portainer replaces Env wholesale and re-points the stack to whatever endpointId is sent,
   * so the full list and the stack's own endpoint always go. Prune is true only when the plan
   * says so (`input.prune`: `--prune` and a Swarm stack with orphan services), and PullImage
   * stays false unless the plan asks for a pull (`input.pull`, --pull, which needs `version`: the
   * pull fields depend on it, and a version that cannot pull is refused, never redeployed
   * without the pull): removing services or pulling images is not a side effect phoenix takes
   * without a plan.
   * Retry policy `unsent`: the PUT is idempotent in effect but every copy redeploys (and on
   * 2.15+ a failed redeploy takes the stack down), so only a request that never arrived repeats.
   */
  async updateStack(input: UpdateStackInput, version?: PortainerVersion): Promise<PortainerStack> {
    if (input.pull === true && version === undefined) throw new BugError('an update with an image pull needs the Portainer version');
    if (input.pull === true && version !== undefined) assertCanPull(version);
    const answer = await this.http.call({
      route: ROUTES.updateStack,
      params: { id: input.id },
      query: { endpointId: input.endpointId },
      body: {
        StackFileContent: input.composeText,
        Env: input.env.map(({ name, value }) => ({ name, value })),
        Prune: input.prune === true,
        PullImage: false,
        ...(input.pull === true && version !== undefined ? pullImageFields(version) : {}),
      },
      auth: API_KEY,
      timeout: 'deploy',
      retry: 'unsent',
    });
    return this.http.parse(answer, stackSchema);
  }

  /**
   * Without the stack's own endpointId Portainer treats it as orphaned (403/404). Volumes survive.
   * Retried on transient failures (the default for DELETE): deleting one id twice is harmless,
   * Portainer never reuses stack ids, and a repeat that finds it gone answers not-found.
   */
  async deleteStack(id: number, endpointId: number): Promise<void> {
    await this.http.call({
      route: ROUTES.deleteStack,
      params: { id },
      query: { endpointId },
      auth: API_KEY,
      timeout: 'deploy',
    });
  }

  /**
   * A JWT login, used only to mint an API key. Never retried: `/api/auth` bans an IP for an
   * hour after a burst of about ten attempts.
   */
  async authenticate(username: string, password: string): Promise<{ jwt: string }> {
    try {
      const answer = await this.http.call({
        route: ROUTES.authenticate,
        body: { username, password },
        auth: { kind: 'none' },
        timeout: 'read',
        secrets: [password],
        hints: {
          403: 'Portainer refused the login; after too many attempts it bans this IP for 1 hour. Wait, then try once.',
        },
      });
      const { jwt } = this.http.parse(answer, authSchema);
      this.http.remember(jwt);
      return { jwt };
    } catch (error) {
      if (error instanceof PortainerApiError && error.status === 422) {
        throw new AuthError(`Portainer refused the login for ${JSON.stringify(username)}: ${error.portainerMessage ?? 'invalid credentials'}`, {
          code: 'PORTAINER_BAD_CREDENTIALS',
          hint: 'Check the username and password. Repeated failures get this IP banned for 1 hour.',
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Mints an API key for the logged-in user. This is the one route that needs a JWT (a key
   * cannot mint a key); the JWT lives in memory only. 2.20+ requires the password again.
   */
  async createApiKey(jwt: string, userId: number, password: string, description: string): Promise<string> {
    const answer = await this.http.call({
      route: ROUTES.createApiKey,
      params: { id: userId },
      body: { password, description },
      auth: { kind: 'bearer', jwt },
      timeout: 'read',
      secrets: [password],
      hints: {
        ...JWT_HINTS,
        403: "Portainer refused: the password must be this user's current one, and a user can only mint keys for itself.",
      },
    });
    const { rawAPIKey } = this.http.parse(answer, apiKeySchema);
    this.http.remember(rawAPIKey);
    return rawAPIKey;
  }

  /** 2.20+ only (older versions answer not-found): callers fall back to the JWT's `id` claim. */
  async currentUser(jwt: string): Promise<{ id: number; username: string }> {
    const answer = await this.http.call({
      route: ROUTES.currentUser,
      query: { noEndpointAuthorizations: true },
      auth: { kind: 'bearer', jwt },
      timeout: 'read',
      hints: JWT_HINTS,
    });
    return this.http.parse(answer, currentUserSchema);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
