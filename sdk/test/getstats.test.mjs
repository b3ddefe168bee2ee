// getstats.js: reading a getStats() result — plain copies of reports, odd
// figures dropped, the selected candidate pair and its candidates.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  candidateLists, flatReport, pairReport, relayTypeOf, sanitizeReport, selectedPairOf, snapshotOf, wirePair,
} from '../src/getstats.js';
import { LIMITS } from '../src/limits.js';
import { callStats } from './fakes.mjs';

const AT = Date.UTC(2025, 0, 15, 9, 0, 0);

test('flatReport keeps finite numbers, strings and booleans only', () => {
  const report = {
    id: 'IT1', bytes: 10, ratio: 0.5, nominated: false, label: '', gone: NaN, huge: Infinity, nested: { a: 1 },
    list: [1], nothing: null, unset: undefined,
  };
  assert.deepEqual(flatReport(report), { id: 'IT1', bytes: 10, ratio: 0.5, nominated: false, label: '' });
  assert.ok('nested' in report, 'the report itself is left alone');
});

test('sanitizeReport drops figures out of the collector\'s range and keeps the rest', () => {
  const report = {
    id: 'OT1', roundTripTime: -0.1, currentRoundTripTime: 0, jitter: NaN, framesPerSecond: 30, bitrate: -1,
    packetsReceived: 1.5, packetsSent: 0, frameWidth: -640, frameHeight: 360,
    fractionLost: 1.01, packetsLost: -3, ssrc: 0x100000000,
  };
  const kept = sanitizeReport(report);
  assert.equal(kept, report, 'in place');
  assert.deepEqual(kept, {
    id: 'OT1', currentRoundTripTime: 0, framesPerSecond: 30, packetsSent: 0, frameHeight: 360,
    packetsLost: -3,
  });
});

test('sanitizeReport keeps the boundaries and drops what is not an integer', () => {
  assert.deepEqual(sanitizeReport({ fractionLost: 1, ssrc: 0xffffffff, packetsLost: 0 }),
    { fractionLost: 1, ssrc: 0xffffffff, packetsLost: 0 });
  assert.deepEqual(sanitizeReport({ fractionLost: -0.01, ssrc: -1, packetsLost: 2.5 }), {});
  assert.deepEqual(sanitizeReport({ id: 'i'.repeat(LIMITS.idBytes) }), { id: 'i'.repeat(LIMITS.idBytes) });
  assert.deepEqual(sanitizeReport({ id: 'i'.repeat(LIMITS.idBytes + 1) }), {});
});

test('sanitizeReport drops figures given as numeric strings, which the collector refuses', () => {
  const report = { jitter: '0.5', framesPerSecond: '30', fractionLost: '0.1', packetsReceived: '7', kind: 'video' };
  assert.deepEqual(sanitizeReport(report), { kind: 'video' });
});

test('snapshotOf indexes reports by id and by type, skipping what is not a report', () => {
  const reports = callStats(AT, 1);
  const snapshot = snapshotOf([...reports, null, { id: 'X' }], AT);
  assert.equal(snapshot.at, AT);
  assert.equal(snapshot.byId.get('IT1'), reports.find((report) => report.id === 'IT1'));
  assert.equal(snapshot.byId.has('X'), false);
  assert.deepEqual(snapshot.of('candidate-pair').map((pair) => pair.id), ['CP1', 'CP2']);
  assert.deepEqual(snapshot.of('media-playout'), []);
});

test('selectedPairOf asks the transport first, then the pairs\' flags', () => {
  const pair = (id, flags) => Object.assign({ id, type: 'candidate-pair' }, flags);
  const transport = { id: 'T1', type: 'transport', selectedCandidatePairId: 'B' };
  const flagged = pair('A', { selected: true });
  assert.equal(selectedPairOf(snapshotOf([transport, flagged, pair('B', {})], 0)).id, 'B');
  assert.equal(selectedPairOf(snapshotOf([{ ...transport, selectedCandidatePairId: 'gone' }, flagged], 0)).id, 'A');
  const nominated = pair('C', { nominated: true, state: 'succeeded' });
  assert.equal(selectedPairOf(snapshotOf([pair('D', { nominated: true, state: 'in-progress' }), nominated], 0)).id, 'C');
  assert.equal(selectedPairOf(snapshotOf([flagged, nominated], 0)).id, 'A', 'selected before nominated');
  assert.equal(selectedPairOf(snapshotOf([pair('D', { nominated: true, state: 'in-progress' })], 0)), null);
});

