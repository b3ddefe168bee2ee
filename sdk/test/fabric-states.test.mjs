// fabric/states.js: every state change of the pc is reported; the ICE
// milestones become fabricSetup or fabricSetupFailed (once each),
// disruptions, restarts and failures; a pc added already connected or
// negotiated is caught up with.
import assert from 'node:assert/strict';
import test from 'node:test';

import { CS_ERROR } from '../src/enums.js';
import { ConnectionStates, pcState } from '../src/fabric/states.js';
import { FakePeerConnection, GuidePeerConnection, callStats } from './fakes.mjs';
import { bodiesOf, fakeFabric, postsTo } from './fabric-fakes.mjs';

/** The pair CP1 of callStats as the collector takes it, addresses masked. */
const CP1 = {
  candidateID: 'CP1', localAddress: 'x.x.x.x', localPort: 50000, localCandidateType: 'host',
  remoteAddress: 'x:x:x:x', remotePort: 60000, remoteCandidateType: 'srflx', transportType: 'udp', protocol: 'udp',
};
const CP2 = {
  candidateID: 'CP2', localAddress: 'x.x.x.x', localPort: 3478, localCandidateType: 'relay',
  remoteAddress: 'x:x:x:x', remotePort: 60000, remoteCandidateType: 'srflx', transportType: 'turn/tls', protocol: 'udp',
};

/** A started fabric whose pc has callStats' reports. */
function started(options = {}) {
  const setup = fakeFabric(options);
  setup.pc.reports = callStats(setup.clock.now(), 0);
  setup.fabric.start();
  return setup;
}

/** Drives ICE to connected: gathering from +100 to +400 ms, checks from +200 ms, connected at +700 ms. */
async function connect({ pc, clock }) {
  await clock.advance(100);
  pc.set('iceGatheringState', 'gathering');
  await clock.advance(100);
  pc.set('iceConnectionState', 'checking');
  await clock.advance(200);
  pc.set('iceGatheringState', 'complete');
  await clock.advance(300);
  pc.set('iceConnectionState', 'connected');
  await clock.advance(0);
}

function fabricEvents(posts, eventType) {
  return bodiesOf(posts, 'events/fabric').then((bodies) => bodies.filter((body) => body.eventType === eventType));
}

function iceStatus(posts, eventType) {
  return bodiesOf(posts, 'events/ice/status').then((bodies) => bodies.filter((body) => body.eventType === eventType));
}

test('pcState reads the standard name, else the integration guide\'s spelling', () => {
  const pc = { signalingState: 'stable', signallingstate: 'closed', iceconnectionstate: 'checking', icegatheringstate: 'gathering' };
  assert.equal(pcState(pc, 'signalingState'), 'stable', 'the standard name comes first');
  assert.equal(pcState(pc, 'iceConnectionState'), 'checking');
  assert.equal(pcState(pc, 'iceGatheringState'), 'gathering');
  assert.equal(pcState({ signallingstate: 'have-local-offer' }, 'signalingState'), 'have-local-offer');
  assert.equal(pcState({ connectionstate: 'connected' }, 'connectionState'), undefined, 'the guide has no connectionState');
  assert.equal(pcState({ iceConnectionState: 3 }, 'iceConnectionState'), undefined);
  assert.equal(pcState({}, 'signalingState'), undefined);
});

test('each state change is posted once, with the previous state and when it changed', async () => {
  const { fabric, pc, clock, posts } = started();
  assert.ok(fabric.states instanceof ConnectionStates);
  await clock.advance(50);
  pc.set('signalingState', 'have-local-offer');
  pc.dispatchEvent(new Event('signalingstatechange'));
  pc.set('connectionState', 'connecting');
  const changes = await postsTo(posts, 'events/fabric/statechange');
  assert.deepEqual(changes.map((post) => [post.body.changedState, post.body.prevState, post.body.newState, post.options.at]), [
    ['signalingState', 'stable', 'have-local-offer', clock.now()],
    ['connectionState', 'new', 'connecting', clock.now()],
  ]);
  assert.equal(changes[0].body.connectionID, fabric.connectionID);
});

test('a state the pc did not have before changes from the empty string', async () => {
  const pc = new FakePeerConnection();
  delete pc.connectionState;
  const { posts } = started({ pc });
  pc.set('connectionState', 'connecting');
  const [change] = await bodiesOf(posts, 'events/fabric/statechange');
  assert.equal(change.prevState, '');
});

