import { expect } from 'chai';
import type { ApiLine } from '../../rapidpro-simulator';
import { eventually } from '../../helpers/http';
import { SentinelHarness, startSentinelHarness } from '../../helpers/sentinel';

for (const mode of ['rp9', 'upstream'] as ApiLine[]) {
  describe(`sentinel: send and track (${mode})`, () => {
    let h: SentinelHarness;
    beforeEach(async () => {
      h = await startSentinelHarness({ sim: { mode } });
    });
    afterEach(async () => {
      await h.close();
    });

    it('sends a pending message as a broadcast and follows it to delivered, the way CHT records it', async () => {
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'Visit the clinic tomorrow' }]);
      const task = await h.waitForState(docId, uuids[0], 'delivered');
      const [post] = h.sim.requests().filter((r) => r.method === 'POST');
      expect(post.path).to.equal('/api/v2/broadcasts.json');
      expect(post.body).to.deep.equal({ urns: ['tel:+254712345678'], text: 'Visit the clinic tomorrow' });
      expect(post.headers.authorization).to.equal('Token sim-token');
      expect(post.headers['user-agent']).to.match(/^cht-rapidpro-gateway\//);
      const broadcast = h.sim.broadcasts()[0];
      expect(task.gateway_ref).to.equal(broadcast.id);
      expect(task.state_history?.map((s) => s.state)).to.include.members(['pending', 'received-by-gateway', 'delivered']);
      expect(task.state_details).to.equal('Delivered');
      expect(task.rapidpro).to.deep.include({ url: h.sim.url });
      expect(task.rapidpro?.account).to.match(/^workspace:[0-9a-f-]{36}$/);
      expect(task.rapidpro?.messages[0]).to.deep.include({ uuid: uuids[0], urn: 'tel:+254712345678', broadcast_id: broadcast.id, state: 'delivered' });
      if (mode === 'upstream') {
        expect(task.rapidpro?.messages[0].broadcast_uuid).to.equal(broadcast.uuid);
      }
    });

    it('sends scheduled_tasks and forwarded-to-gateway messages too, and nothing in a final or muted state', async () => {
      const a = await h.addPending([{ to: '+254712345601', text: 'scheduled one' }], { scheduled: true });
      const b = await h.addPending([{ to: '+254712345602', text: 'forwarded one' }], { state: 'forwarded-to-gateway' });
      const skipped = await Promise.all(
        ['delivered', 'failed', 'denied', 'cleared', 'muted', 'duplicate', 'scheduled'].map((state) => h.addPending([{ to: '+254712345603', text: `state ${state}` }], { state })),
      );
      await h.waitForState(a.docId, a.uuids[0], 'delivered');
      await h.waitForState(b.docId, b.uuids[0], 'delivered');
      const texts = h.sim.broadcasts().map((br) => Object.values(br.text)[0]);
      expect(texts.sort()).to.deep.equal(['forwarded one', 'scheduled one']);
      for (const s of skipped) {
        const task = await h.task(s.docId, s.uuids[0]);
        expect(task?.state_history).to.have.length(1);
      }
    });

    it('reports to /health through its status: last send and poll cycles, nothing waiting', async () => {
      const { docId, uuids } = await h.addPending([{ to: '+254712345678', text: 'status check' }]);
      await h.waitForState(docId, uuids[0], 'delivered');
      const status = await eventually(() => {
        const s = h.sentinel.status();
        return s.last_poll_cycle && s.last_send_cycle ? s : undefined;
      });
      expect(status).to.deep.include({ active: true, outbox: { waiting: 0 } });
      expect(status.idle_reason).to.equal(undefined);
    });
  });
}
