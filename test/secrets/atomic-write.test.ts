import * as fs from 'node:fs/promises';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AuthError } from '../../src/errors';
import { removeFile, writeFileAtomic } from '../../src/secrets';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-write-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

describe('writeFileAtomic', () => {
  it('the temp file is 0600 from its creation, in the target’s directory, and renamed over the target', async () => {
    const path = join(dir, 'key');
    const seen: Array<{ from: string; mode: number; content: string }> = [];
    const atOpen: Array<{ flags: unknown; mode: number }> = [];
    await writeFileAtomic(path, 'ptr_abc\n', {
      // stat right after open: no moment where the file had wider permissions
      open: (async (file: string, flags: string, fileMode: number) => {
        const handle = await fs.open(file, flags, fileMode);
        atOpen.push({ flags, mode: (await handle.stat()).mode & 0o777 });
        return handle;
      }) as typeof fs.open,
      rename: async (from, to) => {
        seen.push({ from: String(from), mode: (await fs.stat(from)).mode & 0o777, content: await fs.readFile(from, 'utf8') });
        await fs.rename(from, to);
      },
    });
    expect(atOpen).toEqual([{ flags: 'wx', mode: 0o600 }]);
    expect(seen).toHaveLength(1);
    expect(seen[0].from.startsWith(join(dir, '.key.'))).toBe(true);
    expect(seen[0].mode).toBe(0o600);
    expect(seen[0].content).toBe('ptr_abc\n'); // written and synced before the rename
    expect(readFileSync(path, 'utf8')).toBe('ptr_abc\n');
    expect(mode(path)).toBe(0o600);
  });

  it('creates missing directories with mode 0700, whatever the umask', async () => {
    const path = join(dir, 'etc', 'phoenix', 'key');
    const old = process.umask(0o022);
    try {
      await writeFileAtomic(path, 'v');
    } finally {
      process.umask(old);
    }
    expect(mode(join(dir, 'etc', 'phoenix'))).toBe(0o700);
    expect(mode(path)).toBe(0o600);
  });

  it('replaces an existing 0644 file with a 0600 one', async () => {
    const path = join(dir, 'key');
    writeFileSync(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(mode(path)).toBe(0o600);
  });

  it('a failure leaves the old file untouched and no temp file behind', async () => {
    const path = join(dir, 'key');
    writeFileSync(path, 'old', { mode: 0o600 });
    const error = await writeFileAtomic(path, 'new', {
      open: fs.open,
      rename: async () => {
        throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).message).toBe(`cannot write ${path}: EIO`);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['key']);
  });

  it('a failure while writing leaves no partial file', async () => {
    const path = join(dir, 'key');
    await expect(
      writeFileAtomic(path, 'new', {
        open: (async (...args: Parameters<typeof fs.open>) => {
          const handle = await fs.open(...args);
          return Object.assign(handle, {
            writeFile: async () => {
              throw Object.assign(new Error('full'), { code: 'ENOSPC' });
            },
          });
        }) as typeof fs.open,
        rename: fs.rename,
      }),
    ).rejects.toThrow('ENOSPC');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes through a symlink: the link stays, its target gets the new content', async () => {
    const target = join(dir, 'real');
    writeFileSync(target, 'old', { mode: 0o600 });
    symlinkSync(target, join(dir, 'link'));
    await writeFileAtomic(join(dir, 'link'), 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect((await fs.lstat(join(dir, 'link'))).isSymbolicLink()).toBe(true);
  });

  it('refuses a directory path that is a file', async () => {
    writeFileSync(join(dir, 'afile'), 'x');
    await expect(writeFileAtomic(join(dir, 'afile', 'key'), 'v')).rejects.toThrow('is not a directory');
  });
});

describe('removeFile', () => {
  it('says whether there was a file', async () => {
    writeFileSync(join(dir, 'key'), 'x');
    await expect(removeFile(join(dir, 'key'))).resolves.toBe(true);
    await expect(removeFile(join(dir, 'key'))).resolves.toBe(false);
    expect(existsSync(join(dir, 'key'))).toBe(false);
  });
});
