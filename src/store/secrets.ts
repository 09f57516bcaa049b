import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM vault for integration secrets. Ciphertext format: "v1:<iv b64>:<tag b64>:<data b64>".
 */
export interface Vault {
  encrypt(plain: string): string;
  decrypt(cipher: string): string;
}

export function createVault(key: Buffer): Vault {
  if (key.length !== 32) throw new Error('vault key must be 32 bytes');
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1:${iv.toString('base64')}:${c.getAuthTag().toString('base64')}:${data.toString('base64')}`;
    },
    decrypt(cipher) {
      const [v, iv, tag, data] = cipher.split(':');
      if (v !== 'v1' || iv === undefined || tag === undefined || data === undefined) throw new Error('unknown ciphertext format');
      const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(data, 'base64')), d.final()]).toString('utf8');
    },
  };
}

/** The key from CROSSWALK_SECRET_KEY, else a key file (mode 0600) in the data folder, generated on first start. */
export function loadOrCreateKey(configured: Buffer | null, dataDir: string): Buffer {
  if (configured !== null) return configured;
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) {
    const hex = fs.readFileSync(file, 'utf8').trim();
    const key = Buffer.from(hex, 'hex');
    if (key.length !== 32) throw new Error(`${file}: not a 32-byte hex key`);
    return key;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** `instance_meta` key of a value encrypted under the key the stored secrets use. */
export const KEY_CHECK_META = 'secret_key_check';
const KEY_CHECK_PLAIN = 'crosswalk secret key check v1';

/** Where a process's key came from; a `generated` key is written to DATA_DIR/secret.key only once the database accepts it. */
export interface ResolvedKey {
  key: Buffer;
  source: 'env' | 'file' | 'generated';
  /** Writes a generated key to its file (mode 0600); nothing for the other sources. */
  persist(): void;
}

/** The key from CROSSWALK_SECRET_KEY, else DATA_DIR/secret.key, else a new one kept in memory until `persist()`. */
export function resolveKey(configured: Buffer | null, dataDir: string): ResolvedKey {
  if (configured !== null) return { key: configured, source: 'env', persist() {} };
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return { key: loadOrCreateKey(null, dataDir), source: 'file', persist() {} };
  const key = crypto.randomBytes(32);
  return {
    key,
    source: 'generated',
    persist() {
      fs.mkdirSync(dataDir, { recursive: true });
      try {
        fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
        // another process wrote one meanwhile: the check below (next start) compares it with the database
      }
    },
  };
}

/** A process whose key cannot decrypt what the database holds: it must not start (one line says why). */
export class SecretKeyMismatchError extends Error {
  override name = 'SecretKeyMismatchError';
}

export interface KeyCheckStore {
  getMeta(key: string): Promise<string | null>;
  setMetaOnce(key: string, value: string): Promise<string>;
  anySecret(): Promise<string | null>;
}

function decrypts(vault: Vault, cipher: string): boolean {
  try {
    vault.decrypt(cipher);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses a key that cannot decrypt what the database holds: the stored key check (written by the first process
 * that started on this database), or, on a database from before the check existed, one stored secret. Then stores
 * the check if there is none yet (the first writer wins; a loser whose key differs is refused too) and writes a
 * generated key to its file. Never lets a process start with a key of its own beside secrets under another.
 */
export async function verifySecretKey(vault: Vault, resolved: ResolvedKey, store: KeyCheckStore): Promise<void> {
  const refuse = (): never => {
    throw new SecretKeyMismatchError(resolved.source === 'generated'
      ? 'CROSSWALK_SECRET_KEY is not set (and DATA_DIR has no secret.key), but the database holds secrets encrypted with another key: start this process with the CROSSWALK_SECRET_KEY the other Crosswalk processes use.'
      : `the database holds secrets encrypted with another key than ${resolved.source === 'env' ? 'CROSSWALK_SECRET_KEY' : 'DATA_DIR/secret.key'}: start every Crosswalk process on this database with the same CROSSWALK_SECRET_KEY.`);
  };
  const check = await store.getMeta(KEY_CHECK_META);
  if (check !== null) {
    if (!decrypts(vault, check)) refuse();
  } else {
    const secret = await store.anySecret();
    if (secret !== null && !decrypts(vault, secret)) refuse();
    const stored = await store.setMetaOnce(KEY_CHECK_META, vault.encrypt(KEY_CHECK_PLAIN));
    if (!decrypts(vault, stored)) refuse();
  }
  resolved.persist();
}
