// The request queue: retried until stored with the same Idempotency-Key,
// in order within a conference, bounded by dropping the oldest stats (never
// events), and flushed by beacon when the page goes away.
import assert from 'node:assert/strict';
import test from 'node:test';

import { backoffDelay } from '../src/http.js';
import { Transport } from '../src/transport.js';
import { FakeClock, FakeCollector, json, recordingConsole, settle, until } from './fakes.mjs';

/** A transport over a fake collector; `caps` sets statsCap and hardCap. */
function transport(caps = {}, answer = undefined) {
  const clock = new FakeClock();
  const collector = new FakeCollector(answer);
  const invalidated = [];
  const console = recordingConsole();
  const queue = new Transport(Object.assign({
    env: {
      fetch: collector.fetch, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
      random: () => 0.5, crypto: globalThis.crypto, sendBeacon: null,
    },
    log: { debug: console.debug, warn: console.warn },
    tokens: { get: async () => 'token', current: () => 'token', invalidate: (token) => invalidated.push(token) },
  }, caps));
  return { queue, clock, collector, invalidated, console };
}

function request(label, kind = 'event', extra = {}) {
  return Object.assign({ kind, label, url: () => `https://collector.test/${label}`, body: { label } }, extra);
}

test('the backoff starts at 500 ms, doubles, has jitter and stops growing at 15 s', () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(backoffDelay(0, low), 250);
  assert.ok(backoffDelay(0, high) <= 500 && backoffDelay(0, high) > 499);
  assert.equal(backoffDelay(1, low), 500);
  assert.equal(backoffDelay(3, low), 2000);
  assert.equal(backoffDelay(10, low), 7500);
  assert.ok(backoffDelay(60, high) <= 15000);
  assert.ok(Number.isFinite(backoffDelay(5000, high)));
});

test('a request is retried on network errors and 5xx with the same Idempotency-Key until stored', async () => {
  let failures = 0;
  const { queue, clock, collector } = transport({}, () => {
    failures += 1;
    if (failures === 1) throw new TypeError('fetch failed');
    if (failures === 2) return json(503, { status: 'error', msg: 'the store is not answering' });
    if (failures === 3) return json(429, { status: 'error', msg: 'slow down' });
    if (failures === 4) return json(408, { status: 'error', msg: 'timeout' });
    return undefined;
  });
  const stored = [];
  queue.enqueue('conf', request('events/fabric', 'event', { onSuccess: (answer) => stored.push(answer) }));
  for (let i = 0; i < 6; i += 1) await clock.advance(15000);
  assert.equal(collector.requests.length, 5, 'four failures, then stored');
  const keys = new Set(collector.requests.map((r) => r.headers['Idempotency-Key']));
  assert.equal(keys.size, 1);
  assert.match([...keys][0], /^[0-9a-f]{32}$/);
  assert.deepEqual(stored, [{ status: 'success', msg: 'received' }]);
  assert.equal(queue.pending(), 0);
});

test('each request gets its own key, and the body is sent as JSON with the bearer token', async () => {
  const { queue, collector } = transport();
  queue.enqueue('conf', request('a'));
  queue.enqueue('conf', request('b'));
  await until(() => collector.requests.length === 2, 'two requests');
  const [a, b] = collector.requests;
  assert.notEqual(a.headers['Idempotency-Key'], b.headers['Idempotency-Key']);
  assert.equal(a.headers.Authorization, 'Bearer token');
  assert.equal(a.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(a.body), { label: 'a' });
});

test('a 4xx answer to a body is not retried: it is reported and the lane moves on', async () => {
  const { queue, clock, collector } = transport({}, (req) => (req.url.endsWith('/bad')
    ? json(422, { status: 'error', field: 'conferenceID', msg: 'conferenceID: must be at most 256 bytes' })
    : undefined));
  const rejected = [];
  queue.enqueue('conf', request('bad', 'event', { onRejected: (status, message) => rejected.push([status, message]) }));
  queue.enqueue('conf', request('good'));
  await clock.advance(60000);
  assert.deepEqual(collector.requests.map((r) => r.url.split('/').pop()), ['bad', 'good']);
  assert.deepEqual(rejected, [[422, '422 conferenceID: must be at most 256 bytes']]);
});

test('once authentication is refused, every queued request is dropped and reported with the refusal, none sent', async () => {
  const refusal = Object.assign(new Error('authentication refused: unknown app'), { csError: 'authError' });
  const { queue, clock, collector } = transport({
    tokens: { get: () => Promise.reject(refusal), current: () => null, invalidate() {} },
  });
  const failed = [];
  const rejected = [];
  for (const label of ['joined', 'events/fabric/added', 'events/feedback']) {
    queue.enqueue('conf', request(label, 'event', {
      onFailed: (csError, message) => failed.push([label, csError, message]),
      onRejected: (status, message) => rejected.push([label, status, message]),
    }));
  }
  queue.enqueue('conf', request('stats', 'stats'));
  await clock.advance(60000);
  assert.deepEqual(failed, ['joined', 'events/fabric/added', 'events/feedback']
    .map((label) => [label, 'authError', 'authentication refused: unknown app']));
  assert.deepEqual(rejected, []);
  assert.equal(queue.pending(), 0);
  assert.equal(collector.requests.length, 0);
});

