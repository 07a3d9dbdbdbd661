import { expect } from 'chai';
import type { ApiLine, OutgoingStatus } from '../../rapidpro-simulator';
import { eventually } from '../../helpers/http';
import { SentinelHarness, startSentinelHarness } from '../../helpers/sentinel';

/** Resolves after `count` more status checks; the second one started after anything set before the call. */
function nextPolls(h: SentinelHarness, count: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let polls = 0;
    const onPoll = () => {
      if (++polls >= count) {
        h.sentinel.events.off('poll', onPoll);
        resolve();
      }
    };
    h.sentinel.events.on('poll', onPoll);
  });
}

/**
 * Per-URN scripts of RapidPro statuses, and the CHT state each must end in. A `late` status is set
 * by hand only once the sentinel has recorded the scripted ones, so it really arrives late.
 */
const SCRIPTS: Array<{
  label: string;
  urn: string;
  steps: Array<[OutgoingStatus, number]>;
  late?: OutgoingStatus;
  state: string;
  details: string;
  lines?: ApiLine[];
}> = [
  { label: 'queued only', urn: '+254700000001', steps: [], state: 'received-by-gateway', details: 'Queued' },
  { label: 'wired', urn: '+254700000002', steps: [['wired', 20]], state: 'forwarded-by-gateway', details: 'Wired' },
  { label: 'sent', urn: '+254700000003', steps: [['wired', 20], ['sent', 40]], state: 'sent', details: 'Sent' },
  { label: 'delivered', urn: '+254700000004', steps: [['sent', 20], ['delivered', 40]], state: 'delivered', details: 'Delivered' },
  // `delivered` is final for CHT, so a read receipt counts only when it is the first final report seen.
  { label: 'read (upstream only)', urn: '+254700000005', steps: [['sent', 20], ['read', 40]], state: 'delivered', details: 'Read', lines: ['upstream'] },
  { label: 'a read receipt after delivered was seen (upstream only)', urn: '+254700000011', steps: [['delivered', 20]], late: 'read', state: 'delivered', details: 'Delivered', lines: ['upstream'] },
  { label: 'errored, RapidPro retrying', urn: '+254700000006', steps: [['errored', 20]], state: 'received-by-gateway', details: 'Errored: RapidPro will try again' },
  { label: 'errored then failed', urn: '+254700000007', steps: [['errored', 20], ['failed', 40]], state: 'failed', details: 'Failed' },
  { label: 'a late sent after delivered (out of order)', urn: '+254700000008', steps: [['delivered', 20]], late: 'sent', state: 'delivered', details: 'Delivered' },
  { label: 'a late wired after sent', urn: '+254700000009', steps: [['sent', 20]], late: 'wired', state: 'sent', details: 'Sent' },
  { label: 'errored after sent (RapidPro retrying)', urn: '+254700000010', steps: [['sent', 20]], late: 'errored', state: 'sent', details: 'Sent' },
];

for (const mode of ['rp9', 'upstream'] as ApiLine[]) {
  describe(`sentinel: every RapidPro status, and reports that move backwards (${mode})`, () => {
    let h: SentinelHarness;
    const scripts = SCRIPTS.filter((s) => !s.lines || s.lines.includes(mode));

    before(async () => {
      h = await startSentinelHarness({
        sim: {
          mode,
          progression: [],
          progressionRules: scripts.map((s) => ({ urn: `tel:${s.urn}`, steps: s.steps.map(([status, afterMs]) => ({ status, afterMs })) })),
        },
      });
    });
    after(async () => {
      await h.close();
    });

    it('ends each message in the mapped CHT state, never moving it backwards', async () => {
      const docs = await Promise.all(scripts.map((s) => h.addPending([{ to: s.urn, text: `status test ${s.label}` }])));
      // Wait until RapidPro has applied every scripted step, then for two more status checks.
      await eventually(() => {
        const messages = h.sim.messages();
        const done = scripts.every((s) => {
          const m = messages.find((x) => x.urn === `tel:${s.urn}`);
          const last = s.steps.length ? s.steps[s.steps.length - 1][0] : 'queued';
          return m && m.status === last && Date.now() - m.createdOnMs > (s.steps.length ? s.steps[s.steps.length - 1][1] : 0);
        });
        return done || undefined;
      }, 10000, 'RapidPro to apply every scripted status');
      await nextPolls(h, 2);
      const check = async (when: string) => {
        for (const [i, s] of scripts.entries()) {
          const task = await h.task(docs[i].docId, docs[i].uuids[0]);
          expect(task?.state, `${s.label} (${when}): ${JSON.stringify(task?.rapidpro?.messages)}`).to.equal(s.state);
          expect(task?.state_details, `${s.label} (${when})`).to.equal(s.details);
          const ranks = ['pending', 'received-by-gateway', 'forwarded-by-gateway', 'sent', 'delivered', 'failed'];
          const history = (task?.state_history ?? []).map((e) => ranks.indexOf(e.state));
          for (let k = 1; k < history.length; k++) {
            expect(history[k], `${s.label}: ${JSON.stringify(task?.state_history)}`).to.be.at.least(history[k - 1]);
          }
        }
      };
      await check('scripted reports');

      // Now the late reports, each going back from what the sentinel has already recorded.
      const messages = h.sim.messages();
      for (const s of scripts.filter((x) => x.late)) {
        const m = messages.find((x) => x.urn === `tel:${s.urn}`);
        h.sim.setMessageStatus(m!.id, s.late!);
      }
      await nextPolls(h, 2);
      await check('after the late reports');
    });
  });
}
