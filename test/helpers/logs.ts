/** Captures what a logger writes, so tests can read it (and scan it for secrets). */
import { PassThrough } from 'node:stream';

export interface LogCapture {
  stream: PassThrough;
  text(): string;
  lines(): string[];
}

/** Every capture made in this test run, for the final scan for leaked secrets. */
export const allCaptures: LogCapture[] = [];

export function captureLogs(): LogCapture {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  if (process.env.TEST_LOGS) {
    // Debugging aid: TEST_LOGS=1 npm test shows what the code under test logs.
    stream.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  }
  const capture: LogCapture = {
    stream,
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean),
  };
  allCaptures.push(capture);
  return capture;
}
