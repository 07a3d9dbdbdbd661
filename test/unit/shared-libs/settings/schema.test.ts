import { expect } from 'chai';
import { deepMerge, readSmsConfig, validateSettings } from '../../../../shared-libs/settings/src';

describe('settings validation', () => {
  const valid = [
    {},
    { sms: { outgoing_service: 'rapidpro', rapidpro: { url: 'https://textit.in' } } },
    { sms: { rapidpro: { url: 'http://localhost:8001/prefix/', requests_per_hour: 10, poll_interval_seconds: 0.2, tracking_max_age_hours: 1 } } },
    { default_country_code: 254, phone_validation: 'PARTIAL' },
    { default_country_code: '64' },
    { sms: { duplicate_limit: 5, other_cht_key: true }, forms: { J1: {} } },
  ];
  for (const settings of valid) {
    it(`accepts ${JSON.stringify(settings)}`, () => {
      expect(validateSettings(settings)).to.deep.equal([]);
    });
  }

  const invalid: Array<[unknown, string]> = [
    [{ sms: { rapidpro: { url: 'ftp://host' } } }, 'sms.rapidpro.url'],
    [{ sms: { rapidpro: { url: 'not a url' } } }, 'sms.rapidpro.url'],
    [{ sms: { rapidpro: { url: 'https://user:pass@textit.in' } } }, 'sms.rapidpro.url'],
    [{ sms: { rapidpro: { url: 'https://textit.in/?x=1' } } }, 'sms.rapidpro.url'],
    [{ sms: { rapidpro: { requests_per_hour: 0 } } }, 'sms.rapidpro.requests_per_hour'],
    [{ sms: { rapidpro: { requests_per_hour: 2.5 } } }, 'sms.rapidpro.requests_per_hour'],
    [{ sms: { rapidpro: { requests_per_hour: '100' } } }, 'sms.rapidpro.requests_per_hour'],
    [{ sms: { rapidpro: { poll_interval_seconds: 0 } } }, 'sms.rapidpro.poll_interval_seconds'],
    [{ sms: { rapidpro: { tracking_max_age_hours: -1 } } }, 'sms.rapidpro.tracking_max_age_hours'],
    [{ sms: { rapidpro: 'https://textit.in' } }, 'sms.rapidpro'],
    [{ sms: { outgoing_service: 5 } }, 'sms.outgoing_service'],
    [{ sms: 'rapidpro' }, 'sms'],
    [{ phone_validation: 'strict' }, 'phone_validation'],
    [{ default_country_code: 'NZ' }, 'default_country_code'],
  ];
  for (const [settings, path] of invalid) {
    it(`refuses ${JSON.stringify(settings)}, naming ${path}`, () => {
      const problems = validateSettings(settings);
      expect(problems.map((p) => p.path)).to.include(path);
      expect(problems.find((p) => p.path === path)?.message).to.include(`"${path}"`);
    });
  }

  it('refuses settings that are not an object', () => {
    expect(validateSettings([])).to.have.length(1);
    expect(validateSettings(null)).to.have.length(1);
  });

  it('says why a URL with a password is refused', () => {
    const [problem] = validateSettings({ sms: { rapidpro: { url: 'https://u:p@h.org' } } });
    expect(problem.message).to.match(/must not contain a user name or password/);
  });
});

describe('readSmsConfig', () => {
  it('applies the contract defaults', () => {
    const result = readSmsConfig({});
    expect(result).to.deep.equal({
      ok: true,
      config: {
        outgoingService: 'medic-gateway',
        rapidpro: { url: undefined, requestsPerHour: 2500, pollIntervalMs: 60000, trackingMaxAgeMs: 48 * 3600 * 1000, requestTimeoutMs: 30000 },
      },
    });
  });

  it('reads the values and drops a trailing slash from the URL', () => {
    const result = readSmsConfig({ sms: { outgoing_service: 'rapidpro', rapidpro: { url: 'https://h.org/rp/', requests_per_hour: 7, poll_interval_seconds: 0.5 } } });
    expect(result.ok && result.config.rapidpro).to.deep.include({ url: 'https://h.org/rp', requestsPerHour: 7, pollIntervalMs: 500 });
  });

  it('reports invalid stored settings instead of guessing', () => {
    const result = readSmsConfig({ sms: { rapidpro: { requests_per_hour: 'lots' as unknown as number } } });
    expect(result.ok).to.equal(false);
  });
});

describe('deepMerge', () => {
  it('merges objects key by key and replaces arrays and values', () => {
    const merged = deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: 2 }, d: { x: 1 } });
    expect(merged).to.deep.equal({ a: { b: 1, c: [3], e: 2 }, d: { x: 1 } });
  });
});
