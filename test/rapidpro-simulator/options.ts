/**
 * Defaults, rate presets (reference §5.1) and checking of simulator options.
 */
import { realClock } from './clock';
import type {
  ApiLine,
  OutgoingStatus,
  ProgressionRule,
  ProgressionStep,
  SimulatorOptions,
  ThrottleRates,
  ThrottleScope,
} from './types';

export const DEFAULT_TOKEN = 'sim-token';
export const DEFAULT_WINDOW_MS = 3_600_000;

/** Code defaults per line: rp9 = rapidpro/rapidpro 9.0.0; upstream = current TextIt code (v10.3.85+). */
export const RATE_PRESETS: Record<ApiLine, ThrottleRates> = {
  rp9: { v2: 2500, 'v2.broadcasts': 36000, 'v2.messages': 2500 },
  upstream: { v2: 3600, 'v2.messages': 3600 },
};

export type Endpoint = 'broadcasts' | 'messages' | 'workspace';

/** Throttle scope of each endpoint: upstream removed `v2.broadcasts`, so broadcasts count against `v2`. */
export const SCOPE_OF: Record<ApiLine, Record<Endpoint, ThrottleScope>> = {
  rp9: { broadcasts: 'v2.broadcasts', messages: 'v2.messages', workspace: 'v2' },
  upstream: { broadcasts: 'v2', messages: 'v2.messages', workspace: 'v2' },
};

const SCOPES: readonly ThrottleScope[] = ['v2', 'v2.broadcasts', 'v2.messages'];
const OUTGOING: readonly OutgoingStatus[] = ['queued', 'wired', 'sent', 'delivered', 'read', 'errored', 'failed'];

export interface CompiledRule extends ProgressionRule {
  pattern?: RegExp;
}

export interface ResolvedOptions extends SimulatorOptions {
  progressionRules: CompiledRule[];
}

