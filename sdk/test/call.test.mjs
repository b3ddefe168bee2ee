// A whole call through the SDK: the bodies it sends for the conference,
// the fabric's lifecycle, ICE, SDPs, SSRCs, stats and csStatsCallback,
// checked field by field against what the collector's structs accept.
import assert from 'node:assert/strict';
import test from 'node:test';

import { sessionOfInstance } from '../src/instances.js';
import { FakePeerConnection, callStats, initialized, settle, until } from './fakes.mjs';

const CONFERENCE = 'インターネット/room?1';
const BOB = { userName: 'Bob Builder', aliasName: 'bob' };

/** An initialized SDK monitoring one pc (stats every 5 s) in CONFERENCE. */
async function monitoredCall(options = {}) {
  const setup = initialized(Object.assign({}, options, { config: Object.assign({ statsInterval: 5000 }, options.config) }));
  const pc = new FakePeerConnection();
  pc.reports = callStats(setup.clock.now(), 0);
  const pcEvents = [];
  const result = setup.instance.addNewFabric(pc, BOB, 'multiplex', CONFERENCE,
    { remoteEndpointType: 'server', region: 'eu' }, (...args) => pcEvents.push(args));
  assert.equal(result.status, 'success');
  await until(() => setup.collector.to('/events/fabric/added').length === 1, 'fabric added');
  return Object.assign(setup, { pc, pcEvents, session: sessionOfInstance(setup.instance) });
}

/** Drives ICE to connected: gathering 100 ms, checks 200 ms. */
async function connect(call) {
  const { pc, clock, collector } = call;
  pc.set('iceGatheringState', 'gathering');
  await clock.advance(100);
  pc.set('iceConnectionState', 'checking');
  await clock.advance(200);
  pc.reports = callStats(clock.now(), 1);
  pc.set('iceGatheringState', 'complete');
  pc.set('iceConnectionState', 'connected');
  await until(() => collector.bodies('/events/fabric').some((body) => body.eventType === 'fabricSetup'), 'fabricSetup');
}

function setupBody(collector) {
  return collector.bodies('/events/fabric').find((body) => body.eventType === 'fabricSetup');
}

test('the first call for a conference joins it, with the endpoint and user details', async () => {
  const { collector, session } = await monitoredCall({ localUserID: { userName: 'Alice A', aliasName: 'alice' } });
  const join = collector.requests.find((request) => request.rawPath.split('/').length === 6);
  assert.equal(join.rawPath, `/v1/apps/123456/conferences/${encodeURIComponent(CONFERENCE)}`);
  const body = JSON.parse(join.body);
  assert.deepEqual(Object.keys(body), ['localID', 'deviceID', 'timestamp', 'endpointInfo', 'userID', 'configParams']);
  assert.equal(body.localID, 'alice');
  assert.match(body.deviceID, /^device-[0-9a-f]{24}$/);
  assert.equal(body.deviceID, session.deviceID);
  assert.deepEqual(body.endpointInfo, { type: 'browser', name: 'Chrome', version: '131.0.0.0', os: 'Linux' });
  assert.deepEqual(body.userID, { userName: 'Alice A', aliasName: 'alice' });
  // Only the keys the collector stores: statsInterval and collectorURL steer the SDK.
  assert.deepEqual(body.configParams, { disablePrecalltest: true });
});

test('addNewFabric sends the usage, attributes and remote user, then calls pcCallback', async () => {
  const { collector, pcEvents } = await monitoredCall();
  const [request] = collector.to('/events/fabric/added');
  assert.equal(request.rawPath, `/v1/apps/123456/conferences/${encodeURIComponent(CONFERENCE)}/uc-1/events/fabric/added`);
  const body = JSON.parse(request.body);
  assert.match(body.connectionID, /^pc-[0-9a-f]{16}$/);
  assert.equal(body.remoteID, 'bob');
  assert.deepEqual(body.remoteUserID, BOB);
  assert.equal(body.fabricUsage, 'multiplex');
  assert.deepEqual(body.fabricAttributes, { remoteEndpointType: 'server', region: 'eu', fabricTransmissionDirection: 'sendrecv' });
  assert.deepEqual(pcEvents.map(([csError]) => csError), ['success']);
});

