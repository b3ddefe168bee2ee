// conference.js: joining a conference on first use, its URLs, user alive
// every 10 s (never piled up), and leaving it.
import assert from 'node:assert/strict';
import test from 'node:test';

import { Conference } from '../src/conference.js';
import { makeLog } from '../src/environment.js';
import { TIMING } from '../src/limits.js';
import { FakeClock, recordingConsole } from './fakes.mjs';

/** The parts of a session a conference uses; its transport only records what is queued. */
function stubSession() {
  const clock = new FakeClock();
  const console = recordingConsole();
  const session = {
    clock,
    console,
    queued: [],
    errors: [],
    precallFor: [],
    forgotten: [],
    env: clock,
    log: makeLog({ console }, false),
    baseURL: 'https://collector.test',
    appID: 'app/1',
    localUserID: { userName: 'Alice', aliasName: 'alice', avatar: 'a.png' },
    serverConfig: { siteID: 'eu' },
    lanes: 0,
    nextLane: () => (session.lanes += 1),
    header: (at) => ({ localID: 'alice', deviceID: 'device-1', timestamp: at }),
    endpointInfo: () => ({ type: 'browser' }),
    protocolError: (what, message) => session.errors.push(`${what}: ${message}`),
    postPrecall: (conference) => session.precallFor.push(conference),
    forgetConference: (conference) => session.forgotten.push(conference),
    transport: { enqueue: (lane, request) => { session.queued.push(Object.assign({ lane }, request)); } },
  };
  return session;
}

/** A conference of `session` that joined as `ucID`. */
function joined(session, ucID = 'uc 1') {
  const conference = new Conference(session, 'room/1');
  conference.join();
  session.queued.shift().onSuccess({ status: 'success', ucID });
  return conference;
}

test('a conference\'s join URL names the app and the conference, encoded', () => {
  const conference = new Conference(stubSession(), 'room/1');
  assert.equal(conference.url(null), 'https://collector.test/v1/apps/app%2F1/conferences/room%2F1');
  assert.equal(conference.url('events/error'), null, 'nothing else has a URL before the join answered');
  assert.equal(conference.state, 'joining');
});

test('join queues the user\'s details on the conference\'s own lane', () => {
  const session = stubSession();
  const conference = new Conference(session, 'room/1');
  const other = new Conference(session, 'room/2');
  conference.join();
  const [request] = session.queued;
  assert.equal(request.lane, 'conference:1');
  assert.equal(other.laneKey, 'conference:2');
  assert.equal(request.url(), conference.url(null));
  assert.deepEqual(request.body, {
    localID: 'alice', deviceID: 'device-1', timestamp: session.clock.now(),
    endpointInfo: { type: 'browser' },
    userID: { userName: 'Alice', aliasName: 'alice' },
    configParams: { siteID: 'eu' },
  });
});

test('the join\'s answer gives the ucID, under which the other URLs sit; then the pre-call result may go', () => {
  const session = stubSession();
  const conference = joined(session, 'uc 1');
  assert.equal(conference.state, 'joined');
  assert.equal(conference.url('events/user/alive'),
    'https://collector.test/v1/apps/app%2F1/conferences/room%2F1/uc%201/events/user/alive');
  assert.deepEqual(session.precallFor, [conference]);
});

test('a join answered without a ucID, or refused, fails the conference as a protocol error', () => {
  const session = stubSession();
  const noID = new Conference(session, 'a');
  noID.join();
  session.queued.shift().onSuccess({ status: 'success' });
  assert.equal(noID.state, 'failed');
  const refused = new Conference(session, 'b');
  refused.join();
  session.queued.shift().onRejected(400, 'localID: must not be empty');
  assert.equal(refused.state, 'failed');
  assert.deepEqual(session.errors, [
    'joining conference "a": the answer has no ucID',
    'joining conference "b": localID: must not be empty',
  ]);
  assert.equal(session.clock.timers.size, 0, 'no user alive for a failed conference');
});

test('user alive goes every 10 s, and never a second while one is pending', async () => {
  const session = stubSession();
  joined(session);
  await session.clock.advance(TIMING.aliveIntervalMs - 1);
  assert.equal(session.queued.length, 0);
  await session.clock.advance(1);
  assert.deepEqual(session.queued.map((request) => request.label), ['user alive']);
  await session.clock.advance(2 * TIMING.aliveIntervalMs);
  assert.equal(session.queued.length, 1, 'the first is still pending: no more are queued');
  session.queued[0].onSuccess({});
  await session.clock.advance(TIMING.aliveIntervalMs);
  assert.equal(session.queued.length, 2);
  session.queued[1].onRejected(500, 'down');
  await session.clock.advance(TIMING.aliveIntervalMs);
  assert.equal(session.queued.length, 3, 'a refused alive does not stop the next');
});

test('post adds the header at the time given, also to a body that is a promise', async () => {
  const session = stubSession();
  const conference = joined(session);
  conference.post('events/feedback', { feedback: { overallRating: 4 } }, { at: 1234 });
  assert.deepEqual(session.queued[0].body, { localID: 'alice', deviceID: 'device-1', timestamp: 1234, feedback: { overallRating: 4 } });
  assert.equal(session.queued[0].label, 'events/feedback');
  conference.post('events/sdp', Promise.resolve({ sdp: 'v=0' }), { label: 'sdp' });
  conference.post('events/sdp', Promise.resolve(null), { label: 'nothing new' });
  assert.deepEqual(await session.queued[1].body,
    { localID: 'alice', deviceID: 'device-1', timestamp: session.clock.now(), sdp: 'v=0' });
  assert.equal(await session.queued[2].body, null, 'a null body skips the request');
});

test('a refused post is a protocol error, and the caller hears of it', () => {
  const session = stubSession();
  const conference = joined(session);
  const heard = [];
  conference.post('events/calldetails', {}, { label: 'call details', onRejected: (...args) => heard.push(args) });
  session.queued[0].onRejected(400, 'callAttributes: too big');
  assert.deepEqual(session.errors, ['call details: callAttributes: too big']);
  assert.deepEqual(heard, [[400, 'callAttributes: too big']]);
});

test('leave posts user left once, stops user alive and forgets the conference', async () => {
  const session = stubSession();
  const conference = joined(session);
  conference.leave(true);
  conference.leave(true);
  assert.equal(conference.state, 'left');
  assert.deepEqual(session.queued.map((request) => [request.label, request.urgent]), [['user left', true]]);
  assert.deepEqual(session.forgotten, [conference]);
  await session.clock.advance(3 * TIMING.aliveIntervalMs);
  assert.equal(session.queued.length, 1, 'no user alive after leaving');
});
