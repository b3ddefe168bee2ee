// fabric/fabric.js: the Fabric every part shares — its posts carry the
// connectionID and remoteID, its listeners and timers end with stop(),
// and associate() labels an SSRC and watches its video element.
import assert from 'node:assert/strict';
import test from 'node:test';

import { CS_ERROR } from '../src/enums.js';
import { Fabric } from '../src/fabric/fabric.js';
import { FakePeerConnection, callStats } from './fakes.mjs';
import { STATS_INTERVAL_MS, bodiesOf, fakeFabric } from './fabric-fakes.mjs';

test('a fabric has a connectionID of its own, pc- and 16 hex digits', () => {
  const { fabric, clock } = fakeFabric();
  const other = fakeFabric().fabric;
  assert.ok(fabric instanceof Fabric);
  assert.match(fabric.connectionID, /^pc-[0-9a-f]{16}$/);
  assert.notEqual(fabric.connectionID, other.connectionID);
  assert.equal(fabric.addedAt, clock.now());
});

test('post() adds the connectionID and remoteID to the fields, or to the fields a promise gives', async () => {
  const { fabric, posts } = fakeFabric();
  fabric.post('events/a', { x: 1 }, { label: 'a' });
  fabric.post('events/b', Promise.resolve({ y: 2 }));
  fabric.post('events/c', Promise.resolve(null));
  const ids = { connectionID: fabric.connectionID, remoteID: 'bob' };
  assert.deepEqual(posts[0].body, Object.assign({ x: 1 }, ids));
  assert.deepEqual(posts[0].options, { label: 'a' });
  assert.deepEqual(await posts[1].body, Object.assign({ y: 2 }, ids));
  assert.equal(await posts[2].body, null, 'a promise of null still skips the post');
});

test('start() posts fabric added, and its answer reaches the pcCallback', async () => {
  const { fabric, posts, pcEvents } = fakeFabric({ remoteUserID: { userName: 'Bob', aliasName: 'bob', extra: 1 } });
  fabric.start();
  const [added] = posts.filter((post) => post.suffix === 'events/fabric/added');
  assert.deepEqual(added.body, {
    connectionID: fabric.connectionID, remoteID: 'bob',
    remoteUserID: { userName: 'Bob', aliasName: 'bob' },
    fabricUsage: 'multiplex', fabricAttributes: { remoteEndpointType: 'peer' },
  });
  added.options.onSuccess();
  added.options.onRejected(400, 'bad fabric');
  added.options.onFailed(CS_ERROR.httpError, 'unreachable');
  assert.deepEqual(pcEvents, [
    [CS_ERROR.success, `monitoring ${fabric.connectionID}`],
    [CS_ERROR.csProtoError, 'bad fabric'],
    [CS_ERROR.httpError, 'unreachable'],
  ]);
});

test('listen() runs the handler until stop(), which removes the listener; a throw stays in the SDK', () => {
  const pc = new FakePeerConnection();
  const removed = [];
  const remove = pc.removeEventListener.bind(pc);
  pc.removeEventListener = (type, listener) => { removed.push(type); remove(type, listener); };
  const { fabric, console } = fakeFabric({ pc });
  const seen = [];
  fabric.listen('custom', (event) => seen.push(event.type));
  fabric.listen('broken', () => { throw new Error('handler bug'); });
  pc.dispatchEvent(new Event('custom'));
  pc.dispatchEvent(new Event('broken'));
  assert.deepEqual(seen, ['custom']);
  assert.ok(console.lines.warn.some((line) => line.includes('broken handler failed') && line.includes('handler bug')));
  fabric.stop();
  pc.dispatchEvent(new Event('custom'));
  assert.deepEqual(seen, ['custom']);
  assert.deepEqual(removed, ['custom', 'broken']);
  assert.deepEqual(fabric.listeners, []);
});

test('after stop(), a pc without removeEventListener no longer reaches the handler', () => {
  const pc = new FakePeerConnection();
  pc.removeEventListener = undefined;
  const { fabric } = fakeFabric({ pc });
  let calls = 0;
  fabric.listen('custom', () => { calls += 1; });
  fabric.stop();
  pc.dispatchEvent(new Event('custom'));
  assert.equal(calls, 0);
});

test('later() runs the task once when due; stop() clears the timers that are left', async () => {
  const { fabric, clock } = fakeFabric();
  const runs = [];
  fabric.later(100, () => runs.push('first'));
  fabric.later(500, () => runs.push('second'));
  await clock.advance(100);
  assert.deepEqual(runs, ['first']);
  assert.equal(fabric.timers.size, 1);
  fabric.stop();
  assert.equal(clock.timers.size, 0);
  await clock.advance(1000);
  assert.deepEqual(runs, ['first']);
});

test('a started fabric polls stats until stop(); then nothing more is sent', async () => {
  const { fabric, pc, clock, posts } = fakeFabric();
  pc.reports = callStats(clock.now(), 0);
  fabric.start();
  await clock.advance(STATS_INTERVAL_MS);
  assert.equal(posts.filter((post) => post.suffix === 'stats').length, 1);
  fabric.stop();
  const sent = posts.length;
  pc.set('iceConnectionState', 'checking');
  await clock.advance(3 * STATS_INTERVAL_MS);
  assert.equal(posts.length, sent);
  assert.equal(clock.timers.size, 0);
});

test('a track event maps the new SSRCs a second later, without sending stats', async () => {
  const { fabric, pc, clock, posts } = fakeFabric();
  fabric.start();
  pc.reports = callStats(clock.now(), 1);
  pc.dispatchEvent(new Event('track'));
  await clock.advance(999);
  assert.deepEqual(await bodiesOf(posts, 'events/ssrcmap'), []);
  await clock.advance(1);
  const [map] = await bodiesOf(posts, 'events/ssrcmap');
  assert.deepEqual(map.ssrcData.map((entry) => entry.ssrc), ['1111', '2222']);
  assert.equal(posts.filter((post) => post.suffix === 'stats').length, 0);
});

test('associate() sends the SSRC\'s entry, and watches its video element only when given one', async () => {
  const { fabric, posts } = fakeFabric();
  fabric.associate('1111', 'carol', 'camera');
  fabric.associate('2222', 'carol', 'screen', null);
  assert.equal(fabric.firstFrames.watched.size, 0);
  const element = { requestVideoFrameCallback() {} };
  fabric.associate('3333', 'carol', 'camera', element);
  assert.deepEqual([...fabric.firstFrames.watched], ['3333']);
  const maps = await bodiesOf(posts, 'events/ssrcmap');
  assert.deepEqual(maps.map((map) => map.ssrcData[0].ssrc), ['1111', '2222', '3333']);
  assert.deepEqual(fabric.ssrcs.overrides.get('1111'), { userID: 'carol', usageLabel: 'camera', associatedVideoTag: undefined });
});

test('privacy() is the session\'s, so configParams decide what is masked', () => {
  const { fabric, session } = fakeFabric();
  session.privacy = (value) => ({ masked: value });
  assert.deepEqual(fabric.privacy('192.168.1.10'), { masked: '192.168.1.10' });
});
