// The enums against the reference: api-reference-v3.txt, sections
// "API Enums" (fabricUsage, fabricEvent, wrtcFuncNames, endpointType,
// transmissionDirection, userIDType) and "csError Types"; sdk-api-guide.txt,
// "API return values" (callStatsAPIReturnStatus). Each value is its name.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callstats } from '../src/callstats.js';
import { CS_ERROR, ENUMS, namedValues } from '../src/enums.js';

const REFERENCE = {
  fabricUsage: ['multiplex', 'audio', 'video', 'screen', 'data', 'unbundled'],
  fabricEvent: [
    'fabricHold', 'fabricResume', 'audioMute', 'audioUnmute', 'videoPause', 'videoResume',
    'fabricTerminated', 'screenShareStart', 'screenShareStop', 'dominantSpeaker', 'activeDeviceList',
  ],
  webRTCFunctions: [
    'getUserMedia', 'createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription',
    'addIceCandidate', 'iceConnectionFailure', 'signalingError', 'applicationLog',
  ],
  endpointType: ['peer', 'server'],
  transmissionDirection: ['sendonly', 'receiveonly', 'sendrecv', 'inactive'],
  userIDType: ['local', 'remote'],
  callStatsAPIReturnStatus: ['success', 'error'],
  csError: [
    'httpError', 'authError', 'wsChannelFailure', 'csProtoError', 'success',
    'appConnectivityError', 'tokenGenerationError',
  ],
};

for (const [name, values] of Object.entries(REFERENCE)) {
  test(`${name} holds exactly the reference values, each equal to its name`, () => {
    const expected = Object.fromEntries(values.map((value) => [value, value]));
    assert.deepEqual({ ...callstats[name] }, expected);
  });

  test(`${name} is frozen and the same object on the constructor and on instances`, () => {
    assert.ok(Object.isFrozen(callstats[name]));
    assert.equal(new callstats()[name], callstats[name]);
    assert.throws(() => { 'use strict'; callstats[name].extra = 'x'; }, TypeError);
  });
}

test('the version is a semver string, on the constructor and on instances', () => {
  assert.match(callstats.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  assert.equal(new callstats().version, callstats.version);
});

test('the module loads without a window and exports the constructor', () => {
  assert.equal(typeof callstats, 'function');
  assert.equal(typeof globalThis.window, 'undefined');
  assert.equal(typeof new callstats().initialize, 'function');
});

test('the API shows the enums of enums.js, csError also as CS_ERROR', () => {
  for (const name of Object.keys(REFERENCE)) assert.equal(callstats[name], ENUMS[name]);
  assert.deepEqual(Object.keys(ENUMS), Object.keys(REFERENCE));
  assert.equal(CS_ERROR, ENUMS.csError);
  assert.ok(Object.isFrozen(ENUMS));
});

test('namedValues makes a frozen object of names, each its own value', () => {
  const values = namedValues(['inbound', 'outbound']);
  assert.deepEqual({ ...values }, { inbound: 'inbound', outbound: 'outbound' });
  assert.ok(Object.isFrozen(values));
});
