import { authenticate, csrfCheck } from './auth';
import type { Ctx, Route } from './context';
import { HttpError, type Reply } from './http-util';
import { dockerRoutes } from './routes-docker';
import { endpointRoutes } from './routes-endpoints';
import { stackCreateRoutes } from './routes-stacks-create';
import { stackReadRoutes } from './routes-stacks-read';
import { stackUpdateRoutes } from './routes-stacks-update';
import { systemRoutes } from './routes-system';

const routes: Route[] = [...systemRoutes, ...endpointRoutes, ...dockerRoutes, ...stackCreateRoutes, ...stackReadRoutes, ...stackUpdateRoutes];

/**
 * Finds the route that exists in the simulated version, runs the CSRF wrapper
 * and the bouncer in Portainer's order, and turns errors into libhttp's
 * `{message, details}` answers (docs/portainer-api.md#error-bodies).
 */
export async function dispatch(ctx: Ctx): Promise<Reply> {
  try {
    const refused = csrfCheck(ctx);
    if (refused) return refused;
    const features = ctx.rt.state.features;
    for (const route of routes) {
      if (route.method !== ctx.method || (route.when && !route.when(features))) continue;
      const m = route.pattern.exec(ctx.path);
      if (!m) continue;
      if (route.auth) authenticate(ctx);
      return await route.handle(ctx, m.slice(1));
    }
    // gorilla/mux would answer a plain-text 404 (or 405); JSON keeps clients' error paths uniform.
    throw new HttpError(404, 'Not found', `no route for ${ctx.method} ${ctx.path} in Portainer ${features.version}`);
  } catch (e) {
    if (e instanceof HttpError) return e.toReply();
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return { status: 500, body: { message: 'Simulator internal error', details: text } };
  }
}
