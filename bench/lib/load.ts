/**
 * A closed-loop HTTP load generator: `concurrency` clients, each sending its next request as soon
 * as the previous answer is in, for `durationMs`. Keep-alive connections, one per client, as a
 * RapidPro (or a proxy in front of the API) would hold them.
 */
import http from 'node:http';

export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadAnswer {
  status: number;
  body: string;
}

export interface LoadResult {
  /** Requests answered (any status). */
  answered: number;
  /** Requests that got no answer (connection error, timeout). */
  failed: number;
  /** Answers by status code. */
  statuses: Record<number, number>;
  /** Latency of each answered request, ms. */
  latenciesMs: number[];
  elapsedMs: number;
  firstErrors: string[];
}

export interface LoadOptions {
  baseUrl: string;
  concurrency: number;
  durationMs: number;
  /** The n-th request (from 0, across all clients). */
  request(n: number): LoadRequest;
  /** Sees every answer (for checking bodies). */
  onAnswer?(n: number, answer: LoadAnswer): void;
  timeoutMs?: number;
  /** Stop after this many requests, even before durationMs (for warming up). */
  maxRequests?: number;
}

function send(agent: http.Agent, base: URL, req: LoadRequest, timeoutMs: number): Promise<LoadAnswer> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'Content-Length': Buffer.byteLength(req.body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const result: LoadResult = { answered: 0, failed: 0, statuses: {}, latenciesMs: [], elapsedMs: 0, firstErrors: [] };
  const started = performance.now();
  const endAt = started + options.durationMs;
  let next = 0;
  const client = async () => {
    while (performance.now() < endAt && next < (options.maxRequests ?? Infinity)) {
      const n = next++;
      const req = options.request(n);
      const t0 = performance.now();
      try {
        const answer = await send(agent, base, req, options.timeoutMs ?? 30000);
        result.latenciesMs.push(performance.now() - t0);
        result.answered++;
        result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
        options.onAnswer?.(n, answer);
      } catch (err) {
        result.failed++;
        if (result.firstErrors.length < 5) {
          result.firstErrors.push((err as Error).message);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}
