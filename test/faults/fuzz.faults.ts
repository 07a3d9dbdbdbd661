/**
 * Fuzzing the API over real sockets (issue 5, reliability): at least 10,000 generated requests,
 * from a seeded PRNG so a failure can be replayed (FUZZ_SEED=<seed>; FUZZ_REQUESTS=<n> for more),
 * spread over every endpoint — incoming v2 and the legacy v1 path, credentials, settings (GET, PUT,
 * ?replace=true), health and unknown paths — with random and truncated JSON, wrong types, huge
 * strings up to and over 1 MiB, odd encodings (latin-1, invalid UTF-8, BOM, UTF-16, gzip), unicode
 * and control characters, bad, duplicate and oversized headers, wrong Content-Types and methods,
 * and bad auth of every kind. Most go through node:http; malformed HTTP goes over a raw socket.
 *
 * Whatever arrives: never a 5xx, the process never falls over, every error Express answers is
 * JSON {code, error[, details]} with code === the HTTP status and a message, with the security
 * headers and no stack trace; and the valid incoming messages mixed in are each stored exactly once.
 *
 * Requests Node's own HTTP parser refuses before the app sees them (a header without a colon,
 * Content-Length twice, an oversized header block, an unknown Expect, CONNECT...) are counted in
 * their own class: the server answers them 400/417/431 outside express
 * (api/src/http-server.ts), and the test checks those answers are JSON {code, error} too.
 *
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { incomingDocId, IncomingDataRecord } from '../../shared-libs/messages/src';
import { startApi, TestApi } from '../helpers/api';
import { basic, request } from '../helpers/http';
import { freshDb, TestDb } from '../helpers/store';
import { observe, registerSecret, registerStoreSecrets, responseText } from './zz-secret-scan.faults';

const V2 = '/api/v2/sms/rapidpro/incoming-messages';
const V1 = '/api/v1/sms/radpidpro/incoming-messages';
const TOTAL = Math.max(10000, Number(process.env.FUZZ_REQUESTS ?? 10000));
const CONCURRENCY = 16;
const MIB = 1024 * 1024;
const SECURITY_HEADERS = [
  'x-content-type-options',
  'x-frame-options',
  'content-security-policy',
  'referrer-policy',
  'cross-origin-resource-policy',
  'strict-transport-security',
  'cache-control',
];
/** What a stack trace or a server path looks like in a body. */
const STACK = /\n\s+at\s|\bat\s+\S+\s+\(|\bat\s+\S+:\d+:\d+|node:internal|node_modules|\/dist\/|\.[jt]s:\d+:\d+/;

// ---------------------------------------------------------------------------------------------
// A seeded PRNG (xorshift128, seeded through splitmix32), so every run can be replayed.

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
}

export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let x = splitmix() || 1;
  let y = splitmix();
  let z = splitmix();
  let w = splitmix();
  const next32 = () => {
    const t = (x ^ (x << 11)) >>> 0;
    x = y;
    y = z;
    z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w;
  };
  const rng: Rng = {
    next: () => next32() / 0x100000000,
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    chance: (p) => rng.next() < p,
    pick: (items) => items[Math.floor(rng.next() * items.length)],
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) {
        out[i] = next32() & 0xff;
      }
      return out;
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Generators.

type Endpoint = 'incoming-v2' | 'incoming-v1' | 'credentials' | 'settings' | 'health' | 'unknown';
type Headers = Record<string, string | string[]>;

interface FuzzCase {
  index: number;
  endpoint: Endpoint;
  /** Which generator made it, for the failure report. */
  kind: string;
  method: string;
  path: string;
  headers: Headers;
  body?: Buffer;
  /** Bytes to write to a raw socket instead of going through node:http. */
  raw?: Buffer;
  /** Who must answer: the app (Express), Node's HTTP parser, or either. */
  level: 'app' | 'parser' | 'either';
  /** The connection may close without an answer (an incomplete request, CONNECT). */
  mayClose?: boolean;
  /** The body as the route will read it (before Content-Encoding), to know which id a 200 saved. */
  logical?: Buffer;
  /** A deliberately valid incoming message: it must be answered 200. */
  valid?: string;
}

const WORDS = ['hello', 'J1', 'P', 'visit', 'ANC', 'x', 'muvuku', 'Fever', 'ok', 'SYMP', 'R', 'p 12 2020'];
const UNICODE = ['नमस्ते', 'مرحبا بالعالم', '你好，世界', '🙂👍🏽👨‍👩‍👧', 'e\u0301', '\u202Eevil\u202C', '\uFEFFbom', 'zero\u200Bwidth', 'Ωμέγα', 'ñandú', '\u{10FFFF}', '٠١٢٣٤٥٦٧٨٩'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u2029'];
const LONE_SURROGATES = ['\uD800', '\uDFFF', 'a\uD83Db'];
const NASTY = ['<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x/a}', '../../../etc/passwd', '%s%n%x', '{{7*7}}', '__proto__', 'constructor', '\\u0000', 'null', 'undefined', 'NaN'];
const KEYS = ['id', 'from', 'content', '__proto__', 'constructor', 'prototype', '', ' ', 'ID', 'From', 'sms', 'forms', 'settings', '\u0000', '🙂', 'a'.repeat(300)];

function randomText(rng: Rng, maxLength = 40): string {
  switch (rng.int(0, 7)) {
    case 0:
      return rng.pick(WORDS) + (rng.chance(0.5) ? ` ${rng.int(0, 99999)}` : '');
    case 1:
      return rng.pick(UNICODE);
    case 2:
      return Array.from({ length: rng.int(1, 6) }, () => rng.pick(CONTROL)).join(rng.pick(['', 'x', ' ']));
    case 3:
      return rng.pick(LONE_SURROGATES);
    case 4:
      return rng.pick(NASTY);
    case 5:
      return rng.pick(['', ' ', '   \t ', '\n']);
    case 6: {
      const n = rng.int(1, maxLength);
      let out = '';
      for (let i = 0; i < n; i++) {
        out += String.fromCodePoint(rng.chance(0.8) ? rng.int(0x20, 0x7e) : rng.int(0xa0, 0x2fff));
      }
      return out;
    }
    default:
      return rng.pick(WORDS) + rng.pick(UNICODE) + rng.pick(CONTROL);
  }
}

/** encodeURIComponent that does not throw on lone surrogates (it writes them as U+FFFD). */
function encodePart(text: string): string {
  return encodeURIComponent(wellFormed(text));
}

function randomNumber(rng: Rng): number {
  return rng.pick([0, -0, 1, -1, 255, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 5e-324, 3.14159, rng.int(-1e9, 1e9)]);
}

function randomJson(rng: Rng, depth = 0): unknown {
  const kind = rng.int(0, depth > 3 ? 5 : 7);
  switch (kind) {
    case 0:
      return randomText(rng);
    case 1:
      return randomNumber(rng);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return rng.pick(['', '0', 'true', '[]', '{}']);
    case 5:
      return randomText(rng, 200);
    case 6:
      return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 5); i > 0; i--) {
        out[rng.chance(0.5) ? rng.pick(KEYS) : randomText(rng, 12)] = randomJson(rng, depth + 1);
      }
      return out;
    }
  }
}

