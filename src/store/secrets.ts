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
