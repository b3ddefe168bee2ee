// fabric/callback-stats.js: the object csStatsCallback receives — the
// fabric, its path and one summary per SSRC, in ms and fractions; an
// SSRC's rtt from its remote report, else the selected pair's.
import assert from 'node:assert/strict';
import test from 'node:test';

import { fabricStats } from '../src/fabric/callback-stats.js';
import { snapshotOf } from '../src/getstats.js';
import { callStats } from './fakes.mjs';
import { fakeFabric } from './fabric-fakes.mjs';

/** fabricStats for a fabric whose pc reports `reports` at `at`, with `losses` by report id. */
function summary(setup, reports, losses = new Map()) {
  const snapshot = snapshotOf(reports, setup.clock.now());
  return fabricStats(setup.fabric, snapshot, setup.fabric.stats.statsBody(snapshot), losses);
}

test('the fabric, its states, the selected pair\'s rtt in ms and its transport', () => {
  const setup = fakeFabric({ remoteUserID: { userName: 'Bob', aliasName: 'bob' } });
  setup.pc.iceConnectionState = 'connected';
  setup.pc.connectionState = 'connected';
  const stats = summary(setup, callStats(setup.clock.now(), 10));
  assert.deepEqual(Object.assign({}, stats, { streams: undefined }), {
    conferenceID: 'conf-1',
    connectionID: setup.fabric.connectionID,
    remoteUserID: { userName: 'Bob', aliasName: 'bob' },
    fabricUsage: 'multiplex',
    timestamp: setup.clock.now(),
    iceConnectionState: 'connected',
    connectionState: 'connected',
    rtt: 50,
    transport: { localCandidateType: 'host', remoteCandidateType: 'srflx', protocol: 'udp', relayProtocol: undefined },
    streams: undefined,
  });
  const relayed = summary(setup, callStats(setup.clock.now(), 10, { pair: 'CP2' }));
  assert.deepEqual(relayed.transport, { localCandidateType: 'relay', remoteCandidateType: 'srflx', protocol: 'udp', relayProtocol: 'tls' });
  assert.equal(relayed.rtt, undefined, 'CP2 reports no round-trip time');
});

test('one summary per local or remote SSRC, in ms; remote reports are no streams of their own', () => {
  const setup = fakeFabric();
  const stats = summary(setup, callStats(setup.clock.now(), 10), new Map([['IT1', 0.25]]));
  assert.deepEqual(Object.keys(stats.streams), ['1111', '2222']);
  assert.deepEqual(stats.streams['1111'], {
    reportType: 'inbound', mediaType: 'audio', ssrc: '1111', bitrate: undefined, framesPerSecond: undefined,
    frameWidth: undefined, frameHeight: undefined, userID: 'bob', usageLabel: undefined,
    packetsReceived: 500, packetsLost: 0, jitter: 12, fractionLoss: 0.25, rtt: 50,
  });
  assert.deepEqual(stats.streams['2222'], {
    reportType: 'outbound', mediaType: 'video', ssrc: '2222', bitrate: undefined, framesPerSecond: 30,
    frameWidth: 640, frameHeight: 360, userID: 'alice', usageLabel: undefined,
    packetsSent: 1000, packetsLost: 3, jitter: 5, fractionLoss: 0.02, rtt: 40,
  });
});

test('an inbound stream\'s rtt from its remote-outbound report; without remote reports, the pair\'s', () => {
  const setup = fakeFabric();
  const at = setup.clock.now();
  const withRemote = summary(setup, [
    ...callStats(at, 10),
    { id: 'RO1', type: 'remote-outbound-rtp', timestamp: at, ssrc: 1111, kind: 'audio', roundTripTime: 0.03 },
  ]);
  assert.equal(withRemote.streams['1111'].rtt, 30);
  const withoutRemote = summary(setup, callStats(at, 10).filter((report) => report.id !== 'RI1'));
  assert.deepEqual([withoutRemote.streams['2222'].rtt, withoutRemote.streams['2222'].jitter,
    withoutRemote.streams['2222'].fractionLoss], [50, undefined, undefined]);
});

test('no selected pair: no transport, and no rtt but a remote report\'s', () => {
  const setup = fakeFabric();
  const reports = callStats(setup.clock.now(), 10)
    .filter((report) => report.type !== 'transport' && report.type !== 'candidate-pair');
  const stats = summary(setup, reports);
  assert.deepEqual([stats.transport, stats.rtt, stats.streams['1111'].rtt, stats.streams['2222'].rtt],
    [undefined, undefined, undefined, 40]);
});

test('associateMstWithUserID\'s userID and usageLabel replace the SSRC\'s own', () => {
  const setup = fakeFabric();
  setup.fabric.associate('1111', 'carol', 'microphone');
  setup.fabric.associate('2222', { userName: 'Al', aliasName: 'alice' }, 'camera');
  const stats = summary(setup, callStats(setup.clock.now(), 10));
  assert.deepEqual([stats.streams['1111'].userID, stats.streams['1111'].usageLabel], ['carol', 'microphone']);
  assert.deepEqual([stats.streams['2222'].userID, stats.streams['2222'].usageLabel],
    [{ userName: 'Al', aliasName: 'alice' }, 'camera']);
});

test('each SSRC\'s bitrate is the one its stats body carries, from the bytes since the previous poll', () => {
  const setup = fakeFabric();
  const at = setup.clock.now();
  summary(setup, callStats(at, 10));
  const stats = summary(setup, callStats(at + 10000, 20));
  assert.deepEqual([stats.streams['1111'].bitrate, stats.streams['2222'].bitrate], [32000, 800000]);
});
