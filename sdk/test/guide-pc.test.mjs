// A "fake peerconnection" written from callstats.io's integration guide,
// with the guide's spellings of the states (signallingstate,
// icegatheringstate, iceconnectionstate), is monitored like a real pc.
import assert from 'node:assert/strict';
import test from 'node:test';

import { GuidePeerConnection, callStats, initialized, until } from './fakes.mjs';

/** The guide's fakePcObject of a call that has negotiated: its descriptions are set. */
class NegotiatedGuidePeerConnection extends GuidePeerConnection {
  constructor() {
    super();
    this.localDescription = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    this.remoteDescription = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
  }
}

test("a fake peerconnection with the guide's spellings of the states gets its state changes, SDPs and fabricSetup", async () => {
  const { instance, clock, collector, stats } = initialized({ config: { statsInterval: 5000 } });
  const pc = new NegotiatedGuidePeerConnection();
  pc.reports = callStats(clock.now(), 0);
  assert.equal(instance.addNewFabric(pc, 'bob', 'multiplex', 'conf').status, 'success');
  await until(() => collector.to('/events/fabric/added').length === 1, 'fabric added');
  assert.equal(collector.to('/events/sdp').length, 1, 'signallingstate stable at addNewFabric: the SDPs are sent');

  pc.set('icegatheringstate', 'gathering');
  pc.set('iceconnectionstate', 'checking');
  await clock.advance(200);
  pc.reports = callStats(clock.now(), 1);
  pc.set('icegatheringstate', 'complete');
  pc.set('iceconnectionstate', 'connected');
  await until(() => collector.bodies('/events/fabric').some((body) => body.eventType === 'fabricSetup'), 'fabricSetup');
  const changes = collector.bodies('/events/fabric/statechange')
    .map(({ prevState, newState, changedState }) => `${changedState}: ${prevState} → ${newState}`);
  assert.deepEqual(changes, [
    'iceGatheringState: new → gathering',
    'iceConnectionState: new → checking',
    'iceGatheringState: gathering → complete',
    'iceConnectionState: checking → connected',
  ], 'sent under the standard names');
  const setup = collector.bodies('/events/fabric').find((body) => body.eventType === 'fabricSetup');
  assert.equal(setup.iceConnectivityDelay, 200);

  pc.reports = callStats(clock.now() + 5000, 5);
  await clock.advance(5000);
  assert.equal(collector.to('/stats').length, 1);
  assert.equal(stats.at(-1).iceConnectionState, 'connected', 'csStatsCallback reads the state too');

  pc.signallingstate = 'closed';
  await clock.advance(5000);
  assert.deepEqual(collector.bodies('/events/fabric').map((body) => body.eventType), ['fabricSetup', 'fabricTerminated'],
    'a poll that finds signallingstate closed ends the fabric');
});

test("the standard spelling of a state wins over the guide's when a pc has both", async () => {
  const { instance, clock, collector } = initialized();
  const pc = new NegotiatedGuidePeerConnection();
  pc.iceConnectionState = 'new';
  instance.addNewFabric(pc, 'bob', 'multiplex', 'conf');
  await until(() => collector.to('/events/fabric/added').length === 1, 'fabric added');
  pc.iceconnectionstate = 'failed';
  pc.iceConnectionState = 'connected';
  pc.dispatchEvent(new Event('iceconnectionstatechange'));
  await clock.advance(100);
  assert.deepEqual(collector.bodies('/events/fabric/statechange').map((body) => body.newState), ['connected']);
});
