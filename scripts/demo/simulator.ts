/**
 * The simulated RapidPro, in this process, with a delivery fast enough for a demo but slow enough
 * to watch: RapidPro creates the message 0.3 s after the broadcast, then reports it wired, sent
 * and delivered one second apart.
 */
import { createRapidProSimulator } from '../../test/rapidpro-simulator';
import type { BroadcastEvent, MessageEvent, RapidProSimulator } from '../../test/rapidpro-simulator';

export const DEMO_PROGRESSION = {
  messageCreationDelayMs: 300,
  progression: [
    { status: 'wired', afterMs: 1000 },
    { status: 'sent', afterMs: 2000 },
    { status: 'delivered', afterMs: 3000 },
  ],
} as const;

export async function startSimulator(token: string): Promise<RapidProSimulator> {
  const sim = createRapidProSimulator({
    messageCreationDelayMs: DEMO_PROGRESSION.messageCreationDelayMs,
    progression: DEMO_PROGRESSION.progression.map((step) => ({ ...step })),
    workspaces: [{ token, name: 'Demo workspace' }],
  });
  await sim.listen(0, '127.0.0.1');
  return sim;
}

/** What RapidPro did, in words, for the story: broadcasts received and message status changes. */
export function watchSimulator(sim: RapidProSimulator, say: (line: string) => void): () => void {
  const onBroadcast = (event: BroadcastEvent) => {
    if (event.type === 'created') {
      const b = event.broadcast;
      const text = Object.values(b.text).filter(Boolean).join(' / ');
      say(`RapidPro received broadcast ${b.id} to ${b.urns.join(', ')}: "${text}"`);
    }
  };
  const onMessage = (event: MessageEvent) => {
    const m = event.message;
    if (m.direction !== 'out') {
      return;
    }
    say(event.type === 'created' ? `RapidPro created message ${m.id} for ${m.urn} (${m.status})` : `RapidPro marked message ${m.id} ${m.status}`);
  };
  sim.events.on('broadcast', onBroadcast);
  sim.events.on('message', onMessage);
  return () => {
    sim.events.off('broadcast', onBroadcast);
    sim.events.off('message', onMessage);
  };
}
