// Quotas: a 429 (or 503) with Retry-After is waited out, never sooner,
// and the same request is sent again with its same Idempotency-Key, so
// nothing is lost; /authenticate's 429 is waited out too.
import assert from 'node:assert/strict';
import test from 'node:test';

import { retryAfterMs } from '../src/http.js';
import { Transport } from '../src/transport.js';
import { FakeClock, FakeCollector, initialized, recordingConsole, until } from './fakes.mjs';

/**
 * A 429 as the collector sends it when an endpoint is over its quota, or a
 * 503 as it sends it while its database is unreachable.
 */
function overQuota(retryAfter, status = 429) {
  const msg = status === 429 ? 'too many requests' : 'service unavailable, retry later';
  return new Response(JSON.stringify({ status: 'error', msg }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Retry-After': retryAfter },
  });
}

function transport(answer) {
  const clock = new FakeClock();
  const collector = new FakeCollector(answer);
  const console = recordingConsole();
  const queue = new Transport({
    env: {
      fetch: collector.fetch, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
      random: () => 0.5, crypto: globalThis.crypto, sendBeacon: null,
    },
    log: { debug: console.debug, warn: console.warn },
    tokens: { get: async () => 'token', current: () => 'token', invalidate: () => {} },
  });
  return { queue, clock, collector };
}

test('Retry-After is read in seconds or as an HTTP date, and bounded', () => {
  const now = Date.UTC(2025, 0, 15, 9, 0, 0);
  const answerWith = (value) => ({ headers: new Headers(value === null ? {} : { 'Retry-After': value }) });
  assert.equal(retryAfterMs(answerWith('7'), now), 7000);
  assert.equal(retryAfterMs(answerWith(' 0 '), now), 0);
  assert.equal(retryAfterMs(answerWith(new Date(now + 30000).toUTCString()), now), 30000);
  assert.equal(retryAfterMs(answerWith(new Date(now - 30000).toUTCString()), now), 0, 'a date in the past: no wait');
  assert.equal(retryAfterMs(answerWith('soon'), now), 0);
  assert.equal(retryAfterMs(answerWith(null), now), 0);
  assert.equal(retryAfterMs(answerWith('999999999'), now), 3600000, 'at most an hour');
});

for (const status of [429, 503]) test(`a ${status} with Retry-After is waited out, then the same request goes again with its key`, async () => {
  let refusals = 0;
  const { queue, clock, collector } = transport((req) => {
    if (req.url.endsWith('/stats') && refusals < 1) {
      refusals += 1;
      return overQuota('7', status);
    }
    return undefined;
  });
  const stored = [];
  queue.enqueue('conf', { kind: 'stats', label: 'stats', url: () => 'https://collector.test/stats',
    body: { samples: [1, 2, 3] }, onSuccess: (answer) => stored.push(answer) });
  await until(() => collector.requests.length === 1, 'the first try');
  await clock.advance(6999);
  queue.wake(); // the browser coming back online does not cut the wait short
  await clock.advance(0);
  assert.equal(collector.requests.length, 1, 'not sent again before Retry-After');
  await clock.advance(1);
  await until(() => collector.requests.length === 2, 'the retry');
  const [first, retry] = collector.requests;
  assert.equal(retry.headers['Idempotency-Key'], first.headers['Idempotency-Key']);
  assert.equal(retry.body, first.body);
  assert.deepEqual(stored, [{ status: 'success', msg: 'received' }]);
  assert.equal(queue.pending(), 0, 'nothing lost, nothing left');
});

test('requests queued behind a refused one wait with it and keep their order', async () => {
  let refused = false;
  const { queue, clock, collector } = transport((req) => {
    if (req.url.endsWith('/a') && !refused) {
      refused = true;
      return overQuota(new Date(clock.now() + 20000).toUTCString());
    }
    return undefined;
  });
  for (const label of ['a', 'b', 'c']) {
    queue.enqueue('conf', { kind: 'event', label, url: () => `https://collector.test/${label}`, body: { label } });
  }
  await until(() => collector.requests.length === 1, 'the first try');
  await clock.advance(19000);
  assert.equal(collector.requests.length, 1);
  await clock.advance(1000);
  await until(() => collector.requests.length === 4, 'all three');
  assert.deepEqual(collector.requests.map((r) => JSON.parse(r.body).label), ['a', 'a', 'b', 'c']);
});

test('a 429 from /authenticate is waited out before asking again', async () => {
  let refusals = 0;
  const { collector, clock, init } = initialized({
    answer: (req) => {
      if (req.path === '/authenticate' && refusals < 1) {
        refusals += 1;
        return overQuota('40');
      }
      return undefined;
    },
  });
  await until(() => collector.to('/authenticate').length === 1, 'the first token request');
  await clock.advance(39000);
  assert.equal(collector.to('/authenticate').length, 1, 'not asked again before Retry-After');
  await clock.advance(1000);
  await until(() => collector.to('/authenticate').length === 2, 'the second token request');
  await until(() => init.some(([csError]) => csError === 'success'), 'authenticated');
});
