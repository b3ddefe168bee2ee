// Every API call checks every argument: an invalid one gives
// {status: 'error', msg} naming the argument and the limit, and nothing is
// sent. Byte limits count UTF-8 bytes, character limits count characters.
import assert from 'node:assert/strict';
import test from 'node:test';

import { callstats } from '../src/callstats.js';
import { FakePeerConnection, initialized, settle } from './fakes.mjs';

const BYTES_257 = `${'a'.repeat(254)}ン`; // 257 bytes, 255 characters
const BYTES_256 = `${'a'.repeat(253)}ン`; // 256 bytes

/** Asserts an error result whose message matches `pattern`. */
function refused(result, pattern) {
  assert.deepEqual(Object.keys(result).sort(), ['msg', 'status']);
  assert.equal(result.status, 'error', `expected an error, got ${JSON.stringify(result)}`);
  assert.match(result.msg, pattern);
}

function accepted(result) {
  assert.deepEqual(Object.keys(result).sort(), ['msg', 'status']);
  assert.equal(result.status, 'success', `expected success, got ${JSON.stringify(result)}`);
  assert.equal(typeof result.msg, 'string');
}

/** An initialized instance with one monitored pc in conference `conf`. */
async function withFabric() {
  const setup = initialized();
  const pc = new FakePeerConnection();
  accepted(setup.instance.addNewFabric(pc, 'bob', 'multiplex', 'conf'));
  await settle();
  return Object.assign(setup, { pc });
}

test('every call before initialize is an error, and nothing throws', () => {
  const instance = new callstats();
  const pc = new FakePeerConnection();
  for (const result of [
    instance.addNewFabric(pc, 'bob', 'multiplex', 'conf'),
    instance.reportError(null, 'conf', 'getUserMedia'),
    instance.sendFabricEvent(pc, 'audioMute', 'conf'),
    instance.associateMstWithUserID(pc, 'bob', 'conf', 1, 'mic'),
    instance.sendUserFeedback('conf', { userID: 'alice', overall: 4 }),
    instance.sendCallDetails(pc, 'conf', {}),
  ]) {
    refused(result, /not initialized: call initialize\(\) first/);
  }
});

test('initialize names each invalid argument', () => {
  const instance = new callstats();
  const call = (...args) => instance.initialize(...args);
  refused(call('', 's', 'alice'), /^appID: must not be empty/);
  refused(call({}, 's', 'alice'), /^appID: must be a string, got an object/);
  refused(call('12@34', 's', 'alice'), /^appID: must not contain '@'/);
  refused(call('1', '', 'alice'), /^appSecret: must not be empty/);
  refused(call('1', 42, 'alice'), /^appSecret: must be a string, got the number 42/);
  refused(call('1', 's', ''), /^localUserID: must not be empty/);
  refused(call('1', 's', null), /^localUserID: must be a string or an object \{userName, aliasName, loginID\?\}, got null/);
  refused(call('1', 's', 'alice', 'not a function'), /^csInitCallback: must be a function, got a string/);
  refused(call('1', 's', 'alice', null, 5), /^csStatsCallback: must be a function/);
  refused(call('1', 's', 'alice', null, null, 'x'), /^configParams: must be an object, got a string/);
});

test('a userID string is limited in bytes, a userID object in characters', () => {
  const call = (userID) => initialized({ localUserID: userID }).result;
  refused(call(BYTES_257), /^localUserID: must be at most 256 bytes of UTF-8, got 257 bytes$/);
  accepted(call(BYTES_256));
  const ä128 = 'ä'.repeat(128); // 128 characters, 256 bytes
  accepted(call({ userName: ä128, aliasName: 'superman', loginID: ä128 }));
  refused(call({ userName: `${ä128}x`, aliasName: 'superman' }),
    /^localUserID.userName: must be at most 128 characters, got 129$/);
  refused(call({ userName: 'Clark', aliasName: '' }), /^localUserID.aliasName: must not be empty/);
  refused(call({ userName: 'Clark', aliasName: 'superman', loginID: 'l'.repeat(129) }),
    /^localUserID.loginID: must be at most 128 characters, got 129$/);
  refused(call({ aliasName: 'superman' }), /^localUserID.userName: must be a string, got undefined/);
  // The alias is the ID on the wire, so the 256-byte limit of IDs applies too.
  refused(call({ userName: 'Clark', aliasName: 'ン'.repeat(100) }),
    /^localUserID.aliasName: must be at most 256 bytes of UTF-8, got 300 bytes$/);
});

