// session.js: what one initialize() sets up — the endpoint's description,
// its device id, the page listeners, conferences, and the pre-call result.
import assert from 'node:assert/strict';
import test from 'node:test';

import { checkConfigParams } from '../src/config.js';
import { defaultEnvironment } from '../src/environment.js';
import { LIMITS } from '../src/limits.js';
import { Session } from '../src/session.js';
import { utf8Bytes } from '../src/text.js';
import { FakeClock, FakeCollector, recordingConsole, settle, until } from './fakes.mjs';

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** A Session of `alice` on fakes, not started. options: env, config (configParams). */
function newSession(options = {}) {
  const clock = new FakeClock();
  const collector = new FakeCollector();
  const console = recordingConsole();
  const init = [];
  const env = Object.assign(defaultEnvironment(), {
    fetch: collector.fetch, now: clock.now, monotonic: clock.now,
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    window: null, document: null, navigator: { userAgent: CHROME_LINUX }, sessionStorage: () => null,
    RTCPeerConnection: null, sendBeacon: null, console,
  }, options.env || {});
  const session = new Session(env, {
    appID: '123456', localUserID: 'alice', localID: 'alice', credential: 'app-secret',
    csInitCallback: (...args) => init.push(args),
    config: checkConfigParams(Object.assign({ collectorURL: 'https://collector.test', disablePrecalltest: true }, options.config)),
  });
  return { session, clock, collector, console, init };
}

function endpointOf(userAgent, config) {
  return newSession({ env: { navigator: userAgent === null ? null : { userAgent } }, config }).session.endpointInfo();
}

test('endpointInfo names the browser and the system from the user agent', () => {
  assert.deepEqual(endpointOf(CHROME_LINUX), { type: 'browser', name: 'Chrome', version: '131.0.0.0', os: 'Linux' });
  assert.deepEqual(endpointOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
    + 'Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86'),
  { type: 'browser', name: 'Edge', version: '131.0.2903.86', os: 'Windows', osVersion: '10.0' });
  assert.deepEqual(endpointOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0'),
    { type: 'browser', name: 'Firefox', version: '133.0', os: 'macOS', osVersion: '10.15' });
  assert.deepEqual(endpointOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 '
    + '(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'),
  { type: 'browser', name: 'Safari', version: '17.1', os: 'iOS', osVersion: '17.1' });
  assert.deepEqual(endpointOf('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) '
    + 'Chrome/131.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0'),
  { type: 'browser', name: 'Opera', version: '86.0.0.0', os: 'Android', osVersion: '14' });
});

test('endpointInfo: nothing known without a user agent; the app\'s version; no field over idBytes', () => {
  assert.deepEqual(endpointOf(null), { type: 'browser' });
  assert.deepEqual(endpointOf('curl/8.5.0'), { type: 'browser' });
  assert.deepEqual(endpointOf(CHROME_LINUX, { applicationVersion: '2.4.1' }),
    { type: 'browser', name: 'Chrome', version: '131.0.0.0', os: 'Linux', appVersion: '2.4.1' });
  const long = endpointOf(`Mozilla/5.0 (X11; Linux x86_64) Chrome/${'1.'.repeat(LIMITS.idBytes)}0`);
  assert.deepEqual(long, { type: 'browser', name: 'Chrome', os: 'Linux' });
});

test('the device id is kept for the tab, so a reload is the same device', () => {
  const kept = new Map();
  const storage = { getItem: (key) => kept.get(key) || null, setItem: (key, value) => kept.set(key, value) };
  const first = newSession({ env: { sessionStorage: () => storage } }).session;
  assert.match(first.deviceID, /^device-[0-9a-f]{24}$/);
  assert.deepEqual([...kept], [['callscope.deviceID', first.deviceID]]);
  assert.equal(newSession({ env: { sessionStorage: () => storage } }).session.deviceID, first.deviceID);
});

test('without storage, or with storage refused, each session is a fresh device', () => {
  const refused = () => { throw new DOMException('blocked', 'SecurityError'); };
  const broken = { getItem: refused, setItem: refused };
  const ids = [
    newSession().session.deviceID,
    newSession({ env: { sessionStorage: refused } }).session.deviceID,
    newSession({ env: { sessionStorage: () => broken } }).session.deviceID,
  ];
  for (const id of ids) assert.match(id, /^device-[0-9a-f]{24}$/);
  assert.equal(new Set(ids).size, 3);
});