test('a 401 drops the token and retries the same request', async () => {
  let answered = 0;
  const { queue, clock, collector, invalidated } = transport({}, () => {
    answered += 1;
    return answered === 1 ? json(401, { status: 'error', msg: 'expired' }) : undefined;
  });
  queue.enqueue('conf', request('alive'));
  await clock.advance(1000);
  assert.deepEqual(invalidated, ['token']);
  assert.equal(collector.requests.length, 2);
  assert.equal(collector.requests[0].headers['Idempotency-Key'], collector.requests[1].headers['Idempotency-Key']);
});

test('requests of one conference keep their order through an outage; other conferences are independent', async () => {
  const { queue, clock, collector } = transport();
  collector.down = true;
  for (const label of ['join', 'added', 'statechange', 'stats']) queue.enqueue('conf-A', request(`A/${label}`));
  queue.enqueue('conf-B', request('B/join'));
  await clock.advance(20000);
  assert.equal(collector.requests.length, 0);
  collector.down = false;
  await clock.advance(16000);
  const order = collector.requests.map((r) => r.url.replace('https://collector.test/', ''));
  assert.deepEqual(order.filter((path) => path.startsWith('A/')), ['A/join', 'A/added', 'A/statechange', 'A/stats']);
  assert.ok(order.includes('B/join'));
  assert.equal(queue.pending(), 0);
});

test('over the stats cap the oldest stats are dropped, never events', async () => {
  const { queue, clock, collector, console } = transport({ statsCap: 3 });
  collector.down = true;
  queue.enqueue('conf', request('event-1'));
  for (let i = 1; i <= 6; i += 1) queue.enqueue('conf', request(`stats-${i}`, 'stats'));
  queue.enqueue('conf', request('event-2'));
  assert.equal(queue.counts.stats, 3);
  assert.equal(queue.counts.event, 2);
  assert.ok(console.lines.warn.some((line) => line.includes('stats submissions dropped')));
  collector.down = false;
  await clock.advance(20000);
  assert.deepEqual(collector.requests.map((r) => r.url.split('/').pop()),
    ['event-1', 'stats-4', 'stats-5', 'stats-6', 'event-2']);
});

test('the request being sent is never the one dropped', async () => {
  const { queue, clock, collector } = transport({ statsCap: 1 });
  collector.down = true;
  queue.enqueue('conf', request('stats-1', 'stats'));
  await settle();
  queue.enqueue('conf', request('stats-2', 'stats'));
  collector.down = false;
  await clock.advance(20000);
  assert.deepEqual(collector.requests.map((r) => r.url.split('/').pop()), ['stats-2']);
});

test('past the hard cap stats go first, and events only when no stats are left', () => {
  const { queue, collector } = transport({ statsCap: 100, hardCap: 4 });
  collector.down = true;
  queue.enqueue('conf', request('event-1'));
  queue.enqueue('conf', request('stats-1', 'stats'));
  queue.enqueue('conf', request('event-2'));
  queue.enqueue('conf', request('event-3'));
  queue.enqueue('conf', request('event-4'));
  assert.deepEqual(queue.lane('conf').queue.map((entry) => entry.label), ['event-1', 'event-2', 'event-3', 'event-4']);
  queue.enqueue('conf', request('event-5'));
  assert.equal(queue.pending(), 4);
  assert.equal(queue.lane('conf').queue.at(-1).label, 'event-5');
});

test('a request whose body is a promise keeps its place in the order', async () => {
  const { queue, collector } = transport();
  let resolve;
  queue.enqueue('conf', request('setup', 'event', { body: new Promise((done) => { resolve = done; }) }));
  queue.enqueue('conf', request('after'));
  await settle();
  assert.equal(collector.requests.length, 0);
  resolve({ eventType: 'fabricSetup' });
  await until(() => collector.requests.length === 2, 'both requests');
  assert.deepEqual(collector.requests.map((r) => r.url.split('/').pop()), ['setup', 'after']);
  assert.deepEqual(JSON.parse(collector.requests[0].body), { eventType: 'fabricSetup' });
});

test('at unload everything queued goes by beacon: urgent first, then events, then stats', async () => {
  const { queue, collector } = transport();
  const beacons = [];
  queue.env.sendBeacon = (url, blob) => {
    beacons.push({ url, blob });
    return true;
  };
  collector.down = true;
  queue.enqueue('conf', request('stats-1', 'stats'));
  queue.enqueue('conf', request('event-1'));
  queue.enqueue('conf', request('fabricTerminated', 'event', { urgent: true }));
  queue.enqueue('conf', request('never-joined', 'event', { url: () => null }));
  await settle();
  assert.equal(queue.flushByBeacon(), 3);
  assert.deepEqual(beacons.map((b) => new URL(b.url).pathname), ['/fabricTerminated', '/event-1', '/stats-1']);
  const first = new URL(beacons[0].url);
  assert.equal(first.searchParams.get('access_token'), 'token');
  assert.match(first.searchParams.get('idempotencyKey'), /^[0-9a-f]{32}$/);
  assert.equal(beacons[0].blob.type, 'text/plain;charset=utf-8');
  assert.deepEqual(JSON.parse(await beacons[0].blob.text()), { label: 'fabricTerminated' });
  assert.equal(queue.pending(), 1, 'the request that cannot be addressed stays');
});

test('a full beacon queue stops the flush and keeps the rest queued', async () => {
  const { queue, collector } = transport();
  let room = 1;
  queue.env.sendBeacon = () => (room-- > 0);
  collector.down = true;
  queue.enqueue('conf', request('a'));
  queue.enqueue('conf', request('b'));
  await settle();
  assert.equal(queue.flushByBeacon(), 1);
  assert.equal(queue.pending(), 1);
});