test('configParams are checked key by key with their documented limits', () => {
  const call = (config) => initialized({ config }).result;
  accepted(call({ applicationVersion: 'ä'.repeat(30) }));
  refused(call({ applicationVersion: 'v'.repeat(31) }),
    /^configParams.applicationVersion: must be at most 30 characters, got 31$/);
  accepted(call({ siteID: BYTES_256 }));
  refused(call({ siteID: BYTES_257 }), /^configParams.siteID: must be at most 256 bytes of UTF-8, got 257 bytes$/);
  refused(call({ additionalIDs: { customerID: BYTES_257 } }),
    /^configParams.additionalIDs.customerID: must be at most 256 bytes of UTF-8, got 257 bytes$/);
  refused(call({ additionalIDs: 'walmart' }), /^configParams.additionalIDs: must be an object of strings/);
  refused(call({ disableBeforeUnloadHandler: 'yes' }), /^configParams.disableBeforeUnloadHandler: must be true or false/);
  refused(call({ collectIP: 0 }), /^configParams.collectIP: must be true or false/);
  refused(call({ statsInterval: 999 }), /^configParams.statsInterval: must be a number of milliseconds of at least 1000/);
  accepted(call({ statsInterval: 1000 }));
  refused(call({ collectorURL: 'ftp://collector.test' }), /^configParams.collectorURL: must be an http\(s\) URL/);
  refused(call({ collectorURL: 'collector' }), /^configParams.collectorURL: must be an absolute http\(s\) URL/);
  refused(call({ precallTest: { iceServers: 'stun:x' } }), /^configParams.precallTest.iceServers: must be an array/);
});

test('unknown configParams keys are ignored with a warning, not refused', () => {
  const { result, console } = initialized({ config: { enableFancyThing: true } });
  accepted(result);
  assert.ok(console.lines.warn.some((line) => line.includes('ignored unknown keys enableFancyThing')));
});

test('addNewFabric names each invalid argument and sends nothing for it', async () => {
  const { instance, collector } = initialized();
  await settle();
  const sent = collector.requests.length;
  const pc = new FakePeerConnection();
  const add = (...args) => instance.addNewFabric(...args);
  refused(add(null, 'bob', 'multiplex', 'conf'), /^pcObject: must be an RTCPeerConnection, got null/);
  refused(add({}, 'bob', 'multiplex', 'conf'), /^pcObject: must be an RTCPeerConnection, got an object/);
  refused(add(pc, '', 'multiplex', 'conf'), /^remoteUserID: must not be empty/);
  refused(add(pc, { userName: 'Bob' }, 'multiplex', 'conf'), /^remoteUserID.aliasName: must be a string/);
  refused(add(pc, 'bob', 'bogus', 'conf'),
    /^fabricUsage: must be one of multiplex, audio, video, screen, data, unbundled, got "bogus"$/);
  refused(add(pc, 'bob', 'multiplex', BYTES_257), /^conferenceID: must be at most 256 bytes of UTF-8, got 257 bytes$/);
  refused(add(pc, 'bob', 'multiplex', ''), /^conferenceID: must not be empty/);
  refused(add(pc, 'bob', 'multiplex', 'conf\uD800'), /^conferenceID: must be valid Unicode text/);
  refused(add(pc, 'bob', 'multiplex', 'conf', 'peer'), /^fabricAttributes: must be an object, got a string/);
  refused(add(pc, 'bob', 'multiplex', 'conf', { remoteEndpointType: 'bridge' }),
    /^fabricAttributes.remoteEndpointType: must be one of peer, server, got "bridge"$/);
  refused(add(pc, 'bob', 'multiplex', 'conf', { fabricTransmissionDirection: 'recvonly' }),
    /^fabricAttributes.fabricTransmissionDirection: must be one of sendonly, receiveonly, sendrecv, inactive/);
  refused(add(pc, 'bob', 'multiplex', 'conf', {}, 'callback'), /^pcCallback: must be a function, got a string/);
  await settle();
  assert.equal(collector.requests.length, sent, 'nothing is sent for invalid calls');
});

