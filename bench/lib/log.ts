/** Progress lines for whoever runs the benchmark: stderr only, so stdout carries just the table. */
const started = Date.now();

export function progress(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

export function elapsedSinceStartMs(): number {
  return Date.now() - started;
}
