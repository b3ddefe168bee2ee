// fabric/sdp.js: the session descriptions are sent when they changed,
// masked unless collectIP, and one over LIMITS.sdpBytes is left out.
import assert from 'node:assert/strict';
import test from 'node:test';

import { SdpReporter } from '../src/fabric/sdp.js';
import { LIMITS } from '../src/limits.js';
import { fakeFabric, postsTo } from './fabric-fakes.mjs';

const OFFER = 'v=0\r\no=- 1 2 IN IP4 192.168.1.10\r\nc=IN IP6 2001:db8::7\r\n';
const ANSWER = 'v=0\r\no=- 3 4 IN IP4 203.0.113.9\r\n';

/** A reporter of a fabric whose pc has `local` and `remote` descriptions. */
function reporter(local, remote, options) {
  const setup = fakeFabric(options);
  setup.pc.localDescription = local === undefined ? null : { type: 'offer', sdp: local };
  setup.pc.remoteDescription = remote === undefined ? null : { type: 'answer', sdp: remote };
  return Object.assign(setup, { sdp: new SdpReporter(setup.fabric) });
}

test('both descriptions are sent, masked, with the connection\'s ids and when signalling became stable', async () => {
  const { sdp, posts, fabric } = reporter(OFFER, ANSWER);
  sdp.send(1234);
  const [post] = await postsTo(posts, 'events/sdp');
  assert.deepEqual(post.body, {
    connectionID: fabric.connectionID, remoteID: 'bob',
    localSDP: 'v=0\r\no=- 1 2 IN IP4 x.x.x.x\r\nc=IN IP6 x:x:x:x\r\n',
    remoteSDP: 'v=0\r\no=- 3 4 IN IP4 x.x.x.x\r\n',
  });
  assert.equal(post.options.at, 1234);
});

test('with collectIP the descriptions are sent as they are', async () => {
  const { sdp, posts } = reporter(OFFER, ANSWER, { collectIP: true });
  sdp.send(0);
  const [post] = await postsTo(posts, 'events/sdp');
  assert.deepEqual([post.body.localSDP, post.body.remoteSDP], [OFFER, ANSWER]);
});

test('the descriptions are sent again only when one of them changed', async () => {
  const { sdp, pc, posts } = reporter(OFFER, undefined);
  sdp.send(1);
  sdp.send(2);
  pc.remoteDescription = { type: 'answer', sdp: ANSWER };
  sdp.send(3);
  sdp.send(4);
  pc.localDescription = { type: 'offer', sdp: `${OFFER}a=ice-restart\r\n` };
  sdp.send(5);
  const sent = await postsTo(posts, 'events/sdp');
  assert.deepEqual(sent.map((post) => [post.options.at, Object.keys(post.body).filter((key) => key.endsWith('SDP'))]), [
    [1, ['localSDP']],
    [3, ['localSDP', 'remoteSDP']],
    [5, ['localSDP', 'remoteSDP']],
  ]);
});

test('no description, or empty ones, send nothing', async () => {
  const none = reporter(undefined, undefined);
  none.sdp.send(0);
  const empty = reporter('', '');
  empty.sdp.send(0);
  assert.deepEqual([...none.posts, ...empty.posts], []);
});

test('a description over LIMITS.sdpBytes (in UTF-8 bytes) is left out with a warning; one at the limit is sent', async () => {
  // Two bytes a character, so a count of characters would let `over` through.
  const twoByte = `v=0\r\n${'é'.repeat(LIMITS.sdpBytes / 2 - 100)}`;
  const atLimit = twoByte + 'a'.repeat(LIMITS.sdpBytes - Buffer.byteLength(twoByte));
  assert.equal(Buffer.byteLength(atLimit), LIMITS.sdpBytes);
  const over = `${atLimit}a`;
  const { sdp, posts, console } = reporter(over, atLimit);
  sdp.send(0);
  const [post] = await postsTo(posts, 'events/sdp');
  assert.equal(post.body.localSDP, undefined);
  assert.equal(post.body.remoteSDP, atLimit);
  assert.ok(console.lines.warn.some((line) => line.includes(`localSDP of ${post.body.connectionID} is over ${LIMITS.sdpBytes} bytes`)));

  const alone = reporter(over, undefined);
  alone.sdp.send(0);
  assert.deepEqual(alone.posts, [], 'nothing left to send');
});