test('a conferenceID is limited in bytes, not characters', () => {
  const { instance } = initialized();
  accepted(instance.addNewFabric(new FakePeerConnection(), 'bob', 'multiplex', `${'ン'.repeat(85)}a`));
  refused(instance.addNewFabric(new FakePeerConnection(), 'bob', 'multiplex', 'ン'.repeat(86)),
    /^conferenceID: must be at most 256 bytes of UTF-8, got 258 bytes$/);
});

test('the short addNewFabric form takes pcCallback as the fifth argument', async () => {
  const { instance, collector } = initialized();
  const calls = [];
  accepted(instance.addNewFabric(new FakePeerConnection(), 'bob', 'audio', 'conf', (...args) => calls.push(args)));
  await settle();
  assert.deepEqual(calls, [['success', calls[0][1]]]);
  const [added] = collector.bodies('/events/fabric/added');
  assert.deepEqual(added.fabricAttributes, { remoteEndpointType: 'peer', fabricTransmissionDirection: 'sendrecv' });
});

test('a pc is monitored once: again in its conference is a no-op, in another an error', async () => {
  const { instance, pc, collector } = await withFabric();
  accepted(instance.addNewFabric(pc, 'bob', 'multiplex', 'conf'));
  refused(instance.addNewFabric(pc, 'bob', 'multiplex', 'other'), /^pcObject: is already monitored in conference "conf"/);
  await settle();
  assert.equal(collector.to('/events/fabric/added').length, 1);
});

test('reportError names each invalid argument', async () => {
  const { instance, pc } = await withFabric();
  const report = (...args) => instance.reportError(...args);
  accepted(report(null, 'conf', 'getUserMedia', new Error('Permission denied')));
  refused(report('pc', 'conf', 'createOffer'), /^pcObject: must be an RTCPeerConnection, got a string/);
  refused(report(pc, 'conf', 'createOfer'), /^wrtcFuncName: must be one of getUserMedia, createOffer, .*applicationLog, got "createOfer"$/);
  refused(report(pc, '', 'createOffer'), /^conferenceID: must not be empty/);
  refused(report(pc, 'conf', 'createOffer', null, 42), /^localSDP: must be an SDP string, an RTCSessionDescription or null/);
  refused(report(pc, 'conf', 'createOffer', null, null, 'v'.repeat(256 * 1024 + 1)),
    /^remoteSDP: must be at most 262144 bytes of UTF-8, got 262145 bytes$/);
  refused(report(pc, 'conf', 'createOffer', { log: 'x'.repeat(64 * 1024) }),
    /^domError: must be at most 65536 bytes of JSON, got \d+ bytes$/);
  refused(report(pc, 'other', 'createOffer'), /^conferenceID: "other" is not the conference the pcObject was added to/);
});

test('an application log over 20 KB is cut to 20 KB with a warning, not refused', async () => {
  const { instance, collector, console } = initialized();
  accepted(instance.reportError(null, 'conf', 'applicationLog', 'é'.repeat(15000)));
  await settle();
  const [body] = collector.bodies('/events/error');
  assert.equal(Buffer.byteLength(body.message), 20 * 1024);
  assert.ok(console.lines.warn.some((line) => line.includes('the application log is 30000 bytes')));
});

test('sendFabricEvent names each invalid argument', async () => {
  const { instance, pc } = await withFabric();
  const send = (...args) => instance.sendFabricEvent(...args);
  refused(send(pc, 'mute', 'conf'), /^fabricEvent: must be one of fabricHold, fabricResume, .*activeDeviceList, got "mute"$/);
  refused(send(new FakePeerConnection(), 'audioMute', 'conf'), /^pcObject: is not monitored: call addNewFabric\(\) with it first/);
  refused(send(pc, 'audioMute', 'conf', 'muted'), /^eventData: must be an object, got a string/);
  refused(send(pc, 'audioMute', 'other'), /^conferenceID: "other" is not the conference/);
  accepted(send(pc, 'audioMute', 'conf'));
  accepted(send(pc, 'fabricTerminated', 'conf'));
  refused(send(pc, 'audioUnmute', 'conf'), /^pcObject: its monitoring ended \(fabricTerminated\)/);
  accepted(send(pc, 'fabricTerminated', 'conf'));
});

