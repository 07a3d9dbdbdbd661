/**
 * CHT's credential cipher (reference/cht-rapidpro.md §7), so a secret stored by CHT reads here and
 * the reverse: AES-256-CBC, a random 16-byte IV per write, stored as hex(iv) + ':' + hex(ciphertext).
 * The key is the CouchDB server secret's UTF-8 bytes, repeated up to 32 bytes and cut there.
 */
import crypto from 'node:crypto';

const ALGORITHM = 'aes-256-cbc';
const IV_BYTES = 16;
const KEY_BYTES = 32;

export class CredentialDecryptError extends Error {}

export function deriveKey(serverSecret: string): Buffer {
  const bytes = Buffer.from(serverSecret, 'utf8');
  if (!bytes.length) {
    throw new Error('The CouchDB server secret is empty; it is needed to encrypt credentials.');
  }
  const repeated = Buffer.alloc(KEY_BYTES);
  for (let i = 0; i < KEY_BYTES; i++) {
    repeated[i] = bytes[i % bytes.length];
  }
  return repeated;
}

export function encrypt(plain: string, key: Buffer): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${iv.toString('hex')}:${body.toString('hex')}`;
}

export function decrypt(stored: string, key: Buffer): string {
  const colon = stored.indexOf(':');
  const iv = Buffer.from(colon < 0 ? '' : stored.slice(0, colon), 'hex');
  const body = Buffer.from(colon < 0 ? stored : stored.slice(colon + 1), 'hex');
  try {
    const decipher = crypto.createDecipheriv(ALGORITHM, key, iv);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialDecryptError('the stored value does not decrypt with the current key');
  }
}