test('the guide\'s spellings are monitored: their changes and ICE milestones are reported by the standard names', async () => {
  const setup = started({ pc: new GuidePeerConnection() });
  const { pc, clock, posts } = setup;
  await clock.advance(100);
  pc.set('icegatheringstate', 'gathering');
  pc.set('iceconnectionstate', 'checking');
  pc.set('signallingstate', 'have-local-offer');
  await clock.advance(200);
  pc.set('iceconnectionstate', 'connected');
  const changes = await bodiesOf(posts, 'events/fabric/statechange');
  assert.deepEqual(changes.map((body) => [body.changedState, body.prevState, body.newState]), [
    ['iceGatheringState', 'new', 'gathering'],
    ['iceConnectionState', 'new', 'checking'],
    ['signalingState', 'stable', 'have-local-offer'],
    ['iceConnectionState', 'checking', 'connected'],
  ]);
  const [setupEvent] = await fabricEvents(posts, 'fabricSetup');
  assert.equal(setupEvent.iceConnectivityDelay, 200);
});

test('fabricSetup, once: the delay since addNewFabric, the gathering and connectivity delays, the candidates', async () => {
  const setup = started();
  await connect(setup);
  const { pc, clock, posts, fabric } = setup;
  pc.set('iceConnectionState', 'completed');
  await clock.advance(1000);
  pc.set('iceConnectionState', 'disconnected');
  pc.set('iceConnectionState', 'connected');
  const setups = await postsTo(posts, 'events/fabric');
  assert.equal(setups.length, 1);
  assert.deepEqual(setups[0].body, {
    connectionID: fabric.connectionID, remoteID: 'bob',
    eventType: 'fabricSetup', delay: 700, iceGatheringDelay: 300, iceConnectivityDelay: 500,
    localCandidates: [CP1, CP2], remoteCandidates: [CP1],
  });
  assert.equal(setups[0].options.at, fabric.addedAt + 700);
});

test('fabricSetup: gathering told by icecandidate events; no gathering delay when gathering ended after connecting', async () => {
  const { pc, clock, posts } = started();
  const candidate = (value) => Object.assign(new Event('icecandidate'), { candidate: value });
  await clock.advance(100);
  pc.dispatchEvent(candidate({ candidate: 'candidate:1 1 udp 1 192.168.1.10 50000 typ host' }));
  await clock.advance(150);
  pc.dispatchEvent(candidate({ candidate: 'candidate:2 1 udp 1 192.168.1.10 50001 typ host' }));
  pc.dispatchEvent(candidate(null));
  pc.set('iceConnectionState', 'connected');
  const [first] = await fabricEvents(posts, 'fabricSetup');
  assert.equal(first.iceGatheringDelay, 150);
  assert.equal(first.iceConnectivityDelay, undefined, 'no checking seen');

  const late = started();
  late.pc.set('iceGatheringState', 'gathering');
  late.pc.set('iceConnectionState', 'connected');
  late.clock.time += 50;
  late.pc.set('iceGatheringState', 'complete');
  const [second] = await fabricEvents(late.posts, 'fabricSetup');
  assert.equal(second.iceGatheringDelay, undefined);
});

test('fabricSetupFailed, once, when ICE fails before connecting; each failure reaches the pcCallback', async () => {
  const { pc, clock, posts, pcEvents } = started();
  pc.set('iceConnectionState', 'checking');
  await clock.advance(5000);
  pc.set('iceConnectionState', 'failed');
  pc.set('iceConnectionState', 'checking');
  pc.set('iceConnectionState', 'failed');
  const failures = await postsTo(posts, 'events/fabric');
  assert.deepEqual(failures.map((post) => [post.body.eventType, post.body.reason, post.body.delay]), [
    ['fabricSetupFailed', 'TransportFailure', 5000],
  ]);
  assert.deepEqual(await iceStatus(posts, 'iceFailed'), [], 'no iceFailed before a setup');
  assert.deepEqual(pcEvents.filter((event) => event[0] !== CS_ERROR.success), [
    [CS_ERROR.appConnectivityError, 'ICE connection failed'],
    [CS_ERROR.appConnectivityError, 'ICE connection failed'],
  ]);
});

