// fabric/stats.js: getStats() polled every statsInterval, each poll with
// the bitrate and loss since the previous one, at most LIMITS.statsObjects
// reports, a transport change when the selected pair changes; polling ends
// with the fabric or when the pc closes.
import assert from 'node:assert/strict';
import test from 'node:test';

import { StatsPoller } from '../src/fabric/stats.js';
import { snapshotOf } from '../src/getstats.js';
import { LIMITS } from '../src/limits.js';
import { callStats } from './fakes.mjs';
import { STATS_INTERVAL_MS, bodiesOf, fakeFabric, postsTo } from './fabric-fakes.mjs';

/** A fabric polling its stats (and doing nothing else), with csStatsCallback's calls in `calls`. */
function polling(options = {}) {
  const calls = [];
  const setup = fakeFabric(Object.assign({ statsCallback: (stats) => calls.push(stats) }, options));
  assert.ok(setup.fabric.stats instanceof StatsPoller);
  setup.fabric.stats.start();
  return Object.assign(setup, { calls, start: setup.clock.now() });
}

/** Advances to the next poll, the pc reporting callStats(reportAt, seconds, options) then. */
async function poll({ pc, clock }, reportAt, seconds, options) {
  pc.reports = callStats(reportAt, seconds, options);
  await clock.advance(STATS_INTERVAL_MS);
}

function track(body, id) {
  return body.stats.tracks.find((report) => report.id === id);
}

test('stats are sent every statsInterval, masked, with the time of the poll', async () => {
  const call = polling();
  await call.clock.advance(STATS_INTERVAL_MS - 1);
  assert.deepEqual(call.posts, []);
  await poll(call, call.start, 1);
  await poll(call, call.start, 2);
  const sent = await postsTo(call.posts, 'stats');
  assert.deepEqual(sent.map((post) => [post.options.kind, post.options.at]),
    [['stats', call.start + STATS_INTERVAL_MS], ['stats', call.start + 2 * STATS_INTERVAL_MS]]);
  const [pair] = sent[0].body.stats.candidatePairs;
  assert.deepEqual([pair.id, pair.selected, pair.localAddress, pair.remoteAddress], ['CP1', true, 'x.x.x.x', 'x:x:x:x']);
  assert.deepEqual(Object.keys(sent[0].body.stats), ['timestamp', 'tracks', 'candidatePairs', 'transports', 'codecs']);
  assert.equal(call.calls.length, 2, 'csStatsCallback after each poll');
});

test('bitrate: the bytes since the previous poll over the time between the reports, none after a counter reset', async () => {
  const call = polling();
  await poll(call, call.start + 10000, 10);
  await poll(call, call.start + 20000, 20);
  // Reports 5 s apart though the polls are 10 s apart: the reports' own timestamps count.
  await poll(call, call.start + 25000, 25);
  await poll(call, call.start + 35000, 1);
  const bodies = await bodiesOf(call.posts, 'stats');
  assert.deepEqual(bodies.map((body) => [track(body, 'IT1').bitrate, track(body, 'OT1').bitrate]), [
    [undefined, undefined],
    [32000, 800000],
    [32000, 800000],
    [undefined, undefined],
  ]);
  assert.equal(track(bodies[1], 'RI1').bitrate, undefined, 'remote reports count no bytes');
});

test('loss: the fraction of an inbound stream\'s packets lost since the previous poll', async () => {
  const call = polling();
  await poll(call, call.start, 10, { lost: 5 });
  await poll(call, call.start + 10000, 20, { lost: 15 });
  await poll(call, call.start + 20000, 30, { lost: 15 });
  await poll(call, call.start + 30000, 40, { lost: 2 });
  assert.deepEqual(call.calls.map((stats) => stats.streams['1111'].fractionLoss), [5 / 505, 10 / 510, 0, undefined]);
});

test('the lists together hold at most LIMITS.statsObjects reports, tracks first', () => {
  const { fabric } = fakeFabric();
  const reports = (type, count) => Array.from({ length: count }, (_, i) => ({ id: `${type}-${i}`, type, ssrc: i }));
  const lengths = (body) => [body.tracks.length, body.candidatePairs.length, body.transports.length, body.codecs.length];
  const some = snapshotOf([
    ...reports('inbound-rtp', 1500), ...reports('candidate-pair', 600), ...reports('transport', 3), ...reports('codec', 3),
  ], 0);
  assert.deepEqual(lengths(fabric.stats.statsBody(some)), [1500, LIMITS.statsObjects - 1500, 0, 0]);
  const many = snapshotOf([...reports('outbound-rtp', LIMITS.statsObjects + 1), ...reports('codec', 1)], 0);
  assert.deepEqual(lengths(fabric.stats.statsBody(many)), [LIMITS.statsObjects, 0, 0, 0]);
  const few = snapshotOf([...reports('candidate-pair', 2), ...reports('transport', 1), ...reports('codec', 1)], 0);
  assert.deepEqual(lengths(fabric.stats.statsBody(few)), [0, 2, 1, 1]);
});

test('a transport change when the selected pair is another than at the previous read', async () => {
  const call = polling();
  await poll(call, call.start, 1);
  await poll(call, call.start, 2);
  assert.deepEqual(await bodiesOf(call.posts, 'events/fabric/transportchange'), []);
  await poll(call, call.start, 3, { pair: 'CP2' });
  await poll(call, call.start, 4, { pair: 'CP2' });
  await poll(call, call.start, 5);
  const changes = await postsTo(call.posts, 'events/fabric/transportchange');
  assert.deepEqual(changes.map((post) => [
    post.body.prevIceCandidatePair.candidateID, post.body.currIceCandidatePair.candidateID, post.body.relayType, post.options.at,
  ]), [['CP1', 'CP2', 'turn/tls', call.clock.now() - 2 * STATS_INTERVAL_MS], ['CP2', 'CP1', '', call.clock.now()]]);
  assert.equal(changes[0].body.currIceCandidatePair.localAddress, 'x.x.x.x');
});

test('a refused getStats() skips that poll only', async () => {
  const call = polling();
  const getStats = call.pc.getStats;
  call.pc.getStats = async () => { throw new Error('no stats'); };
  await call.clock.advance(STATS_INTERVAL_MS);
  call.pc.getStats = getStats;
  await poll(call, call.start, 1);
  assert.equal((await bodiesOf(call.posts, 'stats')).length, 1);
  assert.ok(call.console.lines.debug.some((line) => line.includes('failed') && line.includes('no stats')));
});

test('polling stops when the fabric stops', async () => {
  const call = polling();
  await poll(call, call.start, 1);
  call.fabric.stop();
  await poll(call, call.start, 2);
  assert.equal((await bodiesOf(call.posts, 'stats')).length, 1);
  assert.equal(call.clock.timers.size, 0);
});

for (const [property, state] of [['signalingState', 'closed'], ['connectionState', 'closed']]) {
  test(`a poll finding ${property} closed ends the fabric instead of sending stats`, async () => {
    const call = polling();
    call.pc[property] = state;
    await poll(call, call.start, 1);
    assert.deepEqual(call.ended, [call.clock.now()]);
    assert.deepEqual(call.posts, []);
    assert.equal(call.clock.timers.size, 0);
  });
}
