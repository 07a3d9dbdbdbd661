/**
 * The credentials vault, CHT-compatible: one document per key in `<db>-vault`, id
 * `credential:<key>` (what CouchDB stores for CHT's URL-encoded request), field `password` holding
 * the ciphertext. The key comes from the server secret at CouchDB's config endpoint, which the
 * embedded store also serves. Reads are cached for a short time so a webhook does not cost two
 * CouchDB round trips, and a changed credential still takes effect within `cacheTtlMs`.
 */
import type { CouchClient } from '../../couch/src';
import { vaultDbName } from '../../couch/src';
import type { Logger } from '../../logger/src';
import { CredentialDecryptError, decrypt, deriveKey, encrypt } from './cipher';

export const CREDENTIAL_KEYS = {
  incoming: 'rapidpro:incoming',
  outgoing: 'rapidpro:outgoing',
} as const;

const SECRET_CONFIG_PATHS = ['_node/_local/_config/couch_httpd_auth/secret', '_node/_local/_config/chttpd_auth/secret'];

/** The credential exists but cannot be decrypted: the CouchDB secret changed since it was stored. */
export class CredentialUnreadableError extends Error {
  constructor(readonly key: string) {
    super(
      `The stored credential "${key}" cannot be decrypted: the CouchDB server secret has changed since it was stored. ` +
        `Store it again with PUT /api/v1/credentials/${key}.`,
    );
  }
}

interface CredentialDoc {
  _id: string;
  _rev?: string;
  password?: string;
}

export interface Vault {
  /** The secret, or undefined when none is stored. Throws CredentialUnreadableError when it no longer decrypts. */
  get(key: string): Promise<string | undefined>;
  set(key: string, secret: string): Promise<void>;
}

export interface VaultOptions {
  couch: CouchClient;
  logger: Logger;
  /** How long a read stays cached, in milliseconds. @defaultValue 2000 */
  cacheTtlMs?: number;
  now?: () => number;
}

export function credentialDocId(key: string): string {
  return `credential:${key}`;
}

export function createVault(options: VaultOptions): Vault {
  const { couch, logger } = options;
  const ttlMs = options.cacheTtlMs ?? 2000;
  const now = options.now ?? Date.now;
  const db = couch.db(vaultDbName(couch.target.dbName));
  const cache = new Map<string, { at: number; value: Promise<string | undefined> }>();
  let keyCache: { at: number; key: Promise<Buffer> } | undefined;

  async function fetchKey(): Promise<Buffer> {
    for (const path of SECRET_CONFIG_PATHS) {
      try {
        const secret = await couch.request<string>({ path });
        if (typeof secret === 'string' && secret) {
          logger.registerSecret(secret);
          return deriveKey(secret);
        }
      } catch (err) {
        if ((err as { kind?: string }).kind !== 'not_found') {
          throw err;
        }
      }
    }
    throw new Error('The CouchDB server secret (couch_httpd_auth/secret) is not set; it is needed to encrypt credentials.');
  }

  function serverKey(): Promise<Buffer> {
    // The secret rarely changes; read it again after a minute, or after a failed decryption.
    if (!keyCache || now() - keyCache.at > 60000) {
      const key = fetchKey();
      keyCache = { at: now(), key };
      key.catch(() => (keyCache = undefined));
    }
    return keyCache.key;
  }

  async function readDoc(key: string): Promise<CredentialDoc | undefined> {
    const primary = await db.get<CredentialDoc>(credentialDocId(key));
    if (primary || encodeURIComponent(key) === key) {
      return primary;
    }
    // A store that kept CHT's request body id literally holds the URL-encoded form.
    return db.get<CredentialDoc>(credentialDocId(encodeURIComponent(key)));
  }

  async function load(key: string): Promise<string | undefined> {
    const doc = await readDoc(key);
    if (!doc || !doc.password) {
      return undefined;
    }
    try {
      const secret = decrypt(doc.password, await serverKey());
      logger.registerSecret(secret);
      return secret;
    } catch (err) {
      if (err instanceof CredentialDecryptError) {
        keyCache = undefined;
        throw new CredentialUnreadableError(key);
      }
      throw err;
    }
  }

  return {
    get(key) {
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttlMs) {
        return hit.value;
      }
      const value = load(key);
      cache.set(key, { at: now(), value });
      value.catch(() => cache.delete(key));
      return value;
    },
    async set(key, secret) {
      logger.registerSecret(secret);
      const id = credentialDocId(key);
      for (let attempt = 0; ; attempt++) {
        const [existing, key32] = await Promise.all([db.get<CredentialDoc>(id), serverKey()]);
        try {
          await db.put<CredentialDoc>({ _id: id, _rev: existing?._rev, password: encrypt(secret, key32) });
          break;
        } catch (err) {
          if ((err as { kind?: string }).kind !== 'conflict' || attempt >= 3) {
            throw err;
          }
        }
      }
      cache.delete(key);
    },
  };
}
