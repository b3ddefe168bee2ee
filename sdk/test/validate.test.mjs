// validate.js: each check* throws an ArgumentError naming the argument,
// and the limits of limits.js hold exactly at their boundary.
import assert from 'node:assert/strict';
import test from 'node:test';

import { ENUMS } from '../src/enums.js';
import { LIMITS } from '../src/limits.js';
import {
  checkAppID, checkCallback, checkEnum, checkFabricAttributes, checkIdentifier,
  checkJsonObject, checkMaxBytes, checkPeerConnection, checkRating, checkSdp, checkSsrc, checkString, checkUserID,
  checkVideoTag, describe, videoTagName, wireUserObject,
} from '../src/validate.js';
import { FakePeerConnection, refused } from './fakes.mjs';

/** Asserts `fn` throws an ArgumentError whose message matches `pattern`. */

test('describe names what was given without echoing it', () => {
  assert.equal(describe(null), 'null');
  assert.equal(describe(undefined), 'undefined');
  assert.equal(describe([1]), 'an array');
  assert.equal(describe('secret'), 'a string');
  assert.equal(describe(5), 'the number 5');
  assert.equal(describe(false), 'false');
  assert.equal(describe(() => {}), 'a function');
  assert.equal(describe({}), 'an object');
});

test('checkString names the argument and refuses lone surrogates', () => {
  checkString('name', 'ok ✓');
  refused(() => checkString('conferenceID', 5), /^conferenceID: must be a string, got the number 5$/);
  refused(() => checkString('conferenceID', 'a\ud800'), /^conferenceID: must be valid Unicode text/);
});

test('checkIdentifier takes idBytes bytes of UTF-8 and not one more', () => {
  checkIdentifier('conferenceID', 'a'.repeat(LIMITS.idBytes), LIMITS.idBytes);
  checkIdentifier('conferenceID', 'é'.repeat(LIMITS.idBytes / 2), LIMITS.idBytes);
  refused(() => checkIdentifier('conferenceID', 'a'.repeat(LIMITS.idBytes + 1), LIMITS.idBytes),
    /^conferenceID: must be at most 256 bytes of UTF-8, got 257 bytes$/);
  refused(() => checkIdentifier('conferenceID', `${'é'.repeat(LIMITS.idBytes / 2)}a`, LIMITS.idBytes),
    /^conferenceID: must be at most 256 bytes of UTF-8, got 257 bytes$/);
  refused(() => checkIdentifier('conferenceID', '', LIMITS.idBytes), /^conferenceID: must not be empty$/);
});

test('checkMaxBytes counts bytes, not characters', () => {
  checkMaxBytes('usageLabel', '😀'.repeat(5), LIMITS.usageLabelBytes);
  refused(() => checkMaxBytes('usageLabel', `${'😀'.repeat(5)}a`, LIMITS.usageLabelBytes),
    /^usageLabel: must be at most 20 bytes of UTF-8, got 21 bytes$/);
});

test('checkUserID gives the wire ID: the string, or the aliasName', () => {
  assert.equal(checkUserID('localUserID', 'alice'), 'alice');
  assert.equal(checkUserID('localUserID', { userName: 'Alice', aliasName: 'alice', loginID: 'a1' }), 'alice');
  refused(() => checkUserID('localUserID', 7), /^localUserID: must be a string or an object \{userName, aliasName, loginID\?\}, got the number 7$/);
  refused(() => checkUserID('remoteUserID', { userName: 'Bob' }), /^remoteUserID.aliasName: must be a string, got undefined$/);
  refused(() => checkUserID('remoteUserID', { userName: 'Bob', aliasName: '' }), /^remoteUserID.aliasName: must not be empty$/);
});

test('checkUserID: the user fields take userFieldChars characters, the alias also idBytes bytes', () => {
  const chars = LIMITS.userFieldChars;
  // 128 emoji: 128 characters but 512 bytes, which a userName may have.
  checkUserID('userID', { userName: '😀'.repeat(chars), aliasName: 'é'.repeat(chars), loginID: 'l'.repeat(chars) });
  refused(() => checkUserID('userID', { userName: '😀'.repeat(chars + 1), aliasName: 'a' }),
    /^userID.userName: must be at most 128 characters, got 129$/);
  refused(() => checkUserID('userID', { userName: 'u', aliasName: 'a'.repeat(chars + 1) }),
    /^userID.aliasName: must be at most 128 characters, got 129$/);
  refused(() => checkUserID('userID', { userName: 'u', aliasName: '😀'.repeat(chars) }),
    /^userID.aliasName: must be at most 256 bytes of UTF-8, got 512 bytes$/);
  refused(() => checkUserID('userID', { userName: 'u', aliasName: 'a', loginID: 'l'.repeat(chars + 1) }),
    /^userID.loginID: must be at most 128 characters, got 129$/);
});

test('wireUserObject keeps only the three fields the collector takes', () => {
  assert.equal(wireUserObject('alice'), 'alice');
  assert.deepEqual(wireUserObject({ userName: 'A', aliasName: 'a', loginID: 'l', avatar: 'x.png' }),
    { userName: 'A', aliasName: 'a', loginID: 'l' });
  assert.deepEqual(wireUserObject({ userName: 'A', aliasName: 'a', loginID: 5 }), { userName: 'A', aliasName: 'a' });
});

test('checkEnum lists the values and quotes a wrong string', () => {
  checkEnum('fabricUsage', 'audio', ENUMS.fabricUsage);
  refused(() => checkEnum('fabricUsage', 'Audio', ENUMS.fabricUsage),
    /^fabricUsage: must be one of multiplex, audio, video, screen, data, unbundled, got "Audio"$/);
  refused(() => checkEnum('fabricUsage', undefined, ENUMS.fabricUsage), /, got undefined$/);
});

