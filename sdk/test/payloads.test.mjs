// payloads.js: what reportError and sendFabricEvent are given, made into
// the collector's fields.
import assert from 'node:assert/strict';
import test from 'node:test';

import { LIMITS } from '../src/limits.js';
import { maskDeep } from '../src/mask.js';
import { deviceList, errorFields, logFields } from '../src/payloads.js';
import { utf8Bytes } from '../src/text.js';
import { recordingConsole } from './fakes.mjs';

test('errorFields: nothing for nothing, a message for anything that is not an object', () => {
  assert.equal(errorFields(undefined), null);
  assert.equal(errorFields(null), null);
  assert.deepEqual(errorFields('NotAllowedError'), { message: 'NotAllowedError' });
  assert.deepEqual(errorFields(42), { message: '42' });
});

test('errorFields reads an Error\'s name, message and stack, which are not own enumerable keys', () => {
  const error = new TypeError('Failed to set remote answer sdp');
  const fields = errorFields(error);
  assert.equal(fields.name, 'TypeError');
  assert.equal(fields.message, 'Failed to set remote answer sdp');
  assert.match(fields.stack, /payloads\.test\.mjs/);
});

test('errorFields keeps a DOMException\'s code and constraint, and the JSON of the other own keys', () => {
  const domError = {
    name: 'OverconstrainedError', constraint: 'width', code: 0, message: null,
    detail: { min: 1280 }, when: new Date(Date.UTC(2025, 0, 15)), onRetry() {}, huge: 1n,
  };
  assert.deepEqual(errorFields(domError), {
    name: 'OverconstrainedError', constraint: 'width', code: 0,
    // An own key: not one of the named fields, but kept as its JSON.
    message: null,
    detail: { min: 1280 }, when: '2025-01-15T00:00:00.000Z',
  });
});

test('deviceList renames the devices\' fields as the collector takes them and keeps the rest', () => {
  const eventData = {
    reason: 'plugged in',
    deviceList: [
      { deviceId: 'd1', kind: 'audioinput', label: 'Mic', groupId: 'g1' },
      { mediaDeviceID: 'd2', kind: 'videoinput', label: 'Cam', groupID: 'g2' },
      null,
    ],
  };
  assert.deepEqual(deviceList(eventData), {
    reason: 'plugged in',
    mediaDeviceList: [
      { mediaDeviceID: 'd1', kind: 'audioinput', label: 'Mic', groupID: 'g1' },
      { mediaDeviceID: 'd2', kind: 'videoinput', label: 'Cam', groupID: 'g2' },
      { mediaDeviceID: '', kind: null, label: null, groupID: null },
    ],
  });
  assert.ok(Array.isArray(eventData.deviceList), 'the application\'s object is left alone');
  const other = { speaker: 'bob' };
  assert.equal(deviceList(other), other);
});

/** The parts of a session logFields uses; collectIP false masks. */
function session(collectIP = true) {
  const console = recordingConsole();
  return {
    console,
    log: { warn: (...args) => console.warn(...args) },
    privacy: (value) => (collectIP ? value : maskDeep(value)),
  };
}

test('logFields sends a short log as it is, an object as its JSON', () => {
  const owner = session();
  assert.deepEqual(logFields(owner, undefined), {});
  assert.deepEqual(logFields(owner, 'joined at 10:00'), { message: 'joined at 10:00' });
  assert.deepEqual(logFields(owner, { step: 'join', attempt: 2 }), { message: '{\n  "step": "join",\n  "attempt": 2\n}' });
  assert.deepEqual(owner.console.lines.warn, []);
});

test('logFields cuts a long log to applicationLogBytes, never inside a character, with a warning', () => {
  const owner = session();
  // 1 + 3·6827 = 20482 bytes; 1 + 3·6826 = 20479 fit.
  const text = `a${'€'.repeat(Math.ceil(LIMITS.applicationLogBytes / 3))}`;
  const { message } = logFields(owner, text);
  assert.equal(utf8Bytes(message), LIMITS.applicationLogBytes - 1, 'the euro sign across the limit is left out whole');
  assert.ok(text.startsWith(message));
  assert.deepEqual(owner.console.lines.warn,
    [`reportError: the application log is ${utf8Bytes(text)} bytes; only the first 20480 are sent`]);
  const exact = 'l'.repeat(LIMITS.applicationLogBytes);
  assert.equal(logFields(owner, exact).message, exact);
  assert.equal(owner.console.lines.warn.length, 1, 'no warning for a log that fits exactly');
});

test('logFields masks addresses when collectIP is false', () => {
  assert.deepEqual(logFields(session(false), 'ICE to 192.0.2.1 failed'), { message: 'ICE to x.x.x.x failed' });
  assert.deepEqual(logFields(session(true), 'ICE to 192.0.2.1 failed'), { message: 'ICE to 192.0.2.1 failed' });
});