test('state changes are sent as they happen and the first connection is fabricSetup with its candidates', async () => {
  const call = await monitoredCall();
  const addedAt = call.clock.now();
  await connect(call);
  const changes = call.collector.bodies('/events/fabric/statechange')
    .map(({ prevState, newState, changedState }) => `${changedState}: ${prevState} → ${newState}`);
  assert.deepEqual(changes, [
    'iceGatheringState: new → gathering',
    'iceConnectionState: new → checking',
    'iceGatheringState: gathering → complete',
    'iceConnectionState: checking → connected',
  ]);
  const setup = setupBody(call.collector);
  assert.equal(setup.delay, call.clock.now() - addedAt);
  assert.equal(setup.iceConnectivityDelay, 200);
  assert.equal(setup.iceGatheringDelay, 300);
  const host = {
    candidateID: 'CP1', localAddress: '192.168.1.10', localPort: 50000, localCandidateType: 'host',
    remoteAddress: '2001:db8::7', remotePort: 60000, remoteCandidateType: 'srflx', transportType: 'udp', protocol: 'udp',
  };
  const relay = Object.assign({}, host, {
    candidateID: 'CP2', localAddress: '198.51.100.20', localPort: 3478, localCandidateType: 'relay', transportType: 'turn/tls',
  });
  assert.deepEqual(setup.localCandidates, [host, relay], 'each local candidate, the selected pair first');
  assert.deepEqual(setup.remoteCandidates, [host]);
});

test('stats are polled at the configured interval with bitrates, and csStatsCallback gets one summary per poll', async () => {
  const call = await monitoredCall();
  await connect(call);
  const { pc, clock, collector, stats: callbacks } = call;
  pc.reports = callStats(clock.now() + 5000, 5);
  await clock.advance(5000);
  pc.reports = callStats(clock.now() + 5000, 10, { lost: 10 });
  await clock.advance(5000);
  const bodies = collector.bodies('/stats');
  assert.equal(bodies.length, 2);
  const second = bodies[1];
  assert.equal(second.connectionID, setupBody(collector).connectionID);
  assert.equal(second.remoteID, 'bob');
  assert.equal(second.stats.timestamp, second.timestamp);
  const track = (type) => second.stats.tracks.find((report) => report.type === type);
  assert.equal(track('inbound-rtp').bitrate, 32000);
  assert.equal(track('outbound-rtp').bitrate, 800000);
  assert.equal(bodies[0].stats.tracks.find((report) => report.type === 'inbound-rtp').bitrate, undefined,
    'no bitrate without a previous poll');
  assert.equal(track('outbound-rtp').qualityLimitationDurations, undefined, 'nested objects are left out');
  assert.deepEqual(second.stats.tracks.map((report) => report.type), ['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp']);
  const [selected, other] = second.stats.candidatePairs;
  assert.equal(selected.selected, true);
  assert.equal(selected.currentRoundTripTime, 0.05);
  assert.equal(selected.localCandidateType, 'host');
  assert.equal(selected.localAddress, '192.168.1.10');
  assert.equal(selected.remoteCandidateType, 'srflx');
  assert.equal(other.selected, false);
  assert.equal(second.stats.transports[0].selectedCandidatePairId, 'CP1');
  assert.equal(second.stats.codecs[0].mimeType, 'audio/opus');

  assert.equal(callbacks.length, 2);
  const summary = callbacks[1];
  assert.equal(summary.conferenceID, CONFERENCE);
  assert.equal(summary.fabricUsage, 'multiplex');
  assert.deepEqual(summary.remoteUserID, BOB);
  assert.equal(summary.rtt, 50);
  assert.equal(summary.transport.localCandidateType, 'host');
  assert.deepEqual(Object.keys(summary.streams).sort(), ['1111', '2222']);
  const inbound = summary.streams['1111'];
  assert.equal(inbound.reportType, 'inbound');
  assert.equal(inbound.mediaType, 'audio');
  assert.equal(inbound.bitrate, 32000);
  assert.equal(inbound.jitter, 12);
  assert.equal(inbound.rtt, 50);
  assert.equal(inbound.fractionLoss, 10 / 260);
  assert.deepEqual(inbound.userID, BOB);
  const outbound = summary.streams['2222'];
  assert.equal(outbound.reportType, 'outbound');
  assert.equal(outbound.rtt, 40);
  assert.equal(outbound.fractionLoss, 0.02);
  assert.equal(outbound.jitter, 5);
  assert.equal(outbound.userID, 'alice');
});

