/**
 * memory: peak resident memory (VmHWM from /proc) of the service's own processes while they were
 * under load: the API during webhook, the sentinel during send. Both run as child processes from
 * their production entry points; the embedded store is a separate process and not counted.
 */
import { progress } from '../lib/log';
import { mb } from '../lib/proc';
import type { Row } from '../lib/report';
import type { Context, Scenario } from '../lib/scenario';
import { fmt } from '../lib/stats';

const LIMIT_MB = 150;

export const memory: Scenario = {
  name: 'memory',
  describe: 'peak RSS of the API (webhook) and the sentinel (send), each its own process',
  async run(ctx: Context): Promise<Row[]> {
    progress(`memory: ${ctx.peaks.map((p) => `${p.part} ${fmt(mb(p.peakKb))} MB during ${p.scenario}`).join(', ') || 'nothing recorded'}`);
    if (!ctx.peaks.length) {
      return [{ scenario: 'memory', figure: 'peak RSS', value: 'not measured (webhook and send did not run)', reference: '', target: `≤ ${LIMIT_MB} MB`, met: null }];
    }
    const service = ctx.peaks.filter((p) => p.part !== 'store');
    const store = ctx.peaks.filter((p) => p.part === 'store');
    return [
      ...service.map(
        (p): Row => ({
          scenario: 'memory',
          figure: `peak RSS of the ${p.part} process (during ${p.scenario})`,
          value: `${fmt(mb(p.peakKb))} MB`,
          reference: '–',
          target: `≤ ${LIMIT_MB} MB`,
          met: mb(p.peakKb) <= LIMIT_MB,
          notes:
            'VmHWM from /proc/<pid>/status of the child process (dist/api/src/main.js, dist/sentinel/src/main.js), read right before it was stopped. ' +
            'The embedded store is measured apart (highest VmRSS sampled every 200 ms during the scenario): it is the database (CouchDB when COUCH_URL is set), not the service, though npm start runs it when COUCH_URL is unset',
          data: { peak_mb: mb(p.peakKb) },
        }),
      ),
      ...store.map(
        (p): Row => ({
          scenario: 'memory',
          figure: `RSS of the embedded store (during ${p.scenario}), for information`,
          value: `${fmt(mb(p.peakKb))} MB`,
          reference: '–',
          target: '– (the database)',
          met: null,
          data: { peak_mb: mb(p.peakKb) },
        }),
      ),
    ];
  },
};
