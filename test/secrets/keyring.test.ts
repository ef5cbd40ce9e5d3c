import { KeyringUnavailableError, KeytarKeyring, tryKeyring } from '../../src/secrets';

function keytarLike(overrides: Partial<Record<'getPassword' | 'setPassword' | 'deletePassword' | 'findCredentials', (...args: string[]) => Promise<unknown>>> = {}) {
  return {
    getPassword: async () => null,
    setPassword: async () => undefined,
    deletePassword: async () => false,
    findCredentials: async () => [],
    ...overrides,
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyringUnavailableError);
  return (error as KeyringUnavailableError).reason;
}

describe('KeytarKeyring: keytar loaded lazily, every failure means "unavailable"', () => {
  it('does not load keytar until the first call', async () => {
    const load = jest.fn(() => keytarLike({ getPassword: async () => 'v' }));
    const keyring = new KeytarKeyring(load);
    expect(load).not.toHaveBeenCalled();
    await expect(keyring.get('s', 'a')).resolves.toBe('v');
    await keyring.get('s', 'a');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a missing keytar module is "keytar is not installed"', async () => {
    const keyring = new KeytarKeyring(() => {
      throw Object.assign(new Error("Cannot find module 'keytar'"), { code: 'MODULE_NOT_FOUND' });
    });
    expect(await reasonOf(keyring.get('s', 'a'))).toBe('keytar is not installed');
  });

  it('a native binary that fails to load is unavailable, with its first line', async () => {
    const keyring = new KeytarKeyring(() => {
      throw new Error('libsecret-1.so.0: cannot open shared object file\n    at Module._extensions');
    });
    expect(await reasonOf(keyring.set('s', 'a', 'v'))).toBe('keytar failed to load (libsecret-1.so.0: cannot open shared object file)');
  });

  it('no Secret Service (no D-Bus session) is unavailable, and is not tried again in this process', async () => {
    const getPassword = jest.fn(async () => {
      throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    });
    const keyring = new KeytarKeyring(() => keytarLike({ getPassword }));
    expect(await reasonOf(keyring.get('s', 'a'))).toBe('Cannot autolaunch D-Bus without X11 $DISPLAY');
    expect(await reasonOf(keyring.accounts('s'))).toBe('Cannot autolaunch D-Bus without X11 $DISPLAY');
    expect(getPassword).toHaveBeenCalledTimes(1);
  });

  it('accounts() returns sorted names, never values', async () => {
    const keyring = new KeytarKeyring(() =>
      keytarLike({
        findCredentials: async () => [
          { account: 'b', password: 'x' },
          { account: 'a', password: 'y' },
        ],
      }),
    );
    await expect(keyring.accounts('s')).resolves.toEqual(['a', 'b']);
  });
});

describe('tryKeyring', () => {
  it('says "unavailable" once per keyring, with what happens instead, and returns undefined', async () => {
    const keyring = new KeytarKeyring(() => {
      throw Object.assign(new Error('nope'), { code: 'MODULE_NOT_FOUND' });
    });
    const warnings: string[] = [];
    expect(
      await tryKeyring(
        keyring,
        (k) => k.get('s', 'a'),
        (l) => warnings.push(l),
        'using the file',
      ),
    ).toBeUndefined();
    expect(
      await tryKeyring(
        keyring,
        (k) => k.get('s', 'b'),
        (l) => warnings.push(l),
        'using the file',
      ),
    ).toBeUndefined();
    expect(warnings).toEqual(['no usable OS keyring (keytar is not installed); using the file.']);
  });

  it('lets errors that are not about the keyring through', async () => {
    const keyring = new KeytarKeyring(() => keytarLike());
    await expect(
      tryKeyring(
        keyring,
        async () => {
          throw new TypeError('bug');
        },
        undefined,
        'x',
      ),
    ).rejects.toThrow('bug');
  });
});