/** Valid JSON text with odd spacing or duplicate keys that JSON.stringify would not write. */
function oddJsonText(rng: Rng, value: Record<string, unknown>): string {
  const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${rng.pick([':', ' : ', '\t:\n'])}${JSON.stringify(v)}`);
  if (rng.chance(0.5) && entries.length) {
    entries.push(`"id":${JSON.stringify(randomText(rng, 10))}`);
  }
  return rng.pick(['', ' ', '\n\t', '\r\n']) + `{${entries.join(',')}}` + rng.pick(['', ' ', '\n']);
}

function phone(rng: Rng): string {
  return rng.pick(['+2547', '+2557', '+9779', '+1202', '07', '+44 7700 9']) + String(rng.int(1000000, 99999999));
}

/** A huge string: mostly just under or just over 1 MiB once wrapped in JSON. */
function hugeText(rng: Rng): string {
  const size = rng.pick([rng.int(200 * 1024, 900 * 1024), MIB - rng.int(100, 2000), MIB + rng.int(0, 2000), rng.int(MIB, MIB + MIB / 2)]);
  return rng.pick(['x', 'é', '🙂', 'ab ']).repeat(Math.ceil(size / 3));
}

/** Byte-level mangling of a text: the encodings a broken client or proxy produces. */
function encode(rng: Rng, text: string): { kind: string; bytes: Buffer } {
  switch (rng.int(0, 7)) {
    case 0:
      return { kind: 'latin1', bytes: Buffer.from(text, 'latin1') };
    case 1: {
      const utf8 = Buffer.from(text, 'utf8');
      const at = rng.int(0, utf8.length);
      const junk = rng.pick([[0xff], [0xfe, 0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80, 0x80]]);
      return { kind: 'invalid UTF-8', bytes: Buffer.concat([utf8.subarray(0, at), Buffer.from(junk), utf8.subarray(at)]) };
    }
    case 2:
      return { kind: 'UTF-8 BOM', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) };
    case 3:
      return { kind: 'UTF-16LE', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) };
    case 4: {
      const le = Buffer.from(text, 'utf16le');
      return { kind: 'UTF-16BE', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]) };
    }
    case 5:
      return { kind: 'double BOM', bytes: Buffer.from('\uFEFF\uFEFF' + text, 'utf8') };
    case 6:
      return { kind: 'NUL-padded', bytes: Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(rng.int(1, 64))]) };
    default:
      return { kind: 'random bytes', bytes: rng.bytes(rng.int(1, 512)) };
  }
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=nope',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  '*/*',
  '/',
  'json',
  'application/json, text/plain',
  'application/json; charset="utf-8"; q=0.1; a=b; a=c',
];

function contentType(rng: Rng): Headers {
  const roll = rng.next();
  if (roll < 0.15) {
    return {};
  }
  if (roll < 0.2) {
    return { 'Content-Type': 'application/' + 'x'.repeat(rng.int(100, 6000)) };
  }
  if (roll < 0.25) {
    return { 'Content-Type': Buffer.from(`application/json; charset=${rng.pick(['é', 'ü', 'ÿ'])}`, 'latin1').toString('latin1') };
  }
  return { 'Content-Type': rng.pick(CONTENT_TYPES) };
}

/** Mostly Accept headers that ask for something other than JSON: errors must be JSON anyway. */
function noise(rng: Rng): Headers {
  const out: Headers = {};
  if (rng.chance(0.3)) {
    out.Accept = rng.pick(['text/html', 'text/plain', 'application/xml', '*/*', 'image/png', 'application/json;q=0', '']);
  }
  if (rng.chance(0.1)) {
    out['X-Forwarded-For'] = rng.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1, ' + 'x'.repeat(200)]);
  }
  if (rng.chance(0.08)) {
    out['X-Dup'] = Array.from({ length: rng.int(2, 30) }, (_, i) => `v${i}`);
  }
  if (rng.chance(0.05)) {
    for (let i = rng.int(20, 150); i > 0; i--) {
      out[`X-Many-${i}`] = String(i);
    }
  }
  if (rng.chance(0.05)) {
    out['X-Big'] = 'b'.repeat(rng.int(1000, 12000));
  }
  if (rng.chance(0.04)) {
    out['X-Latin1'] = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff]).toString('latin1');
  }
  if (rng.chance(0.05)) {
    out.Cookie = rng.pick(['AuthSession=garbage', 'AuthSession=', 'a=b; AuthSession=' + 'z'.repeat(500), 'x']);
  }
  if (rng.chance(0.03)) {
    out['Accept-Encoding'] = rng.pick(['gzip', 'br', 'x'.repeat(300)]);
  }
  return out;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'LOCK', 'PURGE'];

interface Auth {
  incomingToken: string;
  admin: string;
  nonAdmin: string;
}

function incomingAuth(rng: Rng, auth: Auth): { headers: Headers; ok: boolean } {
  const t = auth.incomingToken;
  const good: Array<Headers> = [{ Authorization: `Token ${t}` }, { Authorization: `Token  ${t}` }, { Authorization: `Token\t${t}` }];
  if (rng.chance(0.6)) {
    return { headers: rng.pick(good), ok: true };
  }
  const bad: Array<Headers> = [
    {},
    { Authorization: '' },
    { Authorization: 'Token' },
    { Authorization: 'Token ' },
    { Authorization: `token ${t}` },
    { Authorization: `TOKEN ${t}` },
    { Authorization: `Bearer ${t}` },
    { Authorization: `Token ${t}x` },
    { Authorization: `Token ${t.slice(0, -1)}` },
    { Authorization: `Token ${t.toUpperCase()}` },
    { Authorization: `Token ${'A'.repeat(rng.int(100, 9000))}` },
    { Authorization: `Token ${t} ${t}` },
    { Authorization: ['Token wrong', `Token ${t}`] },
    { Authorization: auth.admin },
    { Authorization: 'Basic ' + rng.bytes(rng.int(1, 40)).toString('base64') },
    { Authorization: Buffer.from([0x54, 0x6f, 0x6b, 0x65, 0x6e, 0x20, 0xe9, 0xff]).toString('latin1') },
    { Authorization: `Token ${randomText(rng, 20).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')}` },
    { Cookie: `AuthSession=${t}` },
    { 'X-Token': t },
  ];
  return { headers: rng.pick(bad), ok: false };
}

