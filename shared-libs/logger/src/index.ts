/**
 * Logging through winston: one human-readable line per event, every line passed through the
 * redactor, so no secret reaches the output whatever a caller puts in a message or its metadata.
 */
import winston from 'winston';
import type { Writable } from 'node:stream';
import type { LogLevel } from '../../../config/env';
import { createRedactor, Redactor } from './redact';

export { createRedactor } from './redact';
export type { Redactor } from './redact';

export type LogMeta = Record<string, unknown>;

export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  /** A logger for a part of this process, sharing its output and its secrets. */
  child(component: string): Logger;
  /** Marks a value as secret: it is masked wherever it would appear in a log line from now on. */
  registerSecret(secret: string | undefined): void;
  readonly level: LogLevel;
}

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  /** Where lines go; standard output by default. Tests pass a stream to read what was logged. */
  stream?: Writable;
  redactor?: Redactor;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) {
    return JSON.stringify(value.message);
  }
  if (typeof value === 'string') {
    return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  }
  if (value === undefined) {
    return 'undefined';
  }
  try {
    return JSON.stringify(value);
  } catch {
    return '"[unserialisable]"';
  }
}

export function formatMeta(meta: LogMeta | undefined): string {
  if (!meta) {
    return '';
  }
  const parts = Object.entries(meta)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return parts.length ? ' ' + parts.join(' ') : '';
}

export function createLogger(options: LoggerOptions): Logger {
  const redactor = options.redactor ?? createRedactor();
  const level: LogLevel = options.level ?? 'info';
  const lineFormat = winston.format.printf((info) => {
    const component = String(info.component ?? options.component);
    const meta = info.meta as LogMeta | undefined;
    const line = `${info.timestamp} ${String(info.level).toUpperCase().padEnd(5)} [${component}] ${info.message}${formatMeta(meta)}`;
    return redactor.redact(line);
  });
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const root = winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), lineFormat),
    transports: [transport],
  });

  const make = (component: string): Logger => {
    const write = (lvl: LogLevel) => (message: string, meta?: LogMeta) => {
      root.log({ level: lvl, message, component, meta });
    };
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      child: (name) => make(name),
      registerSecret: (secret) => redactor.add(secret),
      level,
    };
  };
  return make(options.component);
}

/** The part of an error that is safe and useful in a log line: its message, never a body or headers. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}