test('SSRCs are mapped to the local and remote user from the stats; associateMstWithUserID overrides', async () => {
  const call = await monitoredCall();
  await connect(call);
  const { instance, pc, clock, collector } = call;
  await clock.advance(5000);
  await clock.advance(5000);
  const maps = collector.bodies('/events/ssrcmap');
  assert.equal(maps.length, 1, 'an unchanged map is not sent again');
  assert.deepEqual(maps[0].ssrcData, [
    { ssrc: '1111', streamType: 'inbound', userID: BOB, label: 'audio' },
    { ssrc: '2222', streamType: 'outbound', userID: 'alice', label: 'video' },
  ]);
  let frameCallback;
  const video = { id: 'video-carol', addEventListener() {}, requestVideoFrameCallback(callback) { frameCallback = callback; } };
  assert.equal(instance.associateMstWithUserID(pc, 'carol', CONFERENCE, 1111, 'camera', video).status, 'success');
  await settle();
  assert.deepEqual(collector.bodies('/events/ssrcmap')[1].ssrcData, [{
    ssrc: '1111', streamType: 'inbound', userID: 'carol', label: 'audio', usageLabel: 'camera', associatedVideoTag: 'video-carol',
  }]);
  const addedAt = JSON.parse(collector.to('/events/fabric/added')[0].body).timestamp;
  await clock.advance(700);
  frameCallback();
  await settle();
  const [firstFrame] = collector.bodies('/events/media/firstframe');
  assert.equal(firstFrame.ssrc, '1111');
  assert.equal(firstFrame.delay, clock.now() - addedAt);
  assert.equal(firstFrame.remoteID, 'bob');
  assert.equal(firstFrame.connectionID, setupBody(collector).connectionID);
});

test('an ICE disruption is reported when it starts and ends; a new selected pair is a transport change', async () => {
  const call = await monitoredCall();
  await connect(call);
  const { pc, clock, collector, pcEvents } = call;
  pc.set('iceConnectionState', 'disconnected');
  await clock.advance(2000);
  pc.set('iceConnectionState', 'connected');
  await until(() => collector.bodies('/events/ice/status').length === 2, 'ICE status');
  const [start, end] = collector.bodies('/events/ice/status');
  assert.equal(start.eventType, 'iceDisruptionStart');
  assert.equal(start.prevIceCandidatePair.candidateID, 'CP1');
  assert.equal(start.prevIceCandidateState, 'succeeded');
  assert.equal(end.eventType, 'iceDisruptionEnd');
  assert.equal(end.delay, 2000);
  assert.equal(end.currIceCandidatePair.candidateID, 'CP1');
  assert.deepEqual(pcEvents.map(([csError]) => csError), ['success', 'appConnectivityError']);

  pc.reports = callStats(clock.now(), 20, { pair: 'CP2' });
  await clock.advance(5000);
  const [change] = collector.bodies('/events/fabric/transportchange');
  assert.equal(change.prevIceCandidatePair.candidateID, 'CP1');
  assert.equal(change.currIceCandidatePair.candidateID, 'CP2');
  assert.equal(change.currIceCandidatePair.localCandidateType, 'relay');
  assert.equal(change.relayType, 'turn/tls');
});

test('after setup, ICE failing is iceFailed and checking again is iceRestarted', async () => {
  const call = await monitoredCall();
  await connect(call);
  const { pc, clock, collector } = call;
  pc.set('iceConnectionState', 'disconnected');
  await clock.advance(3000);
  pc.set('iceConnectionState', 'failed');
  pc.set('iceConnectionState', 'checking');
  await until(() => collector.bodies('/events/ice/status').length === 3, 'ICE status');
  const [, failed, restarted] = collector.bodies('/events/ice/status');
  assert.equal(failed.eventType, 'iceFailed');
  assert.equal(failed.delay, 3000);
  assert.equal(restarted.eventType, 'iceRestarted');
  assert.equal(restarted.currIceCandidatePair.candidateID, 'CP1');
  assert.equal(collector.bodies('/events/fabric').filter((body) => body.eventType === 'fabricSetupFailed').length, 0);
});

