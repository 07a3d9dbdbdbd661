/**
 * Steps 3 and 4: configuring the running service through its HTTP API only, as an operator would
 * (README, "Configure"): the two credentials, then the app settings that point it at RapidPro.
 */
import { callApi, DemoContext } from './context';
import { bodyText, expectStatus } from './http';
import { HIDDEN } from './narrator';

/** A small CHT SMS form, so the incoming message is parsed into fields as CHT would parse it. */
const REGISTRATION_FORM = {
  meta: { code: 'REG', label: 'Pregnancy registration' },
  fields: {
    name: { type: 'string', required: true, labels: { short: 'Name', tiny: 'N' } },
    age: { type: 'integer', labels: { short: 'Age', tiny: 'A' } },
  },
};

export const POLL_INTERVAL_SECONDS = 1;

export async function storeCredentials(ctx: DemoContext): Promise<void> {
  await ctx.narrator.step('Storing the two RapidPro credentials through the API', async (log) => {
    const credentials = [
      { key: 'rapidpro:incoming', secret: ctx.config.incomingToken, why: 'the key RapidPro will send with each webhook' },
      { key: 'rapidpro:outgoing', secret: ctx.config.rapidproToken, why: "the simulated RapidPro workspace's API token" },
    ];
    for (const { key, secret, why } of credentials) {
      const path = `/api/v1/credentials/${key}`;
      const answer = expectStatus(await callApi(ctx, 'PUT', path, { text: secret }), 200, `PUT ${path}`);
      log.detail(`PUT ${path} with ${why}: ${HIDDEN} -> ${answer.status} ${bodyText(answer)}`);
    }
    log.detail('Both are stored encrypted in the medic-vault database and can never be read back over HTTP.');
  });
}

export async function pointAtSimulator(ctx: DemoContext): Promise<void> {
  await ctx.narrator.step('Pointing the service at the simulated RapidPro (PUT /api/v1/settings)', async (log) => {
    const rapidpro = { url: ctx.sim.url, poll_interval_seconds: POLL_INTERVAL_SECONDS, requests_per_hour: 1000, request_timeout_seconds: 5 };
    const settings = {
      default_country_code: 254,
      forms: { REG: REGISTRATION_FORM },
      sms: { outgoing_service: 'rapidpro', rapidpro },
    };
    const answer = expectStatus(await callApi(ctx, 'PUT', '/api/v1/settings', { json: settings }), 200, 'PUT /api/v1/settings');
    log.detail(`-> ${answer.status} ${bodyText(answer)}`);
    log.detail(`sms.outgoing_service: rapidpro (turns sending and status checks on)`);
    log.detail(`sms.rapidpro: ${JSON.stringify(rapidpro)}`);
    log.detail('forms.REG: a small SMS form (name, age), so incoming messages are parsed as CHT parses them');
  });
}