test('header and privacy: the IP addresses are masked when collectIP is false', () => {
  const { session } = newSession({ config: { collectIP: false } });
  assert.deepEqual(session.header(1234), { localID: 'alice', deviceID: session.deviceID, timestamp: 1234 });
  assert.deepEqual(session.privacy({ sdp: 'c=IN IP4 192.0.2.1', list: ['2001:db8::1'] }),
    { sdp: 'c=IN IP4 x.x.x.x', list: ['x:x:x:x'] });
  const keeping = newSession().session;
  assert.equal(keeping.privacy('c=IN IP4 192.0.2.1'), 'c=IN IP4 192.0.2.1');
});

test('start authenticates and reports success to csInitCallback', async () => {
  const { session, collector, init } = newSession();
  session.start();
  await until(() => init.length === 1, 'csInitCallback');
  assert.equal(collector.to('/authenticate').length, 1);
  assert.deepEqual(init, [['success', 'authenticated']]);
  session.close();
});

test('the page\'s events reach the session until close() removes its listeners', async () => {
  const page = new EventTarget();
  const { session } = newSession({ env: { window: page } });
  session.start();
  session.close();
  page.dispatchEvent(new Event('pagehide'));
  assert.equal(session.unloaded, false);
  const live = newSession({ env: { window: page } }).session;
  live.start();
  page.dispatchEvent(new Event('pagehide'));
  assert.equal(live.unloaded, true);
  live.close();
});

test('conference() joins a conference once and reuses it until it is forgotten', async () => {
  const { session, collector } = newSession();
  session.start();
  const conference = session.conference('room-1');
  assert.equal(session.conference('room-1'), conference);
  await until(() => conference.ucID !== null, 'joined');
  assert.equal(collector.to('/conferences/room-1').length, 1);
  session.forgetConference({ id: 'room-1' });
  assert.equal(session.conference('room-1'), conference, 'only the conference itself is forgotten');
  session.forgetConference(conference);
  assert.notEqual(session.conference('room-1'), conference);
  session.close();
});

test('the pre-call result goes once per conference, without odd figures, its message cut and masked', async () => {
  const { session, collector } = newSession({ config: { collectIP: false } });
  session.start();
  session.precall = {
    result: {
      timestamp: 1736931600000, connectivity: false, duration: 2500, rtt: -1, jitter: NaN, fractionLoss: 1,
      throughput: undefined, message: `no route to 192.0.2.1 ${'é'.repeat(LIMITS.precallMessageBytes)}`,
    },
  };
  const conference = session.conference('room-1');
  await until(() => collector.to('/events/precalltest').length === 1, 'pre-call test');
  session.postPrecall(conference);
  await settle();
  assert.equal(collector.to('/events/precalltest').length, 1);
  const [body] = collector.bodies('/events/precalltest');
  assert.deepEqual(Object.keys(body), ['localID', 'deviceID', 'timestamp', 'connectivity', 'duration', 'fractionLoss', 'message']);
  assert.equal(body.timestamp, 1736931600000);
  assert.match(body.message, /^no route to x\.x\.x\.x é/);
  assert.ok(utf8Bytes(body.message) <= LIMITS.precallMessageBytes);
  assert.ok(utf8Bytes(body.message) > LIMITS.precallMessageBytes - 2);
  session.close();
});

test('a pre-call test that cannot start is reported as no connectivity, with why', async () => {
  class BlockedPeerConnection {
    constructor() { throw new Error('RTCPeerConnection is disabled'); }
  }
  const { session, collector } = newSession({
    config: { disablePrecalltest: false }, env: { RTCPeerConnection: BlockedPeerConnection },
  });
  session.start();
  session.conference('room-1');
  await until(() => collector.to('/events/precalltest').length === 1, 'pre-call test');
  const [body] = collector.bodies('/events/precalltest');
  assert.equal(body.connectivity, false);
  assert.equal(body.message, 'RTCPeerConnection is disabled');
  session.close();
});
