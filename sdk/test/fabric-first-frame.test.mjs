// fabric/first-frame.js: time to first media for an SSRC given a video
// element (or its id): its first frame by requestVideoFrameCallback, else
// by loadeddata/playing with a width; an id is looked up for a minute.
import assert from 'node:assert/strict';
import test from 'node:test';

import { FirstFrames } from '../src/fabric/first-frame.js';
import { TIMING } from '../src/limits.js';
import { fakeFabric, postsTo } from './fabric-fakes.mjs';

/** A video element with requestVideoFrameCallback; `frame()` presents a frame. */
function frameElement() {
  const callbacks = [];
  return {
    id: 'v1',
    requestVideoFrameCallback: (callback) => { callbacks.push(callback); },
    frame: () => { for (const callback of callbacks) callback(); },
  };
}

/** A video element of a browser without requestVideoFrameCallback. */
class EventElement extends EventTarget {
  constructor(readyState = 0, videoWidth = 0) {
    super();
    this.readyState = readyState;
    this.videoWidth = videoWidth;
  }
}

/** A fabric's FirstFrames, the page holding `elements` by id. */
function firstFrames(elements = {}) {
  const document = { getElementById: (id) => elements[id] || null };
  const setup = fakeFabric({ document });
  return Object.assign(setup, { frames: new FirstFrames(setup.fabric), elements });
}

async function firstFramePosts(posts) {
  return (await postsTo(posts, 'events/media/firstframe')).map((post) => [post.body.ssrc, post.body.delay, post.options.at]);
}

test('requestVideoFrameCallback: the first frame is posted once, with the delay since addNewFabric', async () => {
  const { frames, clock, posts, fabric } = firstFrames();
  const element = frameElement();
  await clock.advance(300);
  frames.watch('1111', element);
  await clock.advance(1200);
  element.frame();
  element.frame();
  assert.deepEqual(await firstFramePosts(posts), [['1111', 1500, fabric.addedAt + 1500]]);
  const [post] = await postsTo(posts, 'events/media/firstframe');
  assert.equal(post.body.connectionID, fabric.connectionID);
});

test('without requestVideoFrameCallback: loadeddata or playing once the video has a width', async () => {
  const { frames, clock, posts, fabric } = firstFrames();
  const element = new EventElement();
  frames.watch('2222', element);
  await clock.advance(200);
  element.dispatchEvent(new Event('loadeddata'));
  assert.deepEqual(await firstFramePosts(posts), [], 'no width yet');
  await clock.advance(200);
  element.videoWidth = 640;
  element.dispatchEvent(new Event('playing'));
  assert.deepEqual(await firstFramePosts(posts), [['2222', 400, fabric.addedAt + 400]]);
  element.dispatchEvent(new Event('loadeddata'));
  const loaded = new EventElement(0, 320);
  frames.watch('3333', loaded);
  loaded.dispatchEvent(new Event('loadeddata'));
  assert.deepEqual((await firstFramePosts(posts)).map(([ssrc]) => ssrc), ['2222', '3333']);
});

test('an element already showing video is reported at once', async () => {
  const { frames, posts } = firstFrames();
  frames.watch('2222', new EventElement(2, 320));
  frames.watch('3333', new EventElement(1, 320));
  assert.deepEqual((await firstFramePosts(posts)).map(([ssrc]) => ssrc), ['2222']);
});

test('an element given by id is looked up until it is in the page', async () => {
  const { frames, clock, posts, elements, fabric } = firstFrames();
  frames.watch('1111', 'remote-video');
  await clock.advance(5000);
  const element = frameElement();
  elements['remote-video'] = element;
  await clock.advance(TIMING.videoTagLookupStepMs);
  assert.equal(clock.timers.size, 0, 'found: no more look-ups');
  element.frame();
  assert.deepEqual(await firstFramePosts(posts), [['1111', clock.now() - fabric.addedAt, clock.now()]]);
});

test('an id not in the page within a minute is given up with a warning', async () => {
  const { frames, clock, posts, console } = firstFrames();
  frames.watch('1111', 'missing-video');
  await clock.advance(TIMING.videoTagLookupMs - TIMING.videoTagLookupStepMs);
  assert.equal(clock.timers.size, 1, 'still looking');
  await clock.advance(TIMING.videoTagLookupStepMs);
  assert.equal(clock.timers.size, 0);
  assert.ok(console.lines.warn.some((line) => line.includes('"missing-video": no such element')));
  assert.deepEqual(posts, []);
});

test('an SSRC is watched once; a stopped fabric reports no frame', async () => {
  const lookups = [];
  const { fabric, frames, clock, posts } = firstFrames();
  fabric.session.env.document = { getElementById: (id) => { lookups.push(id); return null; } };
  frames.watch('1111', 'remote-video');
  frames.watch('1111', 'remote-video');
  assert.deepEqual(lookups, ['remote-video']);
  const element = frameElement();
  frames.watch('2222', element);
  fabric.stop();
  await clock.advance(TIMING.videoTagLookupMs);
  element.frame();
  assert.deepEqual(lookups, ['remote-video']);
  assert.deepEqual(posts, []);
});
