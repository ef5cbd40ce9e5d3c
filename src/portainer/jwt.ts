import { AuthError } from '../errors';

/** The `id` claim of a Portainer JWT (HS256, claims id/username/role), for versions before /users/me. */
export function jwtUserId(jwt: string): number {
  try {
    const claims: unknown = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const id = typeof claims === 'object' && claims !== null ? (claims as { id?: unknown }).id : undefined;
    if (typeof id === 'number' && Number.isInteger(id) && id > 0) return id;
  } catch {
    // fall through: not a JWT we can read
  }
  throw new AuthError('Portainer’s login answer carries no user id', {
    code: 'JWT_UNREADABLE',
    hint: 'Create the access token in the Portainer UI (My account > Access tokens), then: phoenix portainer token set',
  });
}
