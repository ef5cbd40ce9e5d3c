import { buildPath, ROUTES } from '../../src/portainer/routes';
import { capabilities, parseVersion, supportsNewCreateRoutes } from '../../src/portainer';

describe('parseVersion', () => {
  it.each([
    ['2.19.0', 2, 19, 0],
    ['2.21.4', 2, 21, 4],
    ['1.24.2', 1, 24, 2],
    ['v2.33.1', 2, 33, 1],
    ['2.20', 2, 20, 0],
    ['2.27.0-rc1', 2, 27, 0],
  ])('%s → %i.%i.%i', (raw, major, minor, patch) => {
    expect(parseVersion(raw)).toEqual({ raw, major, minor, patch });
  });

  it('refuses what is not a version', () => {
    expect(() => parseVersion('latest')).toThrow(/not a version/);
  });
});

// The version gates live in portainer/: code above it (token create) asks for a capability by name.
describe('capabilities', () => {
  it.each([
    ['1.24.2', { apiKeys: false, currentUserRoute: false, newCreateRoutes: false, pullImage: false }],
    ['2.10.9', { apiKeys: false, currentUserRoute: false, newCreateRoutes: false, pullImage: false }],
    ['2.11.0', { apiKeys: true, currentUserRoute: false, newCreateRoutes: false, pullImage: false }],
    ['2.15.0', { apiKeys: true, currentUserRoute: false, newCreateRoutes: false, pullImage: false }],
    ['2.15.1', { apiKeys: true, currentUserRoute: false, newCreateRoutes: false, pullImage: true }],
    ['2.19.0', { apiKeys: true, currentUserRoute: false, newCreateRoutes: true, pullImage: true }],
    ['2.19.9', { apiKeys: true, currentUserRoute: false, newCreateRoutes: true, pullImage: true }],
    ['2.20.0', { apiKeys: true, currentUserRoute: true, newCreateRoutes: true, pullImage: true }],
    ['3.0.0', { apiKeys: true, currentUserRoute: true, newCreateRoutes: true, pullImage: true }],
  ])('%s', (raw, expected) => {
    expect(capabilities(parseVersion(raw))).toEqual(expected);
  });
});

describe('supportsNewCreateRoutes', () => {
  it.each([
    ['2.18.4', false],
    ['1.24.2', false],
    ['2.19.0', true],
    ['2.19.1', true],
    ['2.33.0', true],
    ['3.0.0', true],
  ])('%s → %s', (raw, expected) => {
    expect(supportsNewCreateRoutes(parseVersion(raw))).toBe(expected);
  });
});

describe('buildPath', () => {
  it('fills the template under /api and encodes the query', () => {
    expect(buildPath(ROUTES.updateStack, { id: 7 }, { endpointId: 3 })).toBe('/api/stacks/7?endpointId=3');
  });

  it('refuses a query parameter the route table does not declare', () => {
    expect(() => buildPath(ROUTES.getStack, { id: 7 }, { filters: '{}' })).toThrow(/undeclared query parameter filters/);
  });

  it('refuses a missing path parameter', () => {
    expect(() => buildPath(ROUTES.getStack)).toThrow(/missing path parameter id/);
  });
});