test('ICE failing before setup is fabricSetupFailed with its delay, and appConnectivityError', async () => {
  const call = await monitoredCall();
  const { pc, clock, collector, pcEvents } = call;
  pc.set('iceConnectionState', 'checking');
  await clock.advance(8000);
  pc.set('iceConnectionState', 'failed');
  await settle();
  const failed = collector.bodies('/events/fabric').find((body) => body.eventType === 'fabricSetupFailed');
  assert.equal(failed.reason, 'TransportFailure');
  assert.equal(failed.delay, 8000);
  assert.equal(setupBody(collector), undefined);
  assert.deepEqual(pcEvents.map(([csError]) => csError), ['success', 'appConnectivityError']);
});

test('the SDPs are sent once negotiation completes', async () => {
  const { pc, collector, clock } = await monitoredCall();
  pc.localDescription = { type: 'offer', sdp: 'v=0\r\nc=IN IP4 192.0.2.1\r\n' };
  pc.set('signalingState', 'have-local-offer');
  pc.remoteDescription = { type: 'answer', sdp: 'v=0\r\nc=IN IP4 203.0.113.9\r\n' };
  await clock.advance(50);
  pc.set('signalingState', 'stable');
  await settle();
  const [sdp] = collector.bodies('/events/sdp');
  assert.equal(sdp.localSDP, pc.localDescription.sdp);
  assert.equal(sdp.remoteSDP, pc.remoteDescription.sdp);
});

test('collectIP false: no IP address leaves the browser', async () => {
  const call = await monitoredCall({ config: { collectIP: false } });
  const { instance, pc, clock, collector } = call;
  pc.localDescription = { type: 'offer', sdp: 'v=0\r\nc=IN IP4 192.0.2.1\r\na=candidate:1 1 udp 1 2001:db8::99 9 typ host\r\n' };
  pc.remoteDescription = { type: 'answer', sdp: 'v=0\r\nc=IN IP4 203.0.113.9\r\n' };
  pc.set('signalingState', 'have-local-offer');
  pc.set('signalingState', 'stable');
  await connect(call);
  await clock.advance(5000);
  pc.set('iceConnectionState', 'disconnected');
  instance.reportError(pc, CONFERENCE, 'iceConnectionFailure', { message: 'lost 192.168.1.10' });
  instance.reportError(pc, CONFERENCE, 'applicationLog', 'relay 198.51.100.20 unreachable');
  await until(() => collector.to('/events/error').length === 2, 'errors');
  await settle();
  const everything = collector.requests.map((request) => request.body).join('\n');
  for (const address of ['192.0.2.1', '2001:db8::99', '203.0.113.9', '192.168.1.10', '2001:db8::7', '198.51.100.20']) {
    assert.ok(!everything.includes(address), `${address} was sent`);
  }
  const setup = setupBody(collector);
  assert.equal(setup.localCandidates[0].localAddress, 'x.x.x.x');
  assert.equal(setup.localCandidates[0].remoteAddress, 'x:x:x:x');
  assert.equal(collector.bodies('/stats')[0].stats.candidatePairs[1].localUrl, 'turns:x.x.x.x:443');
  assert.match(collector.bodies('/events/sdp')[0].localSDP, /c=IN IP4 x\.x\.x\.x/);
});

