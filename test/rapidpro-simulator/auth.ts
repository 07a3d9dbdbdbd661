/**
 * RapidPro's API authentication (reference §2): DRF token authentication with RapidPro's own
 * "Invalid token", then HTTP Basic with the token as password. Every failure is a 403 `{"detail": ...}`.
 */
export type AuthResult<W> = { ok: true; workspace: W } | { ok: false; detail: string };

/** Python's `bytes.split()`: on runs of ASCII whitespace, no empty parts. */
function pySplit(s: string): string[] {
  return s.split(/[ \t\n\r\x0b\x0c]+/).filter((p) => p !== '');
}

function basicCredentials(encoded: string): { user: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function authenticate<W>(header: string | undefined, lookup: (token: string) => W | undefined): AuthResult<W> {
  const parts = pySplit(header ?? '');
  const scheme = parts[0]?.toLowerCase();
  const refuse = (detail: string): AuthResult<W> => ({ ok: false, detail });

  if (scheme === 'token') {
    if (parts.length === 1) return refuse('Invalid token header. No credentials provided.');
    if (parts.length > 2) return refuse('Invalid token header. Token string should not contain spaces.');
    const workspace = lookup(parts[1]);
    return workspace === undefined ? refuse('Invalid token') : { ok: true, workspace };
  }
  if (scheme === 'basic') {
    if (parts.length === 1) return refuse('Invalid basic header. No credentials provided.');
    if (parts.length > 2) return refuse('Invalid basic header. Credentials string should not contain spaces.');
    const credentials = basicCredentials(parts[1]);
    if (!credentials) return refuse('Invalid basic header. Credentials not correctly base64 encoded.');
    const workspace = credentials.user === '' ? undefined : lookup(credentials.password);
    return workspace === undefined ? refuse('Invalid token or email') : { ok: true, workspace };
  }
  return refuse('Authentication credentials were not provided.');
}
