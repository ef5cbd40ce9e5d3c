import { AuthError } from '../errors';
import { removeFile, writeFileAtomic } from './atomic-write';
import { tryKeyring } from './keyring';
import type { Keyring } from './keyring';

/** Where `set` puts a value: the keyring when usable (auto), or explicitly one of the two. */
export type StoreChoice = 'auto' | 'keyring' | 'file';
export type StoreKind = 'keyring' | 'file';

export interface StoreTarget {
  keyring: Keyring;
  service: string;
  account: string;
  /** The file used when the keyring is not (or with --store file). */
  file: string;
  /** How the keyring entry is shown: "OS keyring (service ..., account ...)". */
  keyringWhere: string;
  warn?: (line: string) => void;
}

export interface Stored {
  store: StoreKind;
  where: string;
}

/**
 * Store a value: in the keyring, or in the root-only file (atomic, 0600) with `--store file`
 * or when no keyring is usable (a headless hypervisor; said once). `--store keyring` with no
 * usable keyring is refused rather than silently writing a file the user did not ask for.
 */
export async function storeValue(value: string, choice: StoreChoice, target: StoreTarget): Promise<Stored> {
  if (choice !== 'file') {
    const instead = choice === 'auto' ? `storing in ${target.file} instead` : 'nothing was stored';
    const done = await tryKeyring(target.keyring, (k) => k.set(target.service, target.account, value), target.warn, instead);
    if (done) return { store: 'keyring', where: target.keyringWhere };
    if (choice === 'keyring') {
      throw new AuthError('--store keyring: no usable OS keyring here', {
        code: 'KEYRING_UNAVAILABLE',
        hint: 'Use --store file (a root-only file), or run inside a desktop session with an unlocked Secret Service.',
      });
    }
  }
  await writeFileAtomic(target.file, `${value}\n`);
  return { store: 'file', where: target.file };
}

/** Remove a value from the keyring and/or the file; returns where it was removed from. */
export async function removeValue(choice: StoreChoice, target: StoreTarget): Promise<Stored[]> {
  const removed: Stored[] = [];
  if (choice !== 'file') {
    const done = await tryKeyring(target.keyring, (k) => k.delete(target.service, target.account), target.warn, 'only files are looked at');
    if (done?.value) removed.push({ store: 'keyring', where: target.keyringWhere });
  }
  if (choice !== 'keyring' && (await removeFile(target.file))) removed.push({ store: 'file', where: target.file });
  return removed;
}

/** True when the keyring holds an entry (false also when there is no usable keyring). */
export async function keyringHas(target: StoreTarget): Promise<boolean> {
  const found = await tryKeyring(target.keyring, (k) => k.get(target.service, target.account), target.warn, 'only files are looked at');
  return found?.value != null;
}