test('checkCallback takes a function or nothing', () => {
  checkCallback('pcCallback', undefined);
  checkCallback('pcCallback', null);
  checkCallback('pcCallback', () => {});
  refused(() => checkCallback('pcCallback', 'callback'), /^pcCallback: must be a function, got a string$/);
});

test('checkPeerConnection wants getStats and addEventListener', () => {
  checkPeerConnection('pcObject', new FakePeerConnection());
  refused(() => checkPeerConnection('pcObject', { getStats() {} }), /^pcObject: must be an RTCPeerConnection, got an object$/);
  refused(() => checkPeerConnection('pc', null), /^pc: must be an RTCPeerConnection, got null$/);
});

test('checkJsonObject takes objectJsonBytes of JSON and not one more', () => {
  // {"a":"…"} is the text plus 8 bytes.
  checkJsonObject('eventData', { a: 'x'.repeat(LIMITS.objectJsonBytes - 8) });
  refused(() => checkJsonObject('eventData', { a: 'x'.repeat(LIMITS.objectJsonBytes - 7) }),
    /^eventData: must be at most 65536 bytes of JSON, got 65537 bytes$/);
  refused(() => checkJsonObject('eventData', []), /^eventData: must be an object, got an array$/);
  const cyclic = {};
  cyclic.self = cyclic;
  refused(() => checkJsonObject('callAttributes', cyclic), /^callAttributes: must be serialisable as JSON/);
  refused(() => checkJsonObject('callAttributes', { n: 1n }), /^callAttributes: must be serialisable as JSON/);
});

test('checkAppID takes a string or a non-negative integer, never with @', () => {
  assert.equal(checkAppID('123456'), '123456');
  assert.equal(checkAppID(123456), '123456');
  refused(() => checkAppID(-1), /^appID: must be a string, got the number -1$/);
  refused(() => checkAppID('app@host'), /^appID: must not contain '@'$/);
  refused(() => checkAppID(''), /^appID: must not be empty$/);
});

test('checkFabricAttributes fills in the documented defaults and checks the enums', () => {
  assert.deepEqual(checkFabricAttributes(undefined), { remoteEndpointType: 'peer', fabricTransmissionDirection: 'sendrecv' });
  const given = { remoteEndpointType: 'server', region: 'eu' };
  assert.deepEqual(checkFabricAttributes(given), { remoteEndpointType: 'server', region: 'eu', fabricTransmissionDirection: 'sendrecv' });
  assert.deepEqual(given, { remoteEndpointType: 'server', region: 'eu' }, 'the argument itself is left alone');
  refused(() => checkFabricAttributes({ fabricTransmissionDirection: 'recvonly' }),
    /^fabricAttributes.fabricTransmissionDirection: must be one of sendonly, receiveonly, sendrecv, inactive, got "recvonly"$/);
});

test('checkSsrc takes unsigned 32-bit numbers and their decimal strings', () => {
  assert.equal(checkSsrc('ssrc', 0), '0');
  assert.equal(checkSsrc('ssrc', 0xffffffff), '4294967295');
  assert.equal(checkSsrc('ssrc', '007'), '7');
  for (const bad of [0x100000000, '4294967296', -1, 1.5, '12a', '', null]) {
    refused(() => checkSsrc('ssrc', bad), /^ssrc: must be an unsigned 32-bit number or its decimal string/);
  }
});

test('checkRating takes the integers 1 to 5', () => {
  assert.equal(checkRating('feedback.overall', 1, true), 1);
  assert.equal(checkRating('feedback.overall', 5, true), 5);
  assert.equal(checkRating('feedback.audio', undefined, false), undefined);
  refused(() => checkRating('feedback.overall', undefined, true), /^feedback.overall: is required: an integer from 1 to 5$/);
  for (const bad of [0, 6, 2.5, '3']) {
    refused(() => checkRating('feedback.video', bad, false), /^feedback.video: must be an integer from 1 to 5, got /);
  }
});

test('checkSdp takes text or a description up to sdpBytes', () => {
  assert.equal(checkSdp('localSDP', undefined), undefined);
  assert.equal(checkSdp('localSDP', null), null);
  assert.equal(checkSdp('localSDP', 'v=0'), 'v=0');
  assert.equal(checkSdp('remoteSDP', { type: 'answer', sdp: 'v=0' }), 'v=0');
  checkSdp('localSDP', 's'.repeat(LIMITS.sdpBytes));
  refused(() => checkSdp('localSDP', 's'.repeat(LIMITS.sdpBytes + 1)), /^localSDP: must be at most 262144 bytes of UTF-8/);
  refused(() => checkSdp('remoteSDP', 42), /^remoteSDP: must be an SDP string, an RTCSessionDescription or null, got the number 42$/);
});

test('checkVideoTag takes an element id or an element; videoTagName names either', () => {
  const element = new EventTarget();
  element.id = 'remote-video';
  checkVideoTag('associatedVideoTag', undefined);
  checkVideoTag('associatedVideoTag', 'remote-video');
  checkVideoTag('associatedVideoTag', element);
  refused(() => checkVideoTag('associatedVideoTag', {}), /^associatedVideoTag: must be the id of a <video> element or the element, got an object$/);
  refused(() => checkVideoTag('associatedVideoTag', 'v'.repeat(LIMITS.idBytes + 1)), /^associatedVideoTag: must be at most 256 bytes/);
  assert.equal(videoTagName('remote-video'), 'remote-video');
  assert.equal(videoTagName(element), 'remote-video');
  assert.equal(videoTagName(new EventTarget()), undefined);
});
