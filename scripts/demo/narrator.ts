/**
 * Everything the demo prints goes through here: numbered steps in plain words, indented details,
 * and the service's own log lines. Every line is checked against the demo's secrets first, so a
 * token or password can never reach the terminal, even if some part of the service logged one.
 */

/** What a step may print while it runs. */
export interface StepLog {
  /** Printed at once, under the step's title (for things that happen while the step runs). */
  live(line: string): void;
  /** Printed after the step's "ok". */
  detail(line: string): void;
  /** A short remark shown in brackets after "ok". */
  note(text: string): void;
}

/** A step that did not complete: which one, and why, in words. */
export class StepFailed extends Error {
  constructor(
    readonly stepNumber: number,
    readonly title: string,
    readonly reason: string,
  ) {
    super(`step ${stepNumber} (${title}) failed: ${reason}`);
  }
}

export const HIDDEN = '(hidden)';
const INDENT = '   ';

export interface Narrator {
  /** Any text equal to `secret` is printed as "(hidden)" from now on. */
  addSecret(secret: string): void;
  /** Runs one numbered step: prints its title, then "ok" with its details, or "failed" and throws StepFailed. */
  step<T>(title: string, run: (log: StepLog) => Promise<T>): Promise<T>;
  /** An unnumbered line (introductions, clean-up, conclusions). */
  say(line: string): void;
  /** A line the service wrote to its stdout or stderr. */
  serviceLine(line: string): void;
  /** How many service log lines held a secret (they were printed with it hidden). */
  readonly secretsSeenInServiceLogs: number;
}

/** A duration for people: "2.4 s". */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createNarrator(write: (text: string) => void = (text) => process.stdout.write(text)): Narrator {
  const secrets: string[] = [];
  let stepNumber = 0;
  // True while a step title has been printed without its end of line ("3. Doing x ..."), so that
  // anything printed meanwhile starts on a line of its own.
  let lineOpen = false;
  let secretsSeen = 0;

  const mask = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join(HIDDEN), text);
  const closeLine = () => {
    if (lineOpen) {
      write('\n');
      lineOpen = false;
    }
  };
  const printLine = (text: string) => {
    closeLine();
    write(`${mask(text)}\n`);
  };

  return {
    addSecret(secret) {
      // Longest first, so a secret that contains another is hidden whole.
      if (secret && !secrets.includes(secret)) {
        secrets.push(secret);
        secrets.sort((a, b) => b.length - a.length);
      }
    },
    async step(title, run) {
      stepNumber++;
      const number = stepNumber;
      closeLine();
      write(mask(`${number}. ${title} ...`));
      lineOpen = true;
      const details: string[] = [];
      let note: string | undefined;
      const log: StepLog = {
        live: (line) => printLine(`${INDENT}${line}`),
        detail: (line) => details.push(line),
        note: (text) => (note = text),
      };
      try {
        const value = await run(log);
        const ok = `ok${note ? ` (${note})` : ''}`;
        if (lineOpen) {
          write(mask(` ${ok}\n`));
          lineOpen = false;
        } else {
          printLine(`${INDENT}${ok}`);
        }
        details.forEach((line) => printLine(`${INDENT}${line}`));
        return value;
      } catch (err) {
        const reason = err instanceof StepFailed ? err.reason : errorMessage(err);
        if (lineOpen) {
          write(' failed\n');
          lineOpen = false;
        } else {
          printLine(`${INDENT}failed`);
        }
        throw new StepFailed(number, title, mask(reason));
      }
    },
    say(line) {
      printLine(line);
    },
    serviceLine(line) {
      const masked = mask(line);
      if (masked !== line) {
        secretsSeen++;
      }
      printLine(`${INDENT}[service] ${masked}`);
    },
    get secretsSeenInServiceLogs() {
      return secretsSeen;
    },
  };
}