function adminAuth(rng: Rng, auth: Auth): { headers: Headers; ok: boolean } {
  if (rng.chance(0.5)) {
    return { headers: { Authorization: auth.admin }, ok: true };
  }
  const bad: Array<Headers> = [
    {},
    { Authorization: auth.nonAdmin },
    { Authorization: basic('admin', 'wrong-password') },
    { Authorization: basic('', '') },
    { Authorization: basic('nobody-' + rng.int(0, 1e6), 'x') },
    { Authorization: 'Basic' },
    { Authorization: 'Basic ' },
    { Authorization: 'Basic !!!not-base64!!!' },
    { Authorization: 'Basic ' + Buffer.from('no-colon').toString('base64') },
    { Authorization: 'Basic ' + rng.bytes(rng.int(1, 300)).toString('base64') },
    { Authorization: 'Basic ' + Buffer.from(`admin:${'p'.repeat(rng.int(100, 6000))}`).toString('base64') },
    { Authorization: `Token ${auth.incomingToken}` },
    { Authorization: 'Bearer abc.def.ghi' },
    { Authorization: 'Digest username="admin"' },
    { Authorization: Buffer.from([0x42, 0x61, 0x73, 0x69, 0x63, 0x20, 0xe9]).toString('latin1') },
    { Cookie: 'AuthSession=' + rng.bytes(24).toString('base64url') },
    { Cookie: 'AuthSession=' + 'a'.repeat(rng.int(10, 4000)) },
    { Authorization: [auth.nonAdmin, auth.admin] },
  ];
  return { headers: rng.pick(bad), ok: false };
}

interface Generator {
  rng: Rng;
  auth: Auth;
  validIds: Array<{ id: string; body: string }>;
  validCount: number;
}

function gzipMaybe(rng: Rng, body: Buffer, headers: Headers): Buffer {
  const roll = rng.next();
  if (roll < 0.06) {
    headers['Content-Encoding'] = 'gzip';
    return zlib.gzipSync(body);
  }
  if (roll < 0.08) {
    headers['Content-Encoding'] = 'deflate';
    return zlib.deflateSync(body);
  }
  if (roll < 0.1) {
    headers['Content-Encoding'] = rng.pick(['gzip', 'deflate', 'br']);
    return rng.bytes(rng.int(1, 200));
  }
  if (roll < 0.12) {
    headers['Content-Encoding'] = rng.pick(['compress', 'x-unknown', 'identity', 'gzip, gzip', 'zstd']);
  }
  return body;
}

