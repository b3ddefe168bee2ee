// limits.js: the limits, timings and queue bounds cannot be changed at run
// time, and hold the values the collector and SPEC §2 agree on.
import assert from 'node:assert/strict';
import test from 'node:test';

import { LIMITS, QUEUE, TIMING } from '../src/limits.js';

for (const [name, table] of Object.entries({ LIMITS, TIMING, QUEUE })) {
  test(`${name} is frozen`, () => {
    assert.ok(Object.isFrozen(table));
    const [key] = Object.keys(table);
    assert.throws(() => { 'use strict'; table[key] = 1; }, TypeError);
    assert.throws(() => { 'use strict'; table.extra = 1; }, TypeError);
  });
}

test('the limits of the collector\'s bodies', () => {
  assert.deepEqual({ ...LIMITS }, {
    idBytes: 256, userFieldChars: 128, usageLabelBytes: 20, applicationVersionChars: 30,
    applicationLogBytes: 20480, sdpBytes: 262144, objectJsonBytes: 65536, commentBytes: 8192,
    precallMessageBytes: 1024, itemsPerArray: 1000, statsObjects: 2000,
  });
});

test('the timings fit together', () => {
  assert.ok(TIMING.minStatsIntervalMs <= TIMING.statsIntervalMs);
  assert.ok(TIMING.backoffStartMs < TIMING.backoffCapMs);
  assert.ok(TIMING.backoffCapMs <= TIMING.retryAfterCapMs);
  assert.ok(TIMING.videoTagLookupStepMs < TIMING.videoTagLookupMs);
  assert.ok(QUEUE.statsCap < QUEUE.hardCap, 'stats are dropped before the hard cap is reached');
});
