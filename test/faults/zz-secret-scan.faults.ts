/**
 * The last word of the fault suites (CONTRACT §3: "No response ever contains a secret"): after every
 * test in this mocha process has run, scan EVERYTHING they produced — every log captured through
 * test/helpers/logs.ts (all suites that used freshDb), and every response body and header the fault
 * suites recorded with `observe` — for every secret any suite registered with `registerSecret`, and
 * for the forms a secret travels in (URL-encoded, base64, inside a Basic header).
 *
 * Mocha loads all *.faults.js files into one process and root-level `after` hooks run once the last
 * suite is done, so this covers the other fault files too. Suites import `observe`/`registerSecret`
 * from here; the hook is registered once, whichever file loads this module first.
 */
import { expect } from 'chai';
import { allCaptures } from '../helpers/logs';
import { sharedStore } from '../helpers/store';

interface Secret {
  label: string;
  value: string;
}

interface Observed {
  source: string;
  text: string;
}

const secrets = new Map<string, Secret>();
const observed: Observed[] = [];
let observedChars = 0;
let adminName = 'admin';

/** Marks a value as secret: it must appear in no captured log and no recorded response. */
export function registerSecret(label: string, value: string | undefined): void {
  if (!value || value.length < 6) {
    throw new Error(`secret "${label}" is too short to scan for without false hits`);
  }
  secrets.set(value, { label, value });
}

/**
 * Registers the shared store's own secrets (its admin password and server secret); suites call it
 * once they have a database, so the scan never has to start a store itself.
 */
export async function registerStoreSecrets(): Promise<void> {
  const store = await sharedStore();
  adminName = store.target.username ?? 'admin';
  if (store.target.password) {
    registerSecret('CouchDB admin password', store.target.password);
  }
  if (store.serverSecret) {
    registerSecret('CouchDB server secret', store.serverSecret);
  }
}

/** Records text the tests received (a response's status line, headers and body) for the final scan. */
export function observe(source: string, text: string): void {
  observed.push({ source, text });
  observedChars += text.length;
}

/** Headers and body of a response as one text, for `observe`. */
export function responseText(status: number | null, headers: Record<string, string | string[] | undefined>, body: string): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v ?? ''}`);
  return `${status ?? '-'}\n${lines.join('\n')}\n\n${body}`;
}

/** The forms a secret can leak in. */
function formsOf(secret: Secret, user: string): Array<{ how: string; text: string }> {
  const forms = [
    { how: 'plain', text: secret.value },
    { how: 'URL-encoded', text: encodeURIComponent(secret.value) },
    { how: 'base64', text: Buffer.from(secret.value).toString('base64') },
    { how: 'in a Basic header', text: Buffer.from(`${user}:${secret.value}`).toString('base64') },
  ];
  const seen = new Set<string>();
  return forms.filter((f) => f.text.length >= 6 && !seen.has(f.text) && (seen.add(f.text), true));
}

export interface Leak {
  secret: string;
  how: string;
  source: string;
  /** Where it was found, with the secret itself masked. */
  context: string;
}

export function findLeaks(sources: Observed[], user = 'admin'): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets.values()) {
    for (const form of formsOf(secret, user)) {
      for (const { source, text } of sources) {
        const at = text.indexOf(form.text);
        if (at >= 0) {
          const context = text.slice(Math.max(0, at - 60), at + form.text.length + 60).split(form.text).join('<SECRET>');
          leaks.push({ secret: secret.label, how: form.how, source, context });
        }
      }
    }
  }
  return leaks;
}

after('scan every captured log and every recorded response for every secret used', function () {
  this.timeout(60000);
  const sources: Observed[] = [...allCaptures.map((c, i) => ({ source: `log capture #${i}`, text: c.text() })), ...observed];
  const logChars = allCaptures.reduce((n, c) => n + c.text().length, 0);
  const leaks = findLeaks(sources, adminName);
  process.stdout.write(
    `      secret scan: ${secrets.size} secrets (and their encoded forms) over ${allCaptures.length} log captures ` +
      `(${(logChars / 1e6).toFixed(1)} MB) and ${observed.length} recorded responses (${(observedChars / 1e6).toFixed(1)} MB): ${leaks.length} leaks\n`,
  );
  expect(
    leaks.slice(0, 10).map((l) => `${l.secret} (${l.how}) in ${l.source}: …${l.context}…`),
    'no secret in any log or response',
  ).to.deep.equal([]);
});