test('wirePair describes a pair by its candidates, with the TURN protocol of a relay', () => {
  const snapshot = snapshotOf(callStats(AT, 1), AT);
  assert.deepEqual(wirePair(snapshot.byId.get('CP1'), snapshot), {
    candidateID: 'CP1', localAddress: '192.168.1.10', localPort: 50000, localCandidateType: 'host',
    remoteAddress: '2001:db8::7', remotePort: 60000, remoteCandidateType: 'srflx', transportType: 'udp', protocol: 'udp',
  });
  assert.equal(wirePair(snapshot.byId.get('CP2'), snapshot).transportType, 'turn/tls');
  assert.equal(wirePair(null, snapshot), null);
});

test('wirePair: no pair without both candidates of a known type; odd ports become 0', () => {
  const pair = { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' };
  const local = { id: 'L', type: 'local-candidate', candidateType: 'host', ip: '10.0.0.1', port: 70000, protocol: 'TCP' };
  const remote = { id: 'R', type: 'remote-candidate', candidateType: 'prflx', address: '10.0.0.2', port: 5000 };
  assert.equal(wirePair(pair, snapshotOf([pair, local], 0)), null);
  assert.equal(wirePair(pair, snapshotOf([pair, local, { ...remote, candidateType: 'mdns' }], 0)), null);
  const wire = wirePair(pair, snapshotOf([pair, local, remote], 0));
  assert.equal(wire.localAddress, '10.0.0.1', 'the older ip field when there is no address');
  assert.equal(wire.localPort, 0);
  assert.equal(wire.protocol, 'tcp');
  assert.equal(wire.transportType, 'tcp');
});

test('relayTypeOf names TURN over udp, tcp or tls, and nothing else', () => {
  assert.equal(relayTypeOf({ candidateType: 'relay', relayProtocol: 'UDP' }), 'turn/udp');
  assert.equal(relayTypeOf({ candidateType: 'relay', relayProtocol: 'quic' }), '');
  assert.equal(relayTypeOf({ candidateType: 'host', relayProtocol: 'tls' }), '');
});

test('candidateLists give every candidate once, through the selected pair first', () => {
  const viaFirst = candidateLists(snapshotOf(callStats(AT, 1), AT));
  assert.deepEqual(viaFirst.localCandidates.map((wire) => wire.candidateID), ['CP1', 'CP2']);
  assert.deepEqual(viaFirst.remoteCandidates.map((wire) => wire.candidateID), ['CP1']);
  const viaRelay = candidateLists(snapshotOf(callStats(AT, 1, { pair: 'CP2' }), AT));
  assert.deepEqual(viaRelay.localCandidates.map((wire) => wire.localCandidateType), ['relay', 'host']);
  assert.deepEqual(viaRelay.remoteCandidates.map((wire) => wire.candidateID), ['CP2']);
});

test('pairReport copies the pair with its candidates\' details and whether it is selected', () => {
  const snapshot = snapshotOf(callStats(AT, 1), AT);
  const selected = selectedPairOf(snapshot);
  const report = pairReport(snapshot.byId.get('CP2'), snapshot, selected);
  assert.equal(report.selected, false);
  assert.equal(report.localCandidateType, 'relay');
  assert.equal(report.localRelayProtocol, 'tls');
  assert.equal(report.localUrl, 'turns:198.51.100.20:443');
  assert.equal(report.localAddress, '198.51.100.20');
  assert.equal(report.remoteAddress, '2001:db8::7');
  assert.equal(report.remotePort, 60000);
  assert.equal('remoteRelayProtocol' in report, false, 'absent fields stay absent');
  const chosen = pairReport(selected, snapshot, selected);
  assert.equal(chosen.selected, true);
  assert.equal(chosen.currentRoundTripTime, 0.05);
  const odd = pairReport({ ...selected, currentRoundTripTime: -1 }, snapshot, selected);
  assert.equal('currentRoundTripTime' in odd, false, 'sanitized');
});
