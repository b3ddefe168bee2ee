// configParams.collectIP === false: no IP address leaves the browser. The
// masker replaces IPv4 literals with x.x.x.x and IPv6 literals with x:x:x:x
// and leaves everything that only looks like one.
import assert from 'node:assert/strict';
import test from 'node:test';

import { maskDeep, maskIPs } from '../src/mask.js';

test('IPv4 addresses are masked wherever they stand', () => {
  assert.equal(maskIPs('192.168.1.10'), 'x.x.x.x');
  assert.equal(maskIPs('c=IN IP4 203.0.113.7'), 'c=IN IP4 x.x.x.x');
  assert.equal(maskIPs('connect to 10.0.0.1.'), 'connect to x.x.x.x.', 'a full stop after the address');
  assert.equal(maskIPs('(0.0.0.0:9)'), '(x.x.x.x:9)');
  assert.equal(maskIPs('turn:198.51.100.20:3478?transport=udp'), 'turn:x.x.x.x:3478?transport=udp');
});

test('IPv6 addresses are masked in every notation', () => {
  assert.equal(maskIPs('2001:db8:85a3:0:0:8a2e:370:7334'), 'x:x:x:x');
  assert.equal(maskIPs('raddr 2001:db8::7 rport 9'), 'raddr x:x:x:x rport 9');
  assert.equal(maskIPs('::1'), 'x:x:x:x');
  assert.equal(maskIPs('raddr :: rport 0'), 'raddr x:x:x:x rport 0');
  assert.equal(maskIPs('fe80::1%eth0'), 'x:x:x:x%eth0');
  assert.equal(maskIPs('[2001:DB8::1]:443'), '[x:x:x:x]:443');
  assert.equal(maskIPs('::ffff:192.0.2.1'), 'x:x:x:x', 'an IPv4-mapped address is one address');
  assert.equal(maskIPs('at 2001:db8::1: gone'), 'at x:x:x:x: gone');
});

test('what only looks like an address is left alone', () => {
  const fingerprint = `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`;
  for (const text of [
    fingerprint,
    'Chrome/131.0.6778.85',
    '1.2.3.4.5',
    '5.10.0.0.1',
    'OID 1.3.6.1.4.1',
    '256.1.1.1',
    'at 12:30:45',
    'std::vector<int>',
    'a=rtpmap:111 opus/48000/2',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    '00:1A:2B:3C:4D:5E',
    'dead:beef:cafe',
    '9b36c2f2-6b4a-4c43-a7b5-0b8f7c11e2f1.local',
  ]) {
    assert.equal(maskIPs(text), text, text);
  }
});

test('a whole SDP keeps everything but its addresses', () => {
  const sdp = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    'c=IN IP4 192.0.2.10',
    'a=rtcp:9 IN IP6 2001:db8::10',
    'a=candidate:842163049 1 udp 1677729535 198.51.100.3 54321 typ srflx raddr 10.0.0.5 rport 54321 generation 0',
    'a=candidate:1 1 udp 2122260223 7e1c2f1a-1b2c-4d5e-8f90-a1b2c3d4e5f6.local 51000 typ host',
    'a=ssrc:3735928559 cname:abc',
  ].join('\r\n');
  assert.equal(maskIPs(sdp), [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 x.x.x.x',
    'c=IN IP4 x.x.x.x',
    'a=rtcp:9 IN IP6 x:x:x:x',
    'a=candidate:842163049 1 udp 1677729535 x.x.x.x 54321 typ srflx raddr x.x.x.x rport 54321 generation 0',
    'a=candidate:1 1 udp 2122260223 7e1c2f1a-1b2c-4d5e-8f90-a1b2c3d4e5f6.local 51000 typ host',
    'a=ssrc:3735928559 cname:abc',
  ].join('\r\n'));
});

test('maskDeep masks every string inside objects and arrays, and copies', () => {
  const stats = {
    localAddress: '192.168.1.10', port: 50000, nested: [{ ip: '2001:db8::1', url: 'stun:203.0.113.1:3478' }],
    relatedAddress: null, selected: true,
  };
  const masked = maskDeep(stats);
  assert.deepEqual(masked, {
    localAddress: 'x.x.x.x', port: 50000, nested: [{ ip: 'x:x:x:x', url: 'stun:x.x.x.x:3478' }],
    relatedAddress: null, selected: true,
  });
  assert.equal(stats.localAddress, '192.168.1.10', 'the original is untouched');
});
