// fabric/ssrcs.js: the SSRC map — each SSRC of the stats mapped to the
// local or the remote user — sent only when it changed; associate() sends
// the SSRC's entry at once and labels it from then on.
import assert from 'node:assert/strict';
import test from 'node:test';

import { SsrcMap } from '../src/fabric/ssrcs.js';
import { snapshotOf } from '../src/getstats.js';
import { LIMITS } from '../src/limits.js';
import { callStats } from './fakes.mjs';
import { bodiesOf, fakeFabric, postsTo } from './fabric-fakes.mjs';

/** A fabric's SsrcMap, and `discover(reports)` feeding it a snapshot taken now. */
function ssrcMap(options) {
  const setup = fakeFabric(options);
  const map = new SsrcMap(setup.fabric);
  const discover = (reports) => map.discover(snapshotOf(reports, setup.clock.now()));
  return Object.assign(setup, { map, discover });
}

const INBOUND = { userID: 'bob', streamType: 'inbound' };
const OUTBOUND = { userID: 'alice', streamType: 'outbound' };

test('the SSRCs of the stats, in order, each with its direction, user and kind', async () => {
  const { discover, posts, clock, fabric } = ssrcMap();
  discover(callStats(clock.now(), 1));
  const [post] = await postsTo(posts, 'events/ssrcmap');
  assert.deepEqual(post.body, {
    connectionID: fabric.connectionID, remoteID: 'bob',
    ssrcData: [
      Object.assign({ ssrc: '1111', label: 'audio' }, INBOUND),
      Object.assign({ ssrc: '2222', label: 'video' }, OUTBOUND),
    ],
  });
  assert.equal(post.options.at, clock.now());
});

test('the map is sent again only when it changed; SSRCs once seen stay in it', async () => {
  const { discover, posts, clock } = ssrcMap();
  discover([]);
  discover(callStats(clock.now(), 1));
  discover(callStats(clock.now(), 2));
  discover([{ id: 'IT2', type: 'inbound-rtp', ssrc: 3333, kind: 'video' }]);
  discover([{ id: 'IT2', type: 'inbound-rtp', ssrc: 3333, kind: 'video' }]);
  discover([{ id: 'IT3', type: 'inbound-rtp', ssrc: '4444' }, { id: 'OT3', type: 'outbound-rtp' }]);
  const maps = await bodiesOf(posts, 'events/ssrcmap');
  assert.deepEqual(maps.map((map) => map.ssrcData.map((entry) => entry.ssrc)), [['1111', '2222'], ['1111', '2222', '3333']]);
});

test('the map sent holds at most LIMITS.itemsPerArray entries', async () => {
  const { discover, posts } = ssrcMap();
  discover(Array.from({ length: LIMITS.itemsPerArray + 5 }, (_, i) => ({ id: `IT${i}`, type: 'inbound-rtp', ssrc: i })));
  const [map] = await bodiesOf(posts, 'events/ssrcmap');
  assert.equal(map.ssrcData.length, LIMITS.itemsPerArray);
});

test('associate() sends the SSRC\'s entry at once: the user given, its usage label and video tag\'s id', async () => {
  const { map, posts } = ssrcMap();
  map.associate('5555', { userName: 'Carol', aliasName: 'carol', note: 'not sent' }, 'camera', 'remote-video');
  map.associate('6666', 'dave', 'screen', { id: 'screen-video' });
  map.associate('7777', 'erin', 'mic', null);
  const sent = await postsTo(posts, 'events/ssrcmap');
  assert.deepEqual(sent.map((post) => post.body.ssrcData), [
    [{ ssrc: '5555', userID: { userName: 'Carol', aliasName: 'carol' }, usageLabel: 'camera', associatedVideoTag: 'remote-video' }],
    [{ ssrc: '6666', userID: 'dave', usageLabel: 'screen', associatedVideoTag: 'screen-video' }],
    [{ ssrc: '7777', userID: 'erin', usageLabel: 'mic' }],
  ]);
  assert.equal(sent[0].options.label, 'associateMstWithUserID 5555');
});

test('an associated SSRC keeps its label in the map of the stats, which is sent again for it', async () => {
  const { map, discover, posts, clock } = ssrcMap();
  discover(callStats(clock.now(), 1));
  map.associate('2222', 'carol', 'camera', 'local-video');
  discover(callStats(clock.now(), 2));
  const maps = await bodiesOf(posts, 'events/ssrcmap');
  assert.equal(maps.length, 3);
  assert.deepEqual(maps[2].ssrcData[1], {
    ssrc: '2222', streamType: 'outbound', userID: 'carol', label: 'video', usageLabel: 'camera', associatedVideoTag: 'local-video',
  });
  assert.deepEqual(maps[2].ssrcData[0], Object.assign({ ssrc: '1111', label: 'audio' }, INBOUND));
});
