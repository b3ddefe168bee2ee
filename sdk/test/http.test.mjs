// http.js: a request that gets no answer in time fails (and is aborted),
// and which statuses are worth another try.
import assert from 'node:assert/strict';
import test from 'node:test';

import { fetchWithTimeout, isRetryableStatus } from '../src/http.js';
import { FakeClock, json } from './fakes.mjs';

test('fetchWithTimeout gives the response and its text, and clears its timer', async () => {
  const clock = new FakeClock();
  const env = { ...clock, fetch: async () => json(200, { status: 'success' }) };
  const { response, text } = await fetchWithTimeout(env, 'https://collector.test/x', { method: 'POST' }, 1000);
  assert.equal(response.status, 200);
  assert.equal(text, '{"status":"success"}');
  assert.equal(clock.timers.size, 0);
});

test('fetchWithTimeout fails and aborts the request when no answer comes in time', async () => {
  const clock = new FakeClock();
  let signal;
  const env = {
    ...clock,
    fetch: (_url, init) => {
      signal = init.signal;
      return new Promise(() => {});
    },
  };
  let outcome = null;
  fetchWithTimeout(env, 'https://collector.test/x', { method: 'POST' }, 1000)
    .then(() => { outcome = 'answered'; }, (error) => { outcome = error.message; });
  await clock.advance(999);
  assert.equal(outcome, null);
  assert.equal(signal.aborted, false);
  await clock.advance(1);
  assert.equal(outcome, 'no answer within 1000 ms');
  assert.equal(signal.aborted, true);
});

test('fetchWithTimeout passes on a network error and clears its timer', async () => {
  const clock = new FakeClock();
  const env = { ...clock, fetch: async () => { throw new TypeError('fetch failed'); } };
  await assert.rejects(fetchWithTimeout(env, 'https://collector.test/x', {}, 1000), /^TypeError: fetch failed$/);
  assert.equal(clock.timers.size, 0);
});

test('fetchWithTimeout keeps the request\'s own options', async () => {
  const clock = new FakeClock();
  let seen;
  const env = { ...clock, fetch: async (url, init) => { seen = { url, init }; return json(200, {}); } };
  await fetchWithTimeout(env, 'https://collector.test/x', { method: 'POST', body: 'b', headers: { A: '1' } }, 1000);
  assert.equal(seen.url, 'https://collector.test/x');
  assert.equal(seen.init.method, 'POST');
  assert.equal(seen.init.body, 'b');
  assert.deepEqual(seen.init.headers, { A: '1' });
});

test('isRetryableStatus: time-outs, rate limits and server errors are retried; other refusals are not', () => {
  for (const status of [408, 429, 500, 502, 503, 504, 599]) assert.equal(isRetryableStatus(status), true, `${status}`);
  for (const status of [200, 400, 401, 403, 404, 409, 413, 422]) assert.equal(isRetryableStatus(status), false, `${status}`);
});