test('associateMstWithUserID limits usageLabel in bytes and checks the SSRC', async () => {
  const { instance, pc } = await withFabric();
  const associate = (...args) => instance.associateMstWithUserID(...args);
  accepted(associate(pc, 'bob', 'conf', '4294967295', 'front-camera'));
  accepted(associate(pc, 'bob', 'conf', 1234, 'u'.repeat(20)));
  refused(associate(pc, 'bob', 'conf', 1234, 'u'.repeat(21)), /^usageLabel: must be at most 20 bytes of UTF-8, got 21 bytes$/);
  refused(associate(pc, 'bob', 'conf', 1234, 'ン'.repeat(7)), /^usageLabel: must be at most 20 bytes of UTF-8, got 21 bytes$/);
  refused(associate(pc, 'bob', 'conf', 1234, undefined), /^usageLabel: must be a string, got undefined/);
  for (const ssrc of ['4294967296', '-1', '12a', '', 1.5, null]) {
    refused(associate(pc, 'bob', 'conf', ssrc, 'mic'), /^ssrc: must be an unsigned 32-bit number or its decimal string/);
  }
  refused(associate(pc, '', 'conf', 1, 'mic'), /^userID: must not be empty/);
  refused(associate(pc, 'bob', 'conf', 1, 'mic', 7), /^associatedVideoTag: must be the id of a <video> element or the element/);
  refused(associate(new FakePeerConnection(), 'bob', 'conf', 1, 'mic'), /^pcObject: is not monitored/);
});

test('sendUserFeedback checks the ratings (integers 1 to 5) and the comment', () => {
  const { instance } = initialized();
  const feedback = (value, callback) => instance.sendUserFeedback('conf', value, callback);
  accepted(feedback({ userID: 'alice', overall: 5, audio: 1, video: 3, screen: 2, comment: 'fine' }));
  refused(feedback('great'), /^feedback: must be an object/);
  refused(feedback({ overall: 3 }), /^feedback.userID: must be a string or an object/);
  refused(feedback({ userID: 'alice' }), /^feedback.overall: is required: an integer from 1 to 5/);
  for (const overall of [0, 6, 2.5, '4']) {
    refused(feedback({ userID: 'alice', overall }), /^feedback.overall: must be an integer from 1 to 5/);
  }
  refused(feedback({ userID: 'alice', overall: 4, video: 9 }), /^feedback.video: must be an integer from 1 to 5, got the number 9/);
  refused(feedback({ userID: 'alice', overall: 4, comment: 'c'.repeat(8 * 1024 + 1) }),
    /^feedback.comment: must be at most 8192 bytes of UTF-8/);
  refused(feedback({ userID: 'alice', overall: 4 }, {}), /^pcCallback: must be a function/);
});

test('sendCallDetails checks the pc and the documented attribute values', () => {
  const { instance } = initialized();
  const pc = new FakePeerConnection();
  accepted(instance.sendCallDetails(pc, 'conf', { callType: 'inbound', role: 'agent', queue: 'billing' }));
  refused(instance.sendCallDetails(undefined, 'conf', {}), /^pc: must be an RTCPeerConnection, got undefined/);
  refused(instance.sendCallDetails(pc, 'conf', 'inbound'), /^callAttributes: must be an object/);
  refused(instance.sendCallDetails(pc, 'conf', { callType: 'incoming' }),
    /^callAttributes.callType: must be one of inbound, outbound, monitoring, got "incoming"$/);
  refused(instance.sendCallDetails(pc, 'conf', { role: 'boss' }),
    /^callAttributes.role: must be one of agent, participant, manager, got "boss"$/);
});

test('an argument that throws when read gives an error result, never an exception', () => {
  const { instance } = initialized();
  const hostile = new Proxy({}, { get() { throw new Error('boom'); } });
  const result = instance.addNewFabric(hostile, 'bob', 'multiplex', 'conf');
  assert.equal(result.status, 'error');
  assert.match(result.msg, /boom/);
  refused(instance.sendUserFeedback('conf', hostile), /boom/);
});
