// After initialize() failed (a refused origin or secret, no token), the
// calls that take a callback report that failure to it instead of staying
// silent, and every call answers error rather than queueing for nothing.
import assert from 'node:assert/strict';
import test from 'node:test';

import { sessionOfInstance } from '../src/instances.js';
import { FakePeerConnection, initialized, json, settle, until } from './fakes.mjs';

const REFUSAL = { error: 'invalid_grant', errorReason: 'the origin https://evil.test is not allowed for this app' };
const REFUSED = `authentication refused: ${REFUSAL.errorReason}`;

/** An SDK whose /authenticate refuses, after csInitCallback got the authError. */
async function refusedInitialize() {
  const setup = initialized({
    answer: (request) => (request.path === '/authenticate' ? json(400, REFUSAL) : undefined),
  });
  await until(() => setup.init.length > 0, 'csInitCallback');
  assert.deepEqual(setup.init, [['authError', REFUSED]]);
  return setup;
}

test('after initialize was refused, addNewFabric and sendUserFeedback answer error and give their callbacks the authError', async () => {
  const { instance, collector } = await refusedInitialize();
  const called = { fabric: [], feedback: [] };
  const fabric = instance.addNewFabric(new FakePeerConnection(), 'bob', 'multiplex', 'conf', {},
    (...args) => called.fabric.push(args));
  const feedback = instance.sendUserFeedback('conf', { userID: 'alice', overall: 4 },
    (...args) => called.feedback.push(args));
  for (const result of [fabric, feedback]) {
    assert.equal(result.status, 'error');
    assert.match(result.msg, /^initialize\(\) failed \(authError: authentication refused: .*\); call initialize\(\) again$/);
  }
  assert.deepEqual(called, { fabric: [], feedback: [] }, 'callbacks are called asynchronously, not from inside the call');
  await settle();
  assert.deepEqual(called, { fabric: [['authError', REFUSED]], feedback: [['authError', REFUSED]] });
  assert.deepEqual(collector.requests.map((request) => request.path), ['/authenticate']);
});

test('after initialize was refused, the calls without a callback answer error too, and nothing is queued', async () => {
  const { instance, collector } = await refusedInitialize();
  const pc = new FakePeerConnection();
  for (const result of [
    instance.addNewFabric(pc, 'bob', 'multiplex', 'conf'),
    instance.reportError(null, 'conf', 'getUserMedia', 'NotAllowedError'),
    instance.sendCallDetails(pc, 'conf', { callType: 'inbound' }),
    instance.sendUserFeedback('conf', { userID: 'alice', overall: 4 }),
  ]) {
    assert.equal(result.status, 'error');
    assert.match(result.msg, /^initialize\(\) failed \(authError: /);
  }
  await settle();
  assert.equal(sessionOfInstance(instance).transport.pending(), 0);
  assert.deepEqual(collector.requests.map((request) => request.path), ['/authenticate']);
});

test('an argument error after a refused initialize is still named, and the callback is not called', async () => {
  const { instance } = await refusedInitialize();
  const called = [];
  const result = instance.sendUserFeedback('conf', { userID: 'alice', overall: 9 }, (...args) => called.push(args));
  assert.match(result.msg, /^feedback.overall: must be an integer from 1 to 5/);
  await settle();
  assert.deepEqual(called, []);
});

test('calls queued while authenticating give their callbacks the failure once initialize fails', async () => {
  let failToken;
  const { instance, collector, init, clock, stats } = initialized({
    credential: (forceNew, callback) => { failToken = () => callback('the session of the page expired'); },
  });
  const called = { fabric: [], feedback: [] };
  const pc = new FakePeerConnection();
  const fabric = instance.addNewFabric(pc, 'bob', 'multiplex', 'conf', (...args) => called.fabric.push(args));
  const feedback = instance.sendUserFeedback('conf', { userID: 'alice', overall: 4 },
    (...args) => called.feedback.push(args));
  assert.deepEqual([fabric.status, feedback.status], ['success', 'success'], 'queued: the outcome is not known yet');
  await until(() => typeof failToken === 'function', 'the tokenGenerator asked');
  failToken();
  const failure = ['tokenGenerationError', 'no token: the tokenGenerator failed: the session of the page expired'];
  await until(() => called.fabric.length > 0 && called.feedback.length > 0, 'both callbacks');
  assert.deepEqual(init, [failure]);
  assert.deepEqual(called, { fabric: [failure], feedback: [failure] });
  assert.equal(sessionOfInstance(instance).transport.pending(), 0, 'nothing left waiting for a token');
  for (const result of [
    instance.sendFabricEvent(pc, 'audioMute', 'conf'),
    instance.associateMstWithUserID(pc, 'bob', 'conf', 1111, 'microphone'),
  ]) {
    assert.match(result.msg, /^initialize\(\) failed \(tokenGenerationError: no token: /);
  }
  await clock.advance(30000);
  assert.deepEqual(stats, [], 'the fabric stopped polling: nothing it measured could be sent');
  assert.equal(sessionOfInstance(instance).transport.pending(), 0);
  assert.deepEqual(collector.requests, []);
});