export function defaultOptions(): SimulatorOptions {
  return {
    mode: 'rp9',
    workspaces: [{ token: DEFAULT_TOKEN, name: 'Simulated Workspace' }],
    throttle: { rates: {}, windowMs: DEFAULT_WINDOW_MS },
    pageSize: 250,
    messageCreationDelayMs: 1000,
    progression: [
      { status: 'wired', afterMs: 1000 },
      { status: 'sent', afterMs: 2000 },
      { status: 'delivered', afterMs: 5000 },
    ],
    progressionRules: [],
    clock: realClock,
    primaryLanguage: 'eng',
    maxRequestLogEntries: 100_000,
  };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const isCount = (n: unknown, min: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min;

function checkRates(rates: unknown, where: string): ThrottleRates {
  check(typeof rates === 'object' && rates !== null && !Array.isArray(rates), `${where} must be an object`);
  for (const [scope, n] of Object.entries(rates as object)) {
    check((SCOPES as readonly string[]).includes(scope), `${where}: unknown scope ${scope} (use ${SCOPES.join(', ')})`);
    check(isCount(n, 0), `${where}.${scope} must be an integer >= 0`);
  }
  return rates as ThrottleRates;
}

function checkSteps(steps: unknown, mode: ApiLine, where: string): ProgressionStep[] {
  check(Array.isArray(steps), `${where} must be a list of {status, afterMs}`);
  for (const s of steps as ProgressionStep[]) {
    check(typeof s === 'object' && s !== null, `${where}: each step must be {status, afterMs}`);
    check(OUTGOING.includes(s.status), `${where}: unknown status ${String(s.status)}`);
    check(s.status !== 'read' || mode === 'upstream', `${where}: status "read" exists on upstream only`);
    check(typeof s.afterMs === 'number' && Number.isFinite(s.afterMs) && s.afterMs >= 0, `${where}: afterMs must be >= 0`);
  }
  return steps as ProgressionStep[];
}

function compileRules(rules: unknown, mode: ApiLine): CompiledRule[] {
  check(Array.isArray(rules), 'progressionRules must be a list');
  return (rules as ProgressionRule[]).map((r, i) => {
    const where = `progressionRules[${i}]`;
    check(typeof r.urn === 'string' || typeof r.urnPattern === 'string', `${where} needs urn or urnPattern`);
    let pattern: RegExp | undefined;
    if (typeof r.urnPattern === 'string') {
      try {
        pattern = new RegExp(r.urnPattern);
      } catch (e) {
        throw new Error(`${where}.urnPattern: ${(e as Error).message}`);
      }
    }
    const rule: CompiledRule = { steps: checkSteps(r.steps, mode, `${where}.steps`) };
    if (r.urn !== undefined) rule.urn = r.urn;
    if (r.urnPattern !== undefined) rule.urnPattern = r.urnPattern;
    if (pattern) Object.defineProperty(rule, 'pattern', { value: pattern, enumerable: false });
    return rule;
  });
}

/** Applies `patch` over `base` (throttle rates merge into the current overrides) and checks the result. */
export function resolveOptions(base: SimulatorOptions, patch: Partial<SimulatorOptions>): ResolvedOptions {
  const merged: SimulatorOptions = {
    ...base,
    ...patch,
    throttle: {
      rates: { ...base.throttle.rates, ...patch.throttle?.rates },
      windowMs: patch.throttle?.windowMs ?? base.throttle.windowMs ?? DEFAULT_WINDOW_MS,
    },
  };
  check(merged.mode === 'rp9' || merged.mode === 'upstream', `mode must be rp9 or upstream, got ${String(merged.mode)}`);
  check(Array.isArray(merged.workspaces), 'workspaces must be a list');
  merged.workspaces.forEach((w, i) => {
    check(typeof w === 'object' && w !== null && typeof w.token === 'string', `workspaces[${i}].token is required`);
    if (w.rates) checkRates(w.rates, `workspaces[${i}].rates`);
    check(w.country === undefined || /^[A-Za-z]{2}$/.test(w.country), `workspaces[${i}].country must be 2 letters`);
  });
  checkRates(merged.throttle.rates, 'throttle.rates');
  check(typeof merged.throttle.windowMs === 'number' && merged.throttle.windowMs > 0, 'throttle.windowMs must be > 0');
  check(isCount(merged.pageSize, 1), 'pageSize must be an integer >= 1');
  check(
    typeof merged.messageCreationDelayMs === 'number' && merged.messageCreationDelayMs >= 0,
    'messageCreationDelayMs must be >= 0',
  );
  check(/^[a-z]{3}$/.test(merged.primaryLanguage), 'primaryLanguage must be an ISO 639-3 code such as eng');
  check(isCount(merged.maxRequestLogEntries, 1), 'maxRequestLogEntries must be an integer >= 1');
  const c = merged.clock;
  check(
    typeof c?.now === 'function' && typeof c.setTimeout === 'function' && typeof c.clearTimeout === 'function',
    'clock must have now, setTimeout and clearTimeout',
  );
  return {
    ...merged,
    progression: checkSteps(merged.progression, merged.mode, 'progression'),
    progressionRules: compileRules(merged.progressionRules, merged.mode),
  };
}

/** The rate of `scope` for a workspace: preset, then global overrides, then the workspace's own. */
export function rateFor(o: SimulatorOptions, scope: ThrottleScope, workspaceRates: ThrottleRates): number | undefined {
  return workspaceRates[scope] ?? o.throttle.rates?.[scope] ?? RATE_PRESETS[o.mode][scope];
}

/** Options as JSON (no clock), for the control endpoint. */
export function describeOptions(o: SimulatorOptions): Omit<SimulatorOptions, 'clock'> & { presetRates: ThrottleRates } {
  const { clock: _clock, ...rest } = o;
  return { ...rest, presetRates: RATE_PRESETS[o.mode] };
}
