// Test doubles for the SDK's unit tests: a clock whose timers run only
// when a test advances it, a collector answering like the real one, and a
// peer connection whose states and stats a test sets. They reach the SDK
// through instances.js setEnvironment, never through globals.
import assert from 'node:assert/strict';

import { callstats } from '../src/callstats.js';
import { setEnvironment } from '../src/instances.js';
import { ArgumentError } from '../src/validate.js';

/** Lets pending promises, real I/O and WebCrypto settle. */
export async function settle() {
  for (let round = 0; round < 5; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Waits (in real time) until `predicate()` holds; fails after `ms`. */
export async function until(predicate, what, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A clock and timers that move only when the test advances them. */
export class FakeClock {
  constructor(start = Date.UTC(2025, 0, 15, 9, 0, 0)) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
    this.now = () => this.time;
    this.setTimeout = (callback, ms) => {
      const id = this.nextId;
      this.nextId += 1;
      this.timers.set(id, { at: this.time + Math.max(0, ms || 0), callback });
      return id;
    };
    this.clearTimeout = (id) => { this.timers.delete(id); };
  }

  /** Runs, in time order, every timer due within `ms`, letting promises settle between them. */
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
    await settle();
  }
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/**
 * A collector: records every request and answers as callscope does. `down`
 * makes every request fail as if the server were stopped; `answer(request)`
 * may return a Response (or throw) to override the default answer.
 */
export class FakeCollector {
  constructor(answer) {
    this.requests = [];
    this.down = false;
    this.joins = 0;
    this.answer = answer || (() => undefined);
    this.fetch = async (url, init) => {
      const request = {
        url,
        path: decodeURIComponent(new URL(url).pathname),
        rawPath: new URL(url).pathname,
        headers: init.headers || {},
        body: init.body,
      };
      if (this.down) throw new TypeError('fetch failed: connection refused');
      this.requests.push(request);
      const override = this.answer(request);
      if (override) return override;
      if (request.path === '/authenticate') {
        return json(200, { access_token: 'access-1', expires_in: 7200, token_type: 'bearer' });
      }
      if (/^\/v1\/apps\/[^/]+\/conferences\/[^/]+$/.test(request.rawPath)) {
        this.joins += 1;
        return json(200, { status: 'success', ucID: `uc-${this.joins}` });
      }
      return json(200, { status: 'success', msg: 'received' });
    };
  }

  /** Requests whose path ends with `suffix`. */
  to(suffix) {
    return this.requests.filter((request) => request.path.endsWith(suffix));
  }

  /** Parsed JSON bodies of the requests to `suffix`. */
  bodies(suffix) {
    return this.to(suffix).map((request) => JSON.parse(request.body));
  }

  /** The last path segments of every request but /authenticate, in order. */
  trail() {
    return this.requests
      .filter((request) => request.path !== '/authenticate')
      .map((request) => request.rawPath.split('/').slice(7).join('/') || 'joined');
  }
}

export { json };

const EVENT_OF = {
  signalingState: 'signalingstatechange',
  iceConnectionState: 'iceconnectionstatechange',
  iceGatheringState: 'icegatheringstatechange',
  connectionState: 'connectionstatechange',
  // The spellings of callstats.io's integration guide (guide-pc.test.mjs).
  signallingstate: 'signalingstatechange',
  iceconnectionstate: 'iceconnectionstatechange',
  icegatheringstate: 'icegatheringstatechange',
};

/** An RTCPeerConnection as far as the SDK uses one. */
export class FakePeerConnection extends EventTarget {
  constructor() {
    super();
    this.signalingState = 'stable';
    this.iceConnectionState = 'new';
    this.iceGatheringState = 'new';
    this.connectionState = 'new';
    this.localDescription = null;
    this.remoteDescription = null;
    this.reports = [];
  }

  async getStats() {
    return new Map(this.reports.map((report) => [report.id, report]));
  }

  /** Changes a state and fires its event, as the browser does. */
  set(property, value) {
    this[property] = value;
    this.dispatchEvent(new Event(EVENT_OF[property]));
  }
}

/**
 * The integration guide's fakePcObject: getStats(), the event handlers, and
 * the states as the guide spells them (signallingstate, icegatheringstate,
 * iceconnectionstate), none of the standard names.
 */
export class GuidePeerConnection extends FakePeerConnection {
  constructor() {
    super();
    delete this.signalingState;
    delete this.iceGatheringState;
    delete this.iceConnectionState;
    delete this.connectionState;
    this.signallingstate = 'stable';
    this.icegatheringstate = 'new';
    this.iceconnectionstate = 'new';
  }
}

/**
 * A getStats() result of a call receiving audio (SSRC 1111) and sending
 * video (SSRC 2222) over one candidate pair, with counters after `seconds`.
 */
export function callStats(at, seconds, options = {}) {
  const pair = options.pair || 'CP1';
  return [
    { id: 'T1', type: 'transport', timestamp: at, selectedCandidatePairId: pair, dtlsState: 'connected' },
    {
      id: 'CP1', type: 'candidate-pair', timestamp: at, localCandidateId: 'L1', remoteCandidateId: 'R1',
      state: 'succeeded', nominated: true, currentRoundTripTime: 0.05, bytesSent: 1000 * seconds,
    },
    {
      id: 'CP2', type: 'candidate-pair', timestamp: at, localCandidateId: 'L2', remoteCandidateId: 'R1',
      state: pair === 'CP2' ? 'succeeded' : 'waiting', nominated: pair === 'CP2',
    },
    {
      id: 'L1', type: 'local-candidate', address: '192.168.1.10', port: 50000, candidateType: 'host', protocol: 'udp',
    },
    {
      id: 'L2', type: 'local-candidate', address: '198.51.100.20', port: 3478, candidateType: 'relay',
      protocol: 'udp', relayProtocol: 'tls', url: 'turns:198.51.100.20:443',
    },
    {
      id: 'R1', type: 'remote-candidate', address: '2001:db8::7', port: 60000, candidateType: 'srflx', protocol: 'udp',
    },
    {
      id: 'IT1', type: 'inbound-rtp', timestamp: at, ssrc: 1111, kind: 'audio', bytesReceived: 4000 * seconds,
      packetsReceived: 50 * seconds, packetsLost: options.lost || 0, jitter: 0.012, codecId: 'C1',
      trackIdentifier: '{track}',
    },
    {
      id: 'OT1', type: 'outbound-rtp', timestamp: at, ssrc: 2222, kind: 'video', bytesSent: 100000 * seconds,
      packetsSent: 100 * seconds, framesPerSecond: 30, frameWidth: 640, frameHeight: 360,
      qualityLimitationDurations: { none: 1 },
    },
    {
      id: 'RI1', type: 'remote-inbound-rtp', timestamp: at, ssrc: 2222, kind: 'video', roundTripTime: 0.04,
      fractionLost: 0.02, jitter: 0.005, packetsLost: 3,
    },
    { id: 'C1', type: 'codec', timestamp: at, mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 },
  ];
}

/** A console that keeps what the SDK logs. */
export function recordingConsole() {
  const lines = { debug: [], warn: [] };
  return {
    lines,
    debug: (...args) => lines.debug.push(args.join(' ')),
    warn: (...args) => lines.warn.push(args.map(String).join(' ')),
  };
}

/**
 * A callstats instance wired to fakes and initialized: `alice` of app
 * 123456 with an AppSecret, collector at https://collector.test, no
 * pre-call test. options: config (merged into configParams), env
 * (merged into the environment), localUserID, credential, answer.
 */
export function initialized(options = {}) {
  const clock = new FakeClock();
  const collector = new FakeCollector(options.answer);
  const console = recordingConsole();
  const init = [];
  const stats = [];
  const instance = new callstats();
  setEnvironment(instance, Object.assign({
    fetch: collector.fetch,
    now: clock.now,
    monotonic: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    window: null,
    document: null,
    navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
    sessionStorage: () => null,
    RTCPeerConnection: null,
    sendBeacon: null,
    console,
  }, options.env || {}));
  const result = instance.initialize(
    '123456',
    options.credential || 'app-secret',
    options.localUserID || 'alice',
    (csError, message) => init.push([csError, message]),
    (fabricStats) => stats.push(fabricStats),
    Object.assign({ collectorURL: 'https://collector.test', disablePrecalltest: true }, options.config || {}),
  );
  return { instance, clock, collector, console, init, stats, result };
}

/** Asserts that `fn` throws the SDK's ArgumentError with a message matching `pattern`. */
export function refused(fn, pattern) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof ArgumentError, `an ArgumentError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}