function incomingCase(g: Generator, c: FuzzCase): void {
  const { rng } = g;
  c.method = 'POST';
  c.path = c.endpoint === 'incoming-v1' ? V1 : V2;
  if (rng.chance(0.05)) {
    c.path += rng.pick(['/', '?token=' + encodeURIComponent(g.auth.incomingToken), '?a=%ZZ&b[]=1&b[]=2', '?' + 'q'.repeat(3000), '#frag']);
  }
  if (rng.chance(0.05)) {
    c.method = rng.pick(METHODS.filter((m) => m !== 'POST'));
  }
  const roll = rng.next();
  if (roll < 0.14) {
    // A valid message (sometimes a retry of an earlier one): must be answered 200 and stored once.
    let message: { id: string; body: string };
    if (g.validIds.length && rng.chance(0.3)) {
      message = rng.pick(g.validIds);
    } else {
      const id = rng.pick(['', 'run-', 'fe4b1e7c-']) + `valid-${g.validCount++}-${rng.int(0, 1e9).toString(36)}`;
      const content = rng.chance(0.1) ? '' : rng.pick([...WORDS, ...UNICODE, 'J1 name#Mary#age#23', '1!ANC!abc#2']);
      message = { id, body: JSON.stringify({ id, from: phone(rng), content, ...(rng.chance(0.2) ? { extra: randomJson(rng) } : {}) }) };
      g.validIds.push(message);
    }
    c.kind = 'valid message';
    c.method = 'POST';
    c.path = rng.chance(0.5) ? V2 : V1;
    c.valid = message.id;
    c.headers = { ...noise(rng), Authorization: `Token ${g.auth.incomingToken}`, ...rng.pick<Headers>([{}, { 'Content-Type': 'application/json' }, { 'Content-Type': 'application/json; charset=utf-8' }, { 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/x-www-form-urlencoded' }]) };
    delete c.headers['X-Big'];
    const body = Buffer.from((rng.chance(0.15) ? '\uFEFF' : '') + message.body, 'utf8');
    c.logical = body;
    c.body = rng.chance(0.08) ? ((c.headers['Content-Encoding'] = 'gzip'), zlib.gzipSync(body)) : body;
    return;
  }
  const auth = incomingAuth(rng, g.auth);
  c.headers = { ...noise(rng), ...contentType(rng), ...auth.headers };
  let text: string | undefined;
  let bytes: Buffer | undefined;
  const shape = rng.int(0, 11);
  const base = { id: `fz-${c.index}`, from: phone(rng), content: randomText(rng) };
  switch (shape) {
    case 0:
      c.kind = 'random JSON';
      text = JSON.stringify(randomJson(rng)) ?? 'null';
      break;
    case 1: {
      c.kind = 'truncated JSON';
      const full = JSON.stringify({ ...base, extra: randomJson(rng) });
      text = full.slice(0, rng.int(0, full.length - 1));
      break;
    }
    case 2: {
      c.kind = 'wrong types';
      const mutated: Record<string, unknown> = { ...base };
      for (const key of ['id', 'from', 'content']) {
        if (rng.chance(0.5)) {
          mutated[key] = rng.pick<unknown>([randomNumber(rng), true, false, null, [], [base.id], {}, { id: 1 }, '', ' ', NaN, randomJson(rng)]);
        }
      }
      text = JSON.stringify(mutated);
      break;
    }
    case 3:
      c.kind = 'unicode and control characters';
      text = JSON.stringify({ id: rng.chance(0.3) ? randomText(rng) : base.id, from: rng.chance(0.4) ? randomText(rng) : base.from, content: Array.from({ length: rng.int(1, 8) }, () => randomText(rng)).join('') });
      break;
    case 4: {
      c.kind = 'huge string';
      const where = rng.pick(['content', 'id', 'from', 'extra']);
      text = JSON.stringify({ ...base, [where]: hugeText(rng) });
      break;
    }
    case 5: {
      const encoded = encode(rng, JSON.stringify({ ...base, content: rng.pick(UNICODE) + ' café' }));
      c.kind = `encoding: ${encoded.kind}`;
      bytes = encoded.bytes;
      break;
    }
    case 6:
      c.kind = 'odd but valid JSON text';
      text = oddJsonText(rng, { ...base, ...(rng.chance(0.5) ? { [rng.pick(KEYS)]: randomJson(rng) } : {}) });
      break;
    case 7:
      c.kind = 'deep nesting';
      text = rng.chance(0.5) ? '['.repeat(rng.int(1000, 200000)) + ']'.repeat(rng.int(0, 1000)) : JSON.stringify({ ...base, content: JSON.parse('['.repeat(500) + ']'.repeat(500)) });
      break;
    case 8:
      c.kind = 'not JSON';
      text = rng.pick([`id=${base.id}&from=${encodeURIComponent(base.from)}&content=x`, '<xml><id>1</id></xml>', '------x\r\nContent-Disposition: form-data; name="id"\r\n\r\n1\r\n------x--', 'undefined', "{'id': 'x'}", '{id: "x", from: "+1"}', 'NaN', '1e309', '"string"', '', ' ', '\u0000']);
      break;
    case 9:
      c.kind = 'number edge cases';
      text = `{"id": ${rng.pick(['1e309', '-0', '0.0000001', '123456789012345678901234567890', '1', '-1e-400', '0x10'])}, "from": ${rng.pick(['1e309', '254712345678', '"+254712345678"', '-1', '1.5'])}, "content": "n"}`;
      break;
    case 10:
      c.kind = 'field limits';
      text = JSON.stringify({ id: 'i'.repeat(rng.pick([255, 256, 257, 5000])), from: '+' + '1'.repeat(rng.pick([127, 128, 129, 2000])), content: 'c' });
      break;
    default:
      c.kind = 'empty body';
      text = '';
      break;
  }
  const body = bytes ?? Buffer.from(text ?? '', 'utf8');
  c.logical = body;
  c.body = gzipMaybe(rng, body, c.headers);
  c.kind += auth.ok ? '' : ' (bad auth)';
}

/**
 * Forms settings the SMS parser cannot read: incoming messages for that form code must still be
 * stored (once lost with a 500).
 */
export const FORMS_THAT_BREAK_INCOMING: Array<Record<string, unknown>> = [
  { forms: { J1: { fields: { a: null } } } },
  { forms: { J1: { fields: { a: { type: 'integer', labels: { tiny: 'a' }, list: [null] } } } } },
  { forms: { J1: { fields: { a: { type: 'string', labels: { tiny: 'a' }, list: 'nope' } } } } },
];

const SETTINGS_SAMPLES: Array<() => unknown> = [
  ...FORMS_THAT_BREAK_INCOMING.map((f) => () => f),
  () => ({ sms: { outgoing_service: 'rapidpro', rapidpro: { url: 'https://textit.in', requests_per_hour: 2500 } } }),
  () => ({ sms: { rapidpro: { url: 'http://user:pass@rapidpro.example.org' } } }),
  () => ({ sms: { rapidpro: { url: 'ftp://x' } } }),
  () => ({ sms: { rapidpro: { url: 'https://x?token=abc' } } }),
  () => ({ sms: { rapidpro: { requests_per_hour: -1 } } }),
  () => ({ sms: { rapidpro: { requests_per_hour: '100' } } }),
  () => ({ sms: { rapidpro: { poll_interval_seconds: 0 } } }),
  () => ({ sms: { rapidpro: null } }),
  () => ({ sms: 'rapidpro' }),
  () => ({ sms: [] }),
  () => ({ default_country_code: 254 }),
  () => ({ default_country_code: 'abc' }),
  () => ({ default_country_code: 99999 }),
  () => ({ phone_validation: 'FULL' }),
  () => ({ phone_validation: 7 }),
  () => ({ locale: 'sw' }),
  () => ({ locale: 5 }),
  () => ({ forms_only_mode: 'yes' }),
  () => ({ forms: { J1: { meta: { code: 'J1' }, fields: { name: { type: 'string', labels: { tiny: 'name' } }, age: { type: 'integer', labels: { tiny: 'age' } } } } } }),
  () => ({ forms: { J1: null } }),
  () => ({ forms: { J1: 5 } }),
  () => ({ forms: { J1: { fields: 'x' } } }),
  () => ({ forms: { J1: { meta: 5, fields: { a: { type: 'date', list: 'nope' } } } } }),
  () => ({ forms: 'J1' }),
  () => ({ forms: [1, 2] }),
  () => ({ forms: { J1: { fields: { a: { type: 'string', labels: null, length: 'x', flags: null } } }, validations: { a: null } } }),
  () => ({ forms: { J1: { fields: null } } }),
  () => ({ __proto__: { sms: { rapidpro: { url: 'http://u:p@x' } } } }),
  () => ({ constructor: { prototype: { polluted: true } } }),
];

function settingsCase(g: Generator, c: FuzzCase): void {
  const { rng } = g;
  const auth = adminAuth(rng, g.auth);
  c.headers = { ...noise(rng), ...auth.headers };
  c.path = '/api/v1/settings';
  const roll = rng.next();
  if (roll < 0.25) {
    c.method = rng.pick(['GET', 'GET', 'HEAD']);
    c.kind = 'read';
    if (rng.chance(0.1)) {
      c.path += rng.pick(['?replace=true', '?x=%ZZ', '/', '?' + 'a=1&'.repeat(500)]);
    }
  } else if (roll < 0.3) {
    c.method = rng.pick(['POST', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']);
    c.kind = 'wrong method';
    c.body = Buffer.from('{}');
  } else {
    c.method = 'PUT';
    c.path += rng.pick(['', '', '', '?replace=true', '?replace=1', '?replace=yes', '?replace=TRUE', '?replace=false', '?replace=', '?replace[]=true', '?replace=true&replace=false', '?replace=%ZZ']);
    c.headers = { ...c.headers, ...contentType(rng) };
    const shape = rng.int(0, 6);
    let bytes: Buffer;
    switch (shape) {
      case 0:
      case 1: {
        c.kind = 'settings sample';
        const sample = rng.pick(SETTINGS_SAMPLES)();
        bytes = Buffer.from(JSON.stringify(sample) ?? '{}');
        break;
      }
      case 2:
        c.kind = 'random JSON';
        bytes = Buffer.from(JSON.stringify(randomJson(rng)) ?? 'null');
        break;
      case 3: {
        c.kind = 'truncated JSON';
        const full = JSON.stringify(rng.pick(SETTINGS_SAMPLES)());
        bytes = Buffer.from(full.slice(0, rng.int(0, full.length - 1)));
        break;
      }
      case 4: {
        const encoded = encode(rng, JSON.stringify({ locale: 'fr', note: 'café ' + rng.pick(UNICODE) }));
        c.kind = `encoding: ${encoded.kind}`;
        bytes = encoded.bytes;
        break;
      }
      case 5:
        // Huge, but never saved: invalid JSON, or an sms section that is refused.
        c.kind = 'huge';
        bytes = Buffer.from(rng.chance(0.5) ? `{"note": "${hugeText(rng)}` : JSON.stringify({ sms: { rapidpro: { url: 'nope' } }, note: hugeText(rng) }));
        break;
      default:
        c.kind = 'odd JSON text';
        bytes = Buffer.from(oddJsonText(rng, { locale: randomText(rng, 8), [rng.pick(KEYS)]: randomJson(rng) }));
        break;
    }
    c.logical = bytes;
    c.body = gzipMaybe(rng, bytes, c.headers);
  }
  c.kind += auth.ok ? '' : ' (not admin)';
}

function credentialsCase(g: Generator, c: FuzzCase): void {
  const { rng } = g;
  const auth = adminAuth(rng, g.auth);
  c.headers = { ...noise(rng), ...auth.headers, ...contentType(rng) };
  const key = rng.pick([
    'rapidpro:outgoing',
    `fuzz:${c.index}`,
    encodePart(randomText(rng, 30)),
    '%ZZ',
    '%00',
    '%0a',
    'a%2Fb',
    '..',
    '%2e%2e',
    'x'.repeat(rng.int(150, 400)),
    encodePart(rng.pick(UNICODE)),
    '',
    'k/extra',
  ]);
  // Never the incoming key: the fuzz must not change the token its own valid messages use.
  let decoded = key;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    // kept as it is
  }
  c.path = `/api/v1/credentials/${decoded === 'rapidpro:incoming' ? 'x' : key}`;
  if (rng.chance(0.04)) {
    c.path = rng.pick(['/api/v1/credentials', '/api/v1/credentials/', '/api/v1/credentials?key=rapidpro:outgoing']);
  }
  c.method = rng.chance(0.85) ? 'PUT' : rng.pick(['GET', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
  const roll = rng.next();
  let bytes: Buffer;
  if (roll < 0.3) {
    c.kind = 'secret';
    const secret = `fuzz-secret-${crypto.randomBytes(12).toString('hex')}`;
    if (auth.ok && c.method === 'PUT') {
      registerSecret(`fuzzed credential ${key.slice(0, 20)}`, secret);
    }
    bytes = Buffer.from(secret);
  } else if (roll < 0.4) {
    c.kind = 'empty';
    bytes = Buffer.alloc(0);
  } else if (roll < 0.5) {
    c.kind = 'over or near 64 KiB';
    bytes = Buffer.alloc(rng.pick([64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, rng.int(65 * 1024, 256 * 1024)]), 0x73);
  } else if (roll < 0.75) {
    const encoded = encode(rng, randomText(rng, 80) || 'x');
    c.kind = `encoding: ${encoded.kind}`;
    bytes = encoded.bytes;
  } else {
    c.kind = 'random text';
    bytes = Buffer.from(randomText(rng, 200));
  }
  c.logical = bytes;
  c.body = gzipMaybe(rng, bytes, c.headers);
  c.kind += auth.ok ? '' : ' (not admin)';
}

function healthCase(g: Generator, c: FuzzCase): void {
  const { rng } = g;
  c.headers = noise(rng);
  c.method = rng.chance(0.75) ? rng.pick(['GET', 'GET', 'HEAD']) : rng.pick(METHODS);
  c.path = '/health' + rng.pick(['', '', '', '/', '?verbose=1', '?%ZZ', '?a[b][c]=1']);
  c.kind = c.method === 'GET' || c.method === 'HEAD' ? 'read' : 'wrong method';
  if (rng.chance(0.2)) {
    c.body = Buffer.from(JSON.stringify(randomJson(rng)) ?? '');
  }
}

function unknownCase(g: Generator, c: FuzzCase): void {
  const { rng } = g;
  c.headers = { ...noise(rng), ...(rng.chance(0.3) ? { Authorization: g.auth.admin } : {}) };
  c.method = rng.pick(METHODS);
  c.path = rng.pick([
    '/',
    '/api',
    '/api/v2',
    '/api/v2/sms/rapidpro',
    '/api/v3/sms/rapidpro/incoming-messages',
    '/api/v1/sms/rapidpro/incoming-messages',
    '//api/v2/sms/rapidpro/incoming-messages',
    '/api/v1/settings/extra',
    '/api/v1/credentials/a/b',
    '/_session',
    '/_utils',
    '/medic/_all_docs',
    '/%',
    '/%ZZ',
    '/%00',
    '/..%2f..%2fetc%2fpasswd',
    '/' + encodePart(randomText(rng, 30)),
    '/' + 'a'.repeat(rng.int(1000, 9000)),
    '/favicon.ico',
    '/health/x',
    '/%E2%82',
    '/;jsessionid=1',
  ]);
  c.kind = 'unknown path';
  if (rng.chance(0.3)) {
    c.body = Buffer.from(JSON.stringify(randomJson(rng)) ?? '');
  }
}

/** Malformed HTTP, written byte for byte to a raw socket. */
function rawCase(g: Generator, c: FuzzCase): void {
  const { rng } = g;
  const path = c.endpoint === 'incoming-v1' ? V1 : c.endpoint === 'incoming-v2' ? V2 : c.endpoint === 'credentials' ? '/api/v1/credentials/rapidpro:outgoing' : c.endpoint === 'settings' ? '/api/v1/settings' : c.endpoint === 'health' ? '/health' : '/nope';
  const method = c.endpoint.startsWith('incoming') ? 'POST' : c.endpoint === 'health' || c.endpoint === 'unknown' ? 'GET' : 'PUT';
  const auth = c.endpoint.startsWith('incoming') ? `Authorization: Token ${g.auth.incomingToken}\r\n` : c.endpoint === 'credentials' || c.endpoint === 'settings' ? `Authorization: ${g.auth.admin}\r\n` : '';
  const body = c.endpoint.startsWith('incoming') ? JSON.stringify({ id: `raw-${c.index}`, from: phone(rng), content: 'raw' }) : c.endpoint === 'settings' ? '{"locale":"en"}' : 'raw-secret-value-0123';
  const len = Buffer.byteLength(body);
  const start = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}`;
  type Raw = [string, string, 'app' | 'parser' | 'either', boolean?];
  const cases: Raw[] = [
    ['header without a colon', `${start}Bad Header\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['space in a header name', `${start}X Bad: 1\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['NUL in a header value', `${start}X-A: a\u0000b\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['control character in a header value', `${start}X-A: a\u0007\u001bb\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['obsolete line folding', `${start}X-A: a\r\n folded\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['bare LF line ends', `${method} ${path} HTTP/1.1\nHost: x\nContent-Length: ${len}\nConnection: close\n\n${body}`, 'parser'],
    ['Content-Length twice', `${start}Content-Length: ${len}\r\nContent-Length: ${len + 1}\r\nConnection: close\r\n\r\n${body}x`, 'parser'],
    ['Content-Length and Transfer-Encoding', `${start}Content-Length: ${len}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${len.toString(16)}\r\n${body}\r\n0\r\n\r\n`, 'parser'],
    // A route that answers without reading the body (404, 401, 405) may do so before the parser reaches the bad chunk.
    ['invalid chunk size', `${start}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`, 'either'],
    ['negative Content-Length', `${start}Content-Length: -5\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['absurd Content-Length', `${start}Content-Length: 99999999999999999999999\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['oversized header block', `${start}X-Huge: ${'h'.repeat(rng.int(17000, 40000))}\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['unknown method', `BREW ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'parser'],
    ['bad HTTP version', `${method} ${path} HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n`, 'parser'],
    ['space in the URL', `${method} ${path} x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'parser'],
    ['no Host in HTTP/1.1', `${method} ${path} HTTP/1.1\r\n${auth}Content-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['unknown Expect', `${start}Expect: teapot\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'parser'],
    ['TLS hello on a plain port', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003' + 'x'.repeat(40), 'parser'],
    ['CONNECT', `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`, 'parser', true],
    // These are odd but legal: the app must answer, as JSON.
    ['chunked body', `${start}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.split('').map((ch) => `1\r\n${ch}\r\n`).join('')}0\r\n\r\n`, 'app'],
    ['HTTP/1.0 without Host', `${method} ${path} HTTP/1.0\r\n${auth}Content-Length: ${len}\r\n\r\n${body}`, 'app'],
    ['absolute-form URL', `${method} http://evil.example${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'app'],
    ['two Host headers', `${start}Host: evil.example\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'app'],
    ['UTF-8 bytes in header values', `${start}X-Name: ${Buffer.from('Zoë 🙂', 'utf8').toString('latin1')}\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'app'],
    ['Expect: 100-continue', `${start}Expect: 100-continue\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'app'],
    ['pipelined requests', `GET /health HTTP/1.1\r\nHost: x\r\n\r\n${start}Content-Length: ${len}\r\nConnection: close\r\n\r\n${body}`, 'app'],
    ['header names in odd case', `${method} ${path} HTTP/1.1\r\nhOsT: x\r\n${auth.replace('Authorization', 'aUtHoRiZaTiOn')}cOnTeNt-LeNgTh: ${len}\r\nConnection: close\r\n\r\n${body}`, 'app'],
    ['body shorter than Content-Length, then half-close', `${start}Content-Length: ${len + 50}\r\nConnection: close\r\n\r\n${body}`, 'either', true],
    ['headers cut short, then half-close', `${start}Content-Le`, 'either', true],
  ];
  const [kind, text, level, mayClose] = rng.pick(cases);
  c.kind = `raw: ${kind}`;
  c.method = method;
  c.path = path;
  c.raw = Buffer.from(text, 'latin1');
  c.logical = Buffer.from(body);
  c.level = level;
  c.mayClose = mayClose ?? false;
}

function makeCase(g: Generator, index: number): FuzzCase {
  const { rng } = g;
  const roll = rng.next();
  const endpoint: Endpoint = roll < 0.3 ? 'incoming-v2' : roll < 0.42 ? 'incoming-v1' : roll < 0.57 ? 'credentials' : roll < 0.75 ? 'settings' : roll < 0.85 ? 'health' : 'unknown';
  const c: FuzzCase = { index, endpoint, kind: '', method: 'GET', path: '/', headers: {}, level: 'app' };
  if (rng.chance(0.06)) {
    rawCase(g, c);
    return c;
  }
  switch (endpoint) {
    case 'incoming-v2':
    case 'incoming-v1':
      incomingCase(g, c);
      break;
    case 'credentials':
      credentialsCase(g, c);
      break;
    case 'settings':
      settingsCase(g, c);
      break;
    case 'health':
      healthCase(g, c);
      break;
    default:
      unknownCase(g, c);
  }
  // A header block over Node's 16 KiB limit is refused by its parser, before the app.
  const headerBytes = Object.entries(c.headers).reduce((n, [k, v]) => n + k.length + 4 + (Array.isArray(v) ? v.join('').length + v.length * (k.length + 4) : v.length), c.path.length + 64);
  if (headerBytes > 16 * 1024 - 512) {
    c.level = headerBytes > 16 * 1024 + 512 ? 'parser' : 'either';
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Transport.

interface Outcome {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Who answered: the app sets X-Request-Id on every response; Node's parser does not. */
  by: 'app' | 'parser' | 'none';
  error?: string;
  /** Further responses on the same connection (pipelining). */
  more?: Outcome[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function viaHttp(base: URL, c: FuzzCase, attempt = 0): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    let req: http.ClientRequest;
    try {
      // node:http frames a body on GET, HEAD, DELETE, OPTIONS and TRACE only with an explicit length.
      const headers = c.body === undefined || c.headers['Transfer-Encoding'] ? c.headers : { ...c.headers, 'Content-Length': String(c.body.length) };
      req = http.request({ host: base.hostname, port: base.port, method: c.method, path: c.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({ status: res.statusCode ?? null, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), by: res.headers['x-request-id'] ? 'app' : 'parser' }),
        );
        res.on('error', (err) => done({ status: res.statusCode ?? null, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), by: 'none', error: `response: ${err.message}` }));
      });
    } catch (err) {
      done({ status: null, headers: {}, body: '', by: 'none', error: `client refused to send: ${(err as Error).message}` });
      return;
    }
    req.setTimeout(60000, () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A keep-alive socket the server closed just as it was reused: the documented retry.
      if (req.reusedSocket && err.code === 'ECONNRESET' && attempt < 2) {
        viaHttp(base, c, attempt + 1).then(done);
        return;
      }
      done({ status: null, headers: {}, body: '', by: 'none', error: `${err.code ?? ''} ${err.message}` });
    });
    if (c.body !== undefined) {
      req.end(c.body);
    } else {
      req.end();
    }
  });
}

/** Parses the HTTP responses in `data` (enough for what Node and Express send). */
export function parseResponses(data: Buffer, headOnly = false): Outcome[] {
  const out: Outcome[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) {
      break;
    }
    const head = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0])?.[1] ?? NaN);
    const headers: Record<string, string | string[] | undefined> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const prev = headers[name];
      headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    at = end + 4;
    if (status >= 100 && status < 200) {
      continue;
    }
    let body: Buffer = Buffer.alloc(0);
    const length = headers['content-length'];
    if (headOnly || status === 204 || status === 304) {
      // no body
    } else if (typeof length === 'string') {
      body = data.subarray(at, at + Number(length));
      at += Number(length);
    } else if (String(headers['transfer-encoding'] ?? '').includes('chunked')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', at);
        if (lineEnd < 0) {
          at = data.length;
          break;
        }
        const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
        at = lineEnd + 2;
        if (!size) {
          at += 2;
          break;
        }
        parts.push(data.subarray(at, at + size));
        at += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = data.subarray(at);
      at = data.length;
    }
    out.push({ status: Number.isNaN(status) ? null : status, headers, body: body.toString('utf8'), by: headers['x-request-id'] ? 'app' : 'parser' });
  }
  return out;
}

function viaSocket(base: URL, c: FuzzCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let finished = false;
    const finish = (error?: string) => {
      if (finished) {
        return;
      }
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      const responses = parseResponses(Buffer.concat(chunks));
      if (!responses.length) {
        resolve({ status: null, headers: {}, body: '', by: 'none', error: error ?? 'connection closed without an answer' });
        return;
      }
      resolve({ ...responses[responses.length - 1], more: responses.slice(0, -1) });
    };
    const timer = setTimeout(() => finish('no answer within 60 s'), 60000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish());
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(c.raw ?? Buffer.alloc(0));
      if (c.mayClose) {
        socket.end();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Checks.

/** Successful OPTIONS answers that are not JSON (reported, not failed). */
const optionsAnswers: string[] = [];

function checkOutcome(c: FuzzCase, o: Outcome): string[] {
  const problems: string[] = [];
  const all = [...(o.more ?? []), o];
  if (o.status === null) {
    if (!c.mayClose) {
      problems.push(`no answer: ${o.error ?? 'unknown'}`);
    }
    return problems;
  }
  for (const r of all) {
    const status = r.status ?? 0;
    if (status >= 500) {
      problems.push(`answered ${status}`);
    }
    if (r.by === 'parser') {
      if (c.level === 'app') {
        problems.push(`expected the app to answer, but Node's parser did (${status})`);
      }
      if (![400, 413, 417, 431].includes(status)) {
        problems.push(`Node's parser answered ${status}`);
      }
      // api/src/http-server.ts answers these itself: JSON, like every other error.
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.body);
      } catch {
        parsed = undefined;
      }
      const refusal = parsed as { code?: unknown; error?: unknown } | undefined;
      if (!refusal || refusal.code !== status || typeof refusal.error !== 'string' || !refusal.error) {
        problems.push(`a request refused before routing got no JSON {code, error}: ${JSON.stringify(r.body.slice(0, 80))}`);
      }
      if (!/^application\/json/.test(String(r.headers['content-type'] ?? ''))) {
        problems.push(`a request refused before routing got Content-Type ${String(r.headers['content-type'])}`);
      }
      continue;
    }
    if (c.level === 'parser') {
      problems.push(`expected Node's parser to refuse it, but the app answered ${status}`);
    }
    const missing = SECURITY_HEADERS.filter((h) => r.headers[h] === undefined);
    if (missing.length) {
      problems.push(`missing security headers: ${missing.join(', ')}`);
    }
    if (r.headers['x-powered-by'] !== undefined) {
      problems.push('X-Powered-By is set');
    }
    if (STACK.test(r.body)) {
      problems.push(`stack trace or server path in the body: ${r.body.slice(0, 200)}`);
    }
    if (c.method === 'HEAD' && r === o) {
      continue;
    }
    if (c.method === 'OPTIONS' && status < 300 && r === o) {
      // Express's own answer to OPTIONS on a path routed for one method only: `Allow` in text.
      optionsAnswers.push(`${c.path} -> ${status} ${String(r.headers['content-type'])} ${JSON.stringify(r.body.slice(0, 40))}`);
      continue;
    }
    if (!/^application\/json/.test(String(r.headers['content-type'] ?? ''))) {
      problems.push(`Content-Type is ${String(r.headers['content-type'])}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(r.body);
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(r.body.slice(0, 120))}`);
      continue;
    }
    if (status >= 400) {
      const e = json as { code?: unknown; error?: unknown };
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        problems.push('error body is not an object');
      } else {
        if (e.code !== status) {
          problems.push(`error code ${String(e.code)} != status ${status}`);
        }
        if (typeof e.error !== 'string' || !e.error.trim()) {
          problems.push('error message is empty');
        }
        const extra = Object.keys(json).filter((k) => !['code', 'error', 'details'].includes(k));
        if (extra.length) {
          problems.push(`unexpected keys in the error body: ${extra.join(', ')}`);
        }
      }
    }
  }
  if (c.valid !== undefined) {
    const body = (() => {
      try {
        return JSON.parse(o.body) as { saved?: number; duplicate?: boolean };
      } catch {
        return undefined;
      }
    })();
    if (o.status !== 200 || !body || !(body.saved === 1 || (body.saved === 0 && body.duplicate === true))) {
      problems.push(`a valid message was not accepted: ${o.status} ${o.body.slice(0, 200)}`);
    }
  }
  return problems;
}

/**
 * An id as the document id sees it: the id is hashed as UTF-8, where every lone surrogate becomes
 * U+FFFD, so ids that differ only in ill-formed UTF-16 are the same message.
 */
function wellFormed(id: string): string {
  return id.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Which id a 200 `{"saved":1}` stored, read the way the route reads it. */
function savedId(c: FuzzCase): string | undefined {
  if (!c.logical) {
    return undefined;
  }
  let text = c.logical.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'number' ? String(id) : typeof id === 'string' ? wellFormed(id) : undefined;
  } catch {
    return undefined;
  }
}

function statusClass(o: Outcome): string {
  if (o.status === null) {
    return 'closed';
  }
  const cls = `${Math.floor(o.status / 100)}xx`;
  return o.by === 'parser' ? `${cls} (Node)` : cls;
}

/** A plain-text table: rows by endpoint, columns by status class. */
function table(counts: Map<string, Map<string, number>>): string {
  const columns = [...new Set([...counts.values()].flatMap((m) => [...m.keys()]))].sort();
  const rows = [...counts.keys()].sort();
  const width = Math.max(12, ...rows.map((r) => r.length)) + 2;
  const header = ''.padEnd(width) + columns.map((c) => c.padStart(11)).join('') + 'total'.padStart(9);
  const lines = rows.map((r) => {
    const m = counts.get(r) ?? new Map<string, number>();
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    return r.padEnd(width) + columns.map((c) => String(m.get(c) ?? 0).padStart(11)).join('') + String(total).padStart(9);
  });
  return [header, ...lines].map((l) => `      ${l}`).join('\n');
}

// ---------------------------------------------------------------------------------------------

describe('fuzz: 10,000+ generated requests against the API, over real sockets', function () {
  this.timeout(180000);
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : crypto.randomBytes(4).readUInt32LE(0);
  const incomingToken = `fuzz-incoming-${crypto.randomBytes(12).toString('hex')}`;
  const nonAdmin = { name: `fuzz-user-${crypto.randomBytes(3).toString('hex')}`, password: `fuzz-user-pw-${crypto.randomBytes(8).toString('hex')}` };
  let db: TestDb;
  let api: TestApi;
  let auth: Auth;
  const savedOnce = new Map<string, number>();
  const accepted = new Set<string>();

  before(async () => {
    process.stdout.write(`      fuzz seed: ${seed} (replay with FUZZ_SEED=${seed}); ${TOTAL} requests, ${CONCURRENCY} at a time\n`);
    db = await freshDb();
    await registerStoreSecrets();
    registerSecret('fuzz incoming token', incomingToken);
    registerSecret('fuzz non-admin password', nonAdmin.password);
    api = await startApi(db, { cacheTtlMs: 200 });
    await api.vault.set('rapidpro:incoming', incomingToken);
    await db.couch.request({ db: '_users', doc: `org.couchdb.user:${nonAdmin.name}`, method: 'put', body: { _id: `org.couchdb.user:${nonAdmin.name}`, name: nonAdmin.name, password: nonAdmin.password, roles: [], type: 'user' } });
    auth = { incomingToken, admin: basic(db.target.username ?? 'admin', db.target.password ?? ''), nonAdmin: basic(nonAdmin.name, nonAdmin.password) };
  });
  after(async () => {
    agent.destroy();
    await api?.close();
    await db?.drop();
  });

  it('never answers 5xx, never falls over, and answers every error as JSON {code, error} with the security headers', async () => {
    const g: Generator = { rng: seededRng(seed), auth, validIds: [], validCount: 0 };
    const base = new URL(api.url);
    const counts = new Map<string, Map<string, number>>();
    const failures: string[] = [];
    let failed = 0;
    let bytesSent = 0;
    let next = 0;
    const started = Date.now();

    const worker = async () => {
      while (next < TOTAL) {
        const c = makeCase(g, next++);
        bytesSent += (c.raw ?? c.body ?? Buffer.alloc(0)).length;
        const o = c.raw ? await viaSocket(base, c) : await viaHttp(base, c);
        for (const r of [...(o.more ?? []), o]) {
          observe(`fuzz #${c.index}`, responseText(r.status, r.headers, r.body));
        }
        const key = c.raw ? `${c.endpoint} (raw)` : c.endpoint;
        const byClass = counts.get(key) ?? new Map<string, number>();
        byClass.set(statusClass(o), (byClass.get(statusClass(o)) ?? 0) + 1);
        counts.set(key, byClass);
        const problems = checkOutcome(c, o);
        if (o.status === 200 && c.endpoint.startsWith('incoming')) {
          const body = JSON.parse(o.body) as { saved?: number };
          const id = savedId(c);
          if (id === undefined) {
            problems.push('answered 200 to a body without an id');
          } else {
            accepted.add(id);
            if (body.saved === 1) {
              savedOnce.set(id, (savedOnce.get(id) ?? 0) + 1);
            }
          }
        }
        if (problems.length) {
          failed++;
          if (failures.length < 25) {
            failures.push(`#${c.index} ${c.endpoint} [${c.kind}] ${c.method} ${c.path.slice(0, 80)} -> ${o.status ?? 'no answer'} ${o.body.slice(0, 160)}: ${problems.join('; ')}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;

    process.stdout.write(`      ${TOTAL} requests (${(bytesSent / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s; by endpoint and status class ("Node" = refused by Node's HTTP parser):\n${table(counts)}\n`);
    process.stdout.write(`      valid messages mixed in: ${g.validCount} distinct ids, ${accepted.size} ids accepted in all\n`);
    if (optionsAnswers.length) {
      process.stdout.write(`      note: ${optionsAnswers.length} OPTIONS answered 2xx by Express itself, not as JSON, e.g. ${optionsAnswers[0]}\n`);
    }
    const unexpected = db.logs.lines().filter((l) => /Unexpected error|ERROR/.test(l)).map((l) => l.slice(0, 300));
    expect(unexpected.slice(0, 5), 'no unexpected server errors logged').to.deep.equal([]);
    expect(failures, `${failed} of ${TOTAL} requests broke a rule (seed ${seed})`).to.deep.equal([]);
    // Still alive and well.
    const health = await request(`${api.url}/health`);
    expect(health.status).to.equal(200);
  });

  it('stored every accepted incoming message exactly once, and nothing else', async () => {
    const mainDb = db.couch.db(db.target.dbName);
    const twice = [...savedOnce.entries()].filter(([, n]) => n > 1);
    expect(twice, 'no id answered {"saved":1} twice').to.deep.equal([]);
    expect([...accepted].filter((id) => !savedOnce.has(id)), 'every accepted id was saved once').to.deep.equal([]);
    const all = await mainDb.allDocs<IncomingDataRecord>({ include_docs: true });
    const records = all.rows.map((r) => r.doc).filter((d): d is IncomingDataRecord => !!d && d.type === 'data_record');
    const refs = records.map((d) => wellFormed(d.sms_message.gateway_ref));
    expect(refs.length, 'one document per accepted id').to.equal(accepted.size);
    expect(new Set(refs).size, 'no gateway_ref stored twice').to.equal(refs.length);
    expect([...accepted].filter((id) => !refs.includes(id)).slice(0, 5), 'every accepted id is stored').to.deep.equal([]);
    for (const doc of records.slice(0, 200)) {
      expect(doc._id).to.equal(incomingDocId(doc.sms_message.gateway_ref));
    }
  });
});

describe('forms settings the SMS parser cannot read', function () {
  this.timeout(60000);
  let db: TestDb;
  let api: TestApi;
  const token = `known-bug-${crypto.randomBytes(8).toString('hex')}`;
  before(async () => {
    db = await freshDb();
    api = await startApi(db, { cacheTtlMs: 0 });
    await api.vault.set('rapidpro:incoming', token);
  });
  after(async () => {
    await api?.close();
    await db?.drop();
  });

  FORMS_THAT_BREAK_INCOMING.forEach((settings, i) => {
    it(`stores an incoming J1 message anyway (${JSON.stringify(settings)})`, async () => {
      const admin = basic(db.target.username ?? 'admin', db.target.password ?? '');
      const put = await request(`${api.url}/api/v1/settings?replace=true`, { method: 'PUT', headers: { Authorization: admin, 'Content-Type': 'application/json' }, body: JSON.stringify(settings) });
      expect(put.status).to.equal(200);
      const res = await request(`${api.url}${V2}`, { method: 'POST', headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: `known-bug-${i}`, from: '+254712345678', content: 'J1 a' }) });
      expect(res.status, res.text).to.equal(200);
      expect(res.json).to.deep.equal({ saved: 1 });
    });
  });
});