test('reportError sends the DOM error, the SDPs of the pc, and no connection for getUserMedia', async () => {
  const { instance, pc, collector } = await monitoredCall();
  pc.localDescription = { type: 'offer', sdp: 'v=0\r\n' };
  instance.reportError(null, CONFERENCE, 'getUserMedia', new DOMException('Permission denied', 'NotAllowedError'));
  instance.reportError(pc, CONFERENCE, 'setRemoteDescription', new TypeError('bad answer'), undefined, 'v=0\r\nanswer');
  instance.reportError(pc, CONFERENCE, 'createOffer', { name: 'OperationError', message: 'no codec' }, null);
  instance.reportError(pc, CONFERENCE, 'applicationLog', { message: 'Error message', error: 'Error 1' });
  await until(() => collector.to('/events/error').length === 4, 'four errors');
  const [gum, srd, offer, log] = collector.bodies('/events/error');
  assert.equal(gum.wrtcFuncName, 'getUserMedia');
  assert.equal(gum.connectionID, undefined);
  assert.equal(gum.domError.name, 'NotAllowedError');
  assert.equal(gum.domError.message, 'Permission denied');
  assert.equal(srd.connectionID, setupOrAdded(collector).connectionID);
  assert.equal(srd.remoteID, 'bob');
  assert.equal(srd.domError.name, 'TypeError');
  assert.match(srd.domError.stack, /bad answer/);
  assert.equal(srd.localSDP, 'v=0\r\n', 'taken from the pc when not given');
  assert.equal(srd.remoteSDP, 'v=0\r\nanswer');
  assert.equal(offer.localSDP, undefined, 'null: the application does not want it collected');
  assert.deepEqual(offer.domError, { name: 'OperationError', message: 'no codec' });
  assert.equal(log.domError, undefined);
  assert.deepEqual(JSON.parse(log.message), { message: 'Error message', error: 'Error 1' });
  assert.equal(log.localSDP, undefined, 'a log line is not a failure: no SDP taken from the pc');
});

function setupOrAdded(collector) {
  return JSON.parse(collector.to('/events/fabric/added')[0].body);
}

test('fabric events, feedback and call details reach their endpoints', async () => {
  const { instance, pc, collector } = await monitoredCall();
  const feedbackEvents = [];
  instance.sendFabricEvent(pc, 'audioMute', CONFERENCE);
  instance.sendFabricEvent(pc, 'activeDeviceList', CONFERENCE, {
    deviceList: [{ deviceId: 'default', kind: 'audioinput', label: 'Mic', groupId: 'g1' }],
  });
  instance.sendUserFeedback(CONFERENCE, { userID: 'alice', overall: 4, video: 2, comment: 'choppy' },
    (...args) => feedbackEvents.push(args));
  instance.sendCallDetails(pc, CONFERENCE, { callType: 'inbound', role: 'agent', queue: 'billing' });
  await until(() => collector.to('/events/calldetails').length === 1, 'call details');
  const connectionID = setupOrAdded(collector).connectionID;
  const [mute, devices] = collector.bodies('/events/fabric/action');
  assert.deepEqual({ ...mute, timestamp: 0, deviceID: '' }, {
    localID: 'alice', deviceID: '', timestamp: 0, connectionID, remoteID: 'bob', fabricEvent: 'audioMute',
  });
  assert.deepEqual(devices.eventData, {
    mediaDeviceList: [{ mediaDeviceID: 'default', kind: 'audioinput', label: 'Mic', groupID: 'g1' }],
  });
  const [feedback] = collector.bodies('/events/feedback');
  assert.equal(feedback.remoteID, '');
  assert.deepEqual(feedback.feedback, { overallRating: 4, videoQualityRating: 2, comments: 'choppy' });
  assert.deepEqual(feedbackEvents, [['success', 'feedback stored']]);
  const [details] = collector.bodies('/events/calldetails');
  assert.equal(details.connectionID, connectionID);
  assert.deepEqual(details.callAttributes, { callType: 'inbound', role: 'agent', queue: 'billing' });
});

test('the endpoint says it is alive every 10 s, and leaves with its last fabric', async () => {
  const { instance, pc, clock, collector } = await monitoredCall();
  await clock.advance(25000);
  assert.equal(collector.to('/events/user/alive').length, 2);
  assert.equal(instance.sendFabricEvent(pc, 'fabricTerminated', CONFERENCE).status, 'success');
  await settle();
  assert.deepEqual(collector.trail().slice(-2), ['events/fabric', 'events/user/left']);
  assert.equal(collector.bodies('/events/fabric').at(-1).eventType, 'fabricTerminated');
  const sent = collector.requests.length;
  await clock.advance(60000);
  assert.equal(collector.requests.length, sent, 'no stats, no alive after leaving');
  // The conferenceID used again is a new presence: a new join.
  instance.addNewFabric(new FakePeerConnection(), 'bob', 'audio', CONFERENCE);
  await until(() => collector.joins === 2, 'second join');
});