test('a disruption: its start with the pair in use, its end with the pair now in use and how long it lasted', async () => {
  const setup = started();
  await connect(setup);
  const { pc, clock, posts, pcEvents } = setup;
  await clock.advance(1000);
  pc.set('iceConnectionState', 'disconnected');
  assert.deepEqual(pcEvents.at(-1), [CS_ERROR.appConnectivityError, 'ICE connection disconnected']);
  await clock.advance(500);
  pc.reports = callStats(clock.now(), 2, { pair: 'CP2' });
  pc.set('iceConnectionState', 'connected');
  assert.deepEqual(await iceStatus(posts, 'iceDisruptionStart'), [{
    connectionID: setup.fabric.connectionID, remoteID: 'bob',
    eventType: 'iceDisruptionStart', prevIceCandidatePair: CP1, prevIceCandidateState: 'succeeded',
  }]);
  const [end] = await iceStatus(posts, 'iceDisruptionEnd');
  assert.deepEqual([end.prevIceCandidatePair, end.currIceCandidatePair, end.currIceCandidateState, end.delay],
    [CP1, CP2, 'succeeded', 500]);
  assert.equal((await bodiesOf(posts, 'events/fabric/transportchange')).length, 1);
});

test('disconnected without having connected is no disruption', async () => {
  const { pc, posts, pcEvents } = started();
  pc.set('iceConnectionState', 'checking');
  pc.set('iceConnectionState', 'disconnected');
  pc.set('iceConnectionState', 'connected');
  assert.deepEqual(await bodiesOf(posts, 'events/ice/status'), []);
  assert.deepEqual(pcEvents.filter((event) => event[0] === CS_ERROR.appConnectivityError), []);
});

test('iceRestarted when checks start again after ICE had left new', async () => {
  const setup = started();
  await connect(setup);
  const { pc, posts } = setup;
  pc.set('iceConnectionState', 'checking');
  const [restart] = await iceStatus(posts, 'iceRestarted');
  assert.deepEqual([restart.prevIceCandidatePair, restart.prevIceCandidateState, restart.currIceCandidatePair],
    [CP1, 'succeeded', CP1]);
  assert.equal((await iceStatus(posts, 'iceRestarted')).length, 1, 'the first checks were no restart');
});

test('iceFailed after a setup, with how long since the disruption began', async () => {
  const setup = started();
  await connect(setup);
  const { pc, clock, posts, pcEvents } = setup;
  pc.set('iceConnectionState', 'disconnected');
  await clock.advance(2000);
  pc.set('iceConnectionState', 'failed');
  const [failed] = await iceStatus(posts, 'iceFailed');
  assert.deepEqual([failed.prevIceCandidatePair, failed.delay, failed.currIceCandidatePair], [CP1, 2000, undefined]);
  assert.deepEqual(pcEvents.at(-1), [CS_ERROR.appConnectivityError, 'ICE connection failed']);
  assert.deepEqual(await fabricEvents(posts, 'fabricSetupFailed'), []);
});

test('a state turning closed ends the fabric', async () => {
  const { pc, clock, ended } = started();
  await clock.advance(300);
  pc.set('connectionState', 'closed');
  assert.deepEqual(ended, [clock.now()]);
});

test('signalling back to stable sends the SDPs', async () => {
  const { pc, clock, posts } = started();
  pc.set('signalingState', 'have-local-offer');
  pc.localDescription = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  pc.remoteDescription = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
  await clock.advance(100);
  pc.set('signalingState', 'stable');
  const sdps = await postsTo(posts, 'events/sdp');
  assert.deepEqual(sdps.map((post) => [post.body.localSDP, post.options.at]), [['v=0\r\no=- 1 2 IN IP4 x.x.x.x\r\n', clock.now()]]);
});

test('a pc added already connected and negotiated: fabricSetup and the SDPs at once', async () => {
  const pc = new FakePeerConnection();
  pc.iceConnectionState = 'connected';
  pc.localDescription = { type: 'offer', sdp: 'v=0\r\n' };
  const { fabric, posts } = started({ pc });
  const [setup] = await postsTo(posts, 'events/fabric');
  assert.deepEqual([setup.body.eventType, setup.body.delay, setup.options.at], ['fabricSetup', 0, fabric.addedAt]);
  assert.equal(setup.body.iceConnectivityDelay, undefined);
  const sdps = await postsTo(posts, 'events/sdp');
  assert.deepEqual(sdps.map((post) => [post.body.localSDP, post.options.at]), [['v=0\r\n', fabric.addedAt]]);
});

test('a pc added mid-negotiation and not connected: nothing to catch up with', async () => {
  const pc = new FakePeerConnection();
  pc.signalingState = 'have-remote-offer';
  pc.iceConnectionState = 'checking';
  pc.remoteDescription = { type: 'offer', sdp: 'v=0\r\n' };
  const { posts } = started({ pc });
  assert.deepEqual(await bodiesOf(posts, 'events/fabric'), []);
  assert.deepEqual(await bodiesOf(posts, 'events/sdp'), []);
});
