/**
 * The embedded store's two generated secrets, kept in DATA_DIR with mode 0600: the `admin`
 * password (unless COUCH_ADMIN_PASSWORD is given) and the server secret, which plays the part of
 * CouchDB's `couch_httpd_auth/secret` (the credentials vault derives its key from it, as CHT does).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADMIN_PASSWORD_FILE = 'couch-admin-password';
export const SERVER_SECRET_FILE = 'couch-secret';

function readSecretFile(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    return value || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw err;
  }
}

function readOrCreate(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  const existing = readSecretFile(file);
  if (existing) {
    return existing;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const value = crypto.randomBytes(24).toString('hex');
  try {
    // 'wx' fails if another process created it first; then theirs wins.
    fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return readSecretFile(file) ?? value;
    }
    throw err;
  }
}

export function readAdminPassword(dataDir: string): string | undefined {
  return readSecretFile(path.join(dataDir, ADMIN_PASSWORD_FILE));
}

export function readOrCreateAdminPassword(dataDir: string): string {
  return readOrCreate(dataDir, ADMIN_PASSWORD_FILE);
}

export function readOrCreateServerSecret(dataDir: string): string {
  return readOrCreate(dataDir, SERVER_SECRET_FILE);
}