test('a closed pc is noticed at the next poll and terminated', async () => {
  const { pc, clock, collector } = await monitoredCall();
  pc.signalingState = 'closed';
  await clock.advance(5000);
  assert.deepEqual(collector.trail().slice(-2), ['events/fabric', 'events/user/left']);
  assert.equal(collector.to('/stats').length, 0);
});

test('a 20 s collector outage loses nothing and keeps the order', async () => {
  const call = await monitoredCall();
  await connect(call);
  const { instance, pc, clock, collector } = call;
  await clock.advance(5000);
  collector.down = true;
  for (let second = 0; second < 20; second += 5) {
    pc.reports = callStats(clock.now(), 10 + second);
    if (second === 10) instance.sendFabricEvent(pc, 'videoPause', CONFERENCE);
    await clock.advance(5000);
  }
  const before = collector.requests.length;
  collector.down = false;
  await clock.advance(31000);
  assert.ok(collector.requests.length > before);
  const trail = collector.trail();
  assert.equal(collector.to('/stats').length, 1 + 4 + 6, 'one before, four during, six after');
  const pause = trail.indexOf('events/fabric/action');
  assert.equal(trail.slice(0, pause).filter((step) => step === 'stats').length, 1 + 2, 'in the order they were made');
  const keys = collector.requests.map((request) => request.headers['Idempotency-Key']).filter(Boolean);
  assert.equal(new Set(keys).size, keys.length, 'each stored once');
});

test('at page unload every live fabric is terminated by beacon, with the token and key in the URL', async () => {
  const page = new EventTarget();
  const beacons = [];
  const sendBeacon = (url, blob) => {
    beacons.push({ url: new URL(url), blob });
    return true;
  };
  const { collector, clock } = await monitoredCall({ env: { window: page, sendBeacon } });
  await clock.advance(1000);
  page.dispatchEvent(new Event('pagehide'));
  page.dispatchEvent(new Event('beforeunload'));
  await settle();
  assert.equal(collector.to('/events/fabric').length, 0, 'what went by beacon is not fetched too');
  assert.deepEqual(beacons.map(({ url }) => url.pathname.split('/').slice(7).join('/')),
    ['events/fabric', 'events/user/left']);
  const [terminated] = beacons;
  assert.equal(terminated.url.searchParams.get('access_token'), 'access-1');
  assert.match(terminated.url.searchParams.get('idempotencyKey'), /^[0-9a-f]{32}$/);
  assert.equal(terminated.blob.type, 'text/plain;charset=utf-8');
  assert.equal(JSON.parse(await terminated.blob.text()).eventType, 'fabricTerminated');
});

test('disableBeforeUnloadHandler: no termination at unload, but what is queued is still sent', async () => {
  const page = new EventTarget();
  const beacons = [];
  const sendBeacon = (url) => beacons.push(new URL(url).pathname.split('/').slice(7).join('/')) > 0;
  const { instance, pc, collector } = await monitoredCall({
    config: { disableBeforeUnloadHandler: true }, env: { window: page, sendBeacon },
  });
  collector.down = true;
  instance.sendFabricEvent(pc, 'audioMute', CONFERENCE);
  await settle();
  page.dispatchEvent(new Event('pagehide'));
  assert.deepEqual(beacons, ['events/fabric/action']);
});

test('the pre-call test result is posted to every conference the endpoint joins', async () => {
  const { session, instance, collector } = await monitoredCall();
  session.precall = {
    result: { timestamp: 1736931600000, connectivity: true, rtt: 0.4, jitter: 0.1, fractionLoss: 0, throughput: 85000, candidateType: 'host', duration: 2300 },
  };
  instance.addNewFabric(new FakePeerConnection(), 'carol', 'audio', 'second-conference');
  await until(() => collector.to('/events/precalltest').length === 1, 'pre-call test');
  const [body] = collector.bodies('/events/precalltest');
  assert.ok(collector.to('/events/precalltest')[0].path.includes('/second-conference/'));
  assert.deepEqual(body, {
    localID: 'alice', deviceID: body.deviceID, timestamp: 1736931600000, connectivity: true, duration: 2300,
    rtt: 0.4, jitter: 0.1, fractionLoss: 0, throughput: 85000, candidateType: 'host',
  });
});
