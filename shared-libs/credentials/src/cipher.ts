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

/** Secrets are text: garbage from a wrong key is almost never valid UTF-8, so it is caught here. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The format has no authentication tag (CHT's choice, kept for compatibility), so under a wrong key
 * about one value in 256 still ends in valid padding. Such a value is refused when it is not valid
 * UTF-8 text, which leaves a wrong key unnoticed only rarely (about 1 in 10^6 for a 16-byte secret).
 */
export function decrypt(stored: string, key: Buffer): string {
  const colon = stored.indexOf(':');
  const iv = Buffer.from(colon < 0 ? '' : stored.slice(0, colon), 'hex');
  const body = Buffer.from(colon < 0 ? stored : stored.slice(colon + 1), 'hex');
  try {
    const decipher = crypto.createDecipheriv(ALGORITHM, key, iv);
    return utf8.decode(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    throw new CredentialDecryptError('the stored value does not decrypt with the current key');
  }
}
