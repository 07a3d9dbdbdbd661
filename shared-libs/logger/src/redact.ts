/**
 * Secret redaction for everything the service writes to its logs. Two layers: patterns that look
 * like credentials whatever their value (Authorization headers, `Token x`, `Basic x`, passwords in
 * URLs), and exact values the process learned are secret (tokens read from the vault, the CouchDB
 * password), registered as they are read.
 */
const MASK = '[redacted]';
const MIN_SECRET_LENGTH = 4;

const PATTERNS: Array<[RegExp, string]> = [
  // user:password@ in any URL
  [/(\b[a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+):([^\s/@]*)@/gi, `$1$2:${MASK}@`],
  // Authorization header values, in headers or JSON
  [/("?authorization"?\s*[:=]\s*"?)([^",}\r\n]+)/gi, `$1${MASK}`],
  [/\b(Token|Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{4,}/g, `$1 ${MASK}`],
  // AuthSession cookies
  [/(AuthSession=)[^;\s"]+/g, `$1${MASK}`],
];

export interface Redactor {
  /** Remembers a value that must never be written out. Short values are ignored (too many false hits). */
  add(secret: string | undefined): void;
  redact(text: string): string;
}

/** The URL-encoded form of a secret, when it has one (a lone surrogate has none). */
function urlEncoded(text: string): string | undefined {
  try {
    return encodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export function createRedactor(): Redactor {
  const secrets = new Set<string>();
  let forms: string[] = [];
  return {
    add(secret) {
      if (!secret || secret.length < MIN_SECRET_LENGTH || secrets.has(secret)) {
        return;
      }
      secrets.add(secret);
      // Longest first, so a secret that contains another is masked whole; URL-encoded forms too.
      // Plain string matching, not one regular expression of all secrets: V8 refuses to compile a
      // pattern longer than about 32K characters, and one long secret then made every log line throw.
      const all = new Set<string>();
      for (const s of secrets) {
        all.add(s);
        const encoded = urlEncoded(s);
        if (encoded) {
          all.add(encoded);
        }
      }
      forms = [...all].sort((a, b) => b.length - a.length);
    },
    redact(text) {
      let out = text;
      for (const form of forms) {
        if (out.includes(form)) {
          out = out.split(form).join(MASK);
        }
      }
      for (const [pattern, replacement] of PATTERNS) {
        out = out.replace(pattern, replacement);
      }
      return out;
    },
  };
}
