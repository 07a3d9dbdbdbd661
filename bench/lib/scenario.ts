/** What every scenario gets, and what it gives back. */
import type { Row } from './report';
import type { Store } from './store';

export interface BenchOptions {
  /** webhook: seconds of load, and concurrent clients. */
  webhookSeconds: number;
  concurrency: number;
  /** send: messages with distinct texts, and the latest a delivery report may come (s after creation). */
  messages: number;
  maxDeliveredSeconds: number;
  /** send: the sentinel's poll_interval_seconds (the default is CHT's one-minute tick). */
  pollSeconds: number;
  /** bulk: how much faster than real time the simulated hour runs. */
  scale: number;
  /**
   * budget: the same for distinct texts. Lower than bulk's, because the sentinel must be able to
   * send 2,500 broadcasts within the hour's real time (see scenarios/hour.ts).
   */
  budgetScale: number;
  requestsPerHour: number;
  /** budget: messages with distinct texts waiting when the hour starts (more than the limit). */
  budgetMessages: number;
  /** bulk: texts, each to this many recipients. */
  bulkTexts: number;
  bulkRecipients: number;
  /** latency: samples. */
  samples: number;
  /** backlog: tracked messages, and polling cycles measured. */
  backlog: number;
  cycles: number;
  /** Keep the work directory (logs, data) after the run. */
  keep: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  webhookSeconds: 10,
  concurrency: 32,
  messages: 1000,
  maxDeliveredSeconds: 60,
  pollSeconds: 60,
  scale: 60,
  budgetScale: 20,
  requestsPerHour: 2500,
  budgetMessages: 3000,
  bulkTexts: 5,
  bulkRecipients: 1000,
  samples: 200,
  backlog: 10000,
  cycles: 3,
  keep: false,
};

/** Peak memory of a service process during a scenario. */
export interface PeakRecord {
  scenario: string;
  part: string;
  peakKb: number;
}

export interface Context {
  store: Store;
  options: BenchOptions;
  peaks: PeakRecord[];
}

export interface Scenario {
  name: string;
  /** One line: what it measures. */
  describe: string;
  run(ctx: Context): Promise<Row[]>;
}
