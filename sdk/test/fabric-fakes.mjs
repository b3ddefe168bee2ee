// A Fabric on a minimal session and conference, for the unit tests of
// sdk/src/fabric/: what the fabric posts is recorded as it hands it over,
// with no queue, collector or token in between.
import { makeLog } from '../src/environment.js';
import { Fabric } from '../src/fabric/fabric.js';
import { maskDeep } from '../src/mask.js';
import { FakeClock, FakePeerConnection, recordingConsole } from './fakes.mjs';

export const STATS_INTERVAL_MS = 10000;

/**
 * A Fabric monitoring `pc` (a FakePeerConnection by default) for `bob`, not
 * started. options: pc, collectIP, statsCallback, document, remoteUserID.
 * Returns the fabric with its clock, posts, pcCallback calls (pcEvents),
 * endFabric calls (ended) and logged lines (console).
 */
export function fakeFabric(options = {}) {
  const clock = new FakeClock();
  const console = recordingConsole();
  const posts = [];
  const ended = [];
  const pcEvents = [];
  const session = {
    env: {
      now: clock.now,
      setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout,
      random: Math.random,
      crypto: globalThis.crypto,
      document: options.document || null,
    },
    log: makeLog({ console }, true),
    localUserID: 'alice',
    statsIntervalMs: STATS_INTERVAL_MS,
    callbacks: { stats: options.statsCallback || null },
    privacy: (value) => (options.collectIP ? value : maskDeep(value)),
    endFabric(fabric, at) {
      ended.push(at);
      fabric.stop();
    },
  };
  const conference = {
    id: 'conf-1',
    post: (suffix, body, postOptions) => { posts.push({ suffix, body, options: postOptions || {} }); },
  };
  const pc = options.pc || new FakePeerConnection();
  const remoteUserID = options.remoteUserID || 'bob';
  const fabric = new Fabric(session, conference, pc, { userID: remoteUserID, wireID: 'bob' }, 'multiplex',
    { remoteEndpointType: 'peer' }, (...args) => pcEvents.push(args));
  return { fabric, pc, clock, posts, ended, pcEvents, console, session, conference };
}

/**
 * The posts to `suffix`, their bodies resolved (a body that resolved to null
 * is left out), in the order they were handed to the conference.
 */
export async function postsTo(posts, suffix) {
  const matching = posts.filter((post) => post.suffix === suffix);
  const bodies = await Promise.all(matching.map((post) => post.body));
  return matching
    .map((post, index) => Object.assign({}, post, { body: bodies[index] }))
    .filter((post) => post.body !== null);
}

/** The resolved bodies of the posts to `suffix`. */
export async function bodiesOf(posts, suffix) {
  return (await postsTo(posts, suffix)).map((post) => post.body);
}
