// environment.js: the log never reaches console.error, and nothing a
// handler or callback throws (or rejects with) reaches the page.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callBack, defaultEnvironment, guarded, loadedFrom, makeLog, sleep } from '../src/environment.js';
import { FakeClock, recordingConsole } from './fakes.mjs';

/** A console that fails the test if console.error is used. */
function strictConsole() {
  const console = recordingConsole();
  console.error = (...args) => assert.fail(`console.error(${args.join(' ')})`);
  return console;
}

test('makeLog prefixes its lines, writes debug only when asked, and never uses console.error', () => {
  const quiet = strictConsole();
  makeLog({ console: quiet }, false).debug('hidden');
  makeLog({ console: quiet }, false).warn('queue full:', 3);
  assert.deepEqual(quiet.lines, { debug: [], warn: ['[callstats] queue full: 3'] });
  const chatty = strictConsole();
  makeLog({ console: chatty }, true).debug('joined', 'room');
  assert.deepEqual(chatty.lines.debug, ['[callstats] joined room']);
});

test('makeLog without a console writes nowhere and does not throw', () => {
  const log = makeLog({ console: undefined }, true);
  log.debug('x');
  log.warn('y');
});

test('guarded passes its arguments and this, and returns the value', () => {
  const log = makeLog({ console: strictConsole() }, false);
  const target = { base: 10, add: guarded(log, 'add', function (n) { return this.base + n; }) };
  assert.equal(target.add(5), 15);
});

test('guarded swallows a throw, logging it as a warning', () => {
  const console = strictConsole();
  const handler = guarded(makeLog({ console }, false), 'page unload', () => { throw new Error('app bug'); });
  assert.equal(handler(), undefined);
  assert.deepEqual(console.lines.warn, ['[callstats] page unload failed: Error: app bug']);
});

test('guarded swallows a rejection, logging it as a warning', async () => {
  const console = strictConsole();
  const handler = guarded(makeLog({ console }, false), 'pre-call test', async () => { throw new Error('no pc'); });
  await assert.doesNotReject(handler());
  assert.deepEqual(console.lines.warn, ['[callstats] pre-call test failed: Error: no pc']);
  const fine = guarded(makeLog({ console }, false), 'poll', async () => 'polled');
  assert.equal(await fine(), 'polled');
  assert.equal(console.lines.warn.length, 1);
});

test('callBack calls a function with the arguments, ignores anything else, and swallows throws', () => {
  const console = strictConsole();
  const log = makeLog({ console }, false);
  const calls = [];
  callBack(log, (...args) => calls.push(args), 'success', 'authenticated');
  assert.deepEqual(calls, [['success', 'authenticated']]);
  callBack(log, undefined, 'ignored');
  callBack(log, 'not a function', 'ignored');
  callBack(log, () => { throw new Error('app bug'); });
  assert.deepEqual(console.lines.warn, ['[callstats] a callback given to callstats threw: Error: app bug']);
});

test('sleep waits on the environment\'s timers', async () => {
  const clock = new FakeClock();
  let woke = false;
  sleep(clock, 500).then(() => { woke = true; });
  await clock.advance(499);
  assert.equal(woke, false);
  await clock.advance(1);
  assert.equal(woke, true);
});

test('in Node the default environment has no page, and the collector is the origin the SDK was loaded from', () => {
  const env = defaultEnvironment();
  assert.equal(env.window, null);
  assert.equal(env.document, null);
  assert.equal(env.RTCPeerConnection, null);
  assert.equal(env.crypto, globalThis.crypto);
  assert.equal(env.defaultCollector(), '', 'no script URL and no location: same origin');
  loadedFrom('https://cdn.example/sdk/callstats.js');
  loadedFrom('https://other.example/callstats.mjs');
  assert.equal(env.defaultCollector(), 'https://cdn.example', 'the first URL named counts');
});
