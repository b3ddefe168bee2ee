// instances.js: how an API call runs (nothing throws, a broken rule is
// {status: 'error'}) and what each instance holds.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callstats } from '../src/callstats.js';
import {
  apiCall, checkInitializeSucceeded, fabricOf, sessionOf, sessionOfInstance, setEnvironment, stateOf,
} from '../src/instances.js';
import { ArgumentError } from '../src/validate.js';
import { FakeClock, FakePeerConnection, initialized, recordingConsole, settle } from './fakes.mjs';

test('apiCall wraps the value of a call that succeeds', () => {
  assert.deepEqual(apiCall(new callstats(), () => 'error reported'), { status: 'success', msg: 'error reported' });
});

test('apiCall turns an ArgumentError into {status: \'error\'} with its message', () => {
  const outcome = apiCall(new callstats(), () => { throw new ArgumentError('conferenceID: must not be empty'); });
  assert.deepEqual(outcome, { status: 'error', msg: 'conferenceID: must not be empty' });
});

test('apiCall turns anything else thrown into an internal error, warned on the session\'s log', () => {
  const { instance, console } = initialized();
  const outcome = apiCall(instance, () => { throw new RangeError('index out of range'); });
  assert.deepEqual(outcome, { status: 'error', msg: 'internal error: index out of range' });
  assert.deepEqual(console.lines.warn, ['[callstats] internal error: RangeError: index out of range']);
});

test('apiCall before initialize warns on the page\'s console, and still does not throw', (t) => {
  const warn = t.mock.method(globalThis.console, 'warn', () => {});
  const outcome = apiCall(new callstats(), () => { throw 'a string'; });
  assert.deepEqual(outcome, { status: 'error', msg: 'internal error: a string' });
  assert.equal(warn.mock.callCount(), 1);
  assert.deepEqual(warn.mock.calls[0].arguments, ['[callstats]', 'internal error:', 'a string']);
});

test('each instance has its own state; a session only after initialize()', () => {
  const first = new callstats();
  const second = new callstats();
  assert.equal(stateOf(first), stateOf(first));
  assert.notEqual(stateOf(first), stateOf(second));
  assert.equal(sessionOfInstance(first), null);
  assert.throws(() => sessionOf(first), (error) => error instanceof ArgumentError
    && error.message === 'callstats is not initialized: call initialize() first');
  const { instance } = initialized();
  assert.equal(sessionOf(instance), sessionOfInstance(instance));
  assert.notEqual(sessionOfInstance(instance), null);
});

test('setEnvironment replaces parts of the environment initialize() builds', () => {
  const instance = new callstats();
  const clock = new FakeClock();
  const overrides = {
    fetch: async () => { throw new TypeError('offline'); },
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, console: recordingConsole(), window: null,
  };
  setEnvironment(instance, overrides);
  assert.equal(stateOf(instance).environment, overrides);
  instance.initialize('123456', 'app-secret', 'alice', null, null,
    { collectorURL: 'https://collector.test', disablePrecalltest: true });
  const env = sessionOfInstance(instance).env;
  assert.equal(env.fetch, overrides.fetch);
  assert.ok(Math.abs(env.now() - Date.now()) < 1000, 'the rest is the default: the real clock');
});

test('checkInitializeSucceeded refuses once authentication was refused, telling the callback later', async () => {
  const refused = Object.assign(new Error('authentication refused: bad secret'), { csError: 'authError' });
  const calls = [];
  const session = { auth: { refused: null }, log: { warn() {} } };
  checkInitializeSucceeded(session, () => calls.push('called'));
  session.auth.refused = refused;
  assert.throws(() => checkInitializeSucceeded(session, (...args) => calls.push(args)),
    /^Error: initialize\(\) failed \(authError: authentication refused: bad secret\); call initialize\(\) again$/);
  assert.deepEqual(calls, [], 'not from inside the call');
  await settle();
  assert.deepEqual(calls, [['authError', 'authentication refused: bad secret']]);
});

test('fabricOf says why a pc has no fabric in the conference', () => {
  const pc = new FakePeerConnection();
  const fabric = { conference: { id: 'room-1' } };
  const session = { fabrics: new Map(), ended: new WeakSet() };
  assert.throws(() => fabricOf(session, pc, 'room-1', 'pcObject'),
    /^Error: pcObject: is not monitored: call addNewFabric\(\) with it first$/);
  session.ended.add(pc);
  assert.throws(() => fabricOf(session, pc, 'room-1', 'pc'),
    /^Error: pc: its monitoring ended \(fabricTerminated\); call addNewFabric\(\) for a new one$/);
  session.fabrics.set(pc, fabric);
  assert.equal(fabricOf(session, pc, 'room-1', 'pcObject'), fabric);
  assert.throws(() => fabricOf(session, pc, 'room-2', 'pcObject'),
    /^Error: conferenceID: "room-2" is not the conference the pcObject was added to \("room-1"\)$/);
});
