// configParams: each key checked, the settings the SDK uses, and the keys
// the collector stores.
import assert from 'node:assert/strict';
import test from 'node:test';

import { checkConfigParams, SDK_CONFIG_KEYS, SERVER_CONFIG_KEYS } from '../src/config.js';
import { LIMITS, TIMING } from '../src/limits.js';
import { refused } from './fakes.mjs';

test('checkConfigParams: the defaults, what the collector keeps and the unknown keys', () => {
  const none = checkConfigParams(undefined);
  assert.deepEqual(none.settings, {
    statsIntervalMs: TIMING.statsIntervalMs, collectorURL: null, debug: false, collectIP: true, beforeUnload: true,
    precall: {}, applicationVersion: undefined,
  });
  assert.deepEqual(none.server, {});
  const given = checkConfigParams({
    applicationVersion: 'v1', siteID: 'eu', disablePrecalltest: true, collectIP: false, debug: true,
    statsInterval: 5000, collectorURL: 'https://collector.test/base//', shoeSize: 44,
  });
  assert.deepEqual(given.server, { applicationVersion: 'v1', siteID: 'eu', disablePrecalltest: true, collectIP: false });
  assert.deepEqual(given.unknown, ['shoeSize']);
  assert.equal(given.settings.collectorURL, 'https://collector.test/base');
  assert.equal(given.settings.statsIntervalMs, 5000);
  assert.equal(given.settings.precall, null);
  assert.equal(given.settings.collectIP, false);
  assert.equal(given.settings.debug, true);
});

test('checkConfigParams: statsInterval from minStatsIntervalMs, applicationVersion to its limit', () => {
  assert.equal(checkConfigParams({ statsInterval: TIMING.minStatsIntervalMs }).settings.statsIntervalMs, 1000);
  refused(() => checkConfigParams({ statsInterval: TIMING.minStatsIntervalMs - 1 }),
    /^configParams.statsInterval: must be a number of milliseconds of at least 1000, got the number 999$/);
  refused(() => checkConfigParams({ statsInterval: Infinity }), /^configParams.statsInterval: /);
  checkConfigParams({ applicationVersion: 'v'.repeat(LIMITS.applicationVersionChars) });
  refused(() => checkConfigParams({ applicationVersion: 'v'.repeat(LIMITS.applicationVersionChars + 1) }),
    /^configParams.applicationVersion: must be at most 30 characters, got 31$/);
});

test('checkConfigParams names the broken key', () => {
  refused(() => checkConfigParams([]), /^configParams: must be an object, got an array$/);
  refused(() => checkConfigParams({ debug: 'yes' }), /^configParams.debug: must be true or false, got a string$/);
  refused(() => checkConfigParams({ collectorURL: 'ftp://collector.test' }), /^configParams.collectorURL: must be an http\(s\) URL/);
  refused(() => checkConfigParams({ collectorURL: '/relative' }), /^configParams.collectorURL: must be an absolute http\(s\) URL/);
  refused(() => checkConfigParams({ siteID: 's'.repeat(LIMITS.idBytes + 1) }), /^configParams.siteID: must be at most 256 bytes/);
  refused(() => checkConfigParams({ additionalIDs: { team: 7 } }), /^configParams.additionalIDs.team: must be a string/);
  refused(() => checkConfigParams({ precallTest: 'stun:x' }), /^configParams.precallTest: must be an object \{iceServers\?\}/);
});

test('configParams keys are either the collector\'s or the SDK\'s, never both', () => {
  assert.deepEqual(SERVER_CONFIG_KEYS, [
    'applicationVersion', 'siteID', 'additionalIDs', 'disableBeforeUnloadHandler',
    'disablePrecalltest', 'collectLegacyStats', 'collectIP',
  ]);
  assert.deepEqual(SDK_CONFIG_KEYS, ['statsInterval', 'collectorURL', 'debug', 'precallTest']);
  assert.deepEqual(SERVER_CONFIG_KEYS.filter((key) => SDK_CONFIG_KEYS.includes(key)), []);
});
