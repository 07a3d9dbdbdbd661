import { randomUUID } from 'node:crypto';

/** A version-7 UUID (time-ordered), as upstream RapidPro now gives broadcasts and messages. */
export function uuid7(epochMs: number): string {
  const ts = Math.max(0, Math.floor(epochMs)).toString(16).padStart(12, '0').slice(-12);
  const random = randomUUID();
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${random.slice(15)}`;
}

/** A version-4 UUID, for contacts and channels. */
export function uuid4(): string {
  return randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
