// precall.js: the pre-call test over a loopback pair of fake peer
// connections whose data channels deliver after a set delay, on a clock
// that moves only as the test's timers fire.
import assert from 'node:assert/strict';
import test from 'node:test';

import { PrecallTest } from '../src/precall.js';
import { FakeClock, callStats } from './fakes.mjs';

/** A data channel whose messages reach its peer `delay(data)` ms later, buffered meanwhile. */
class FakeChannel {
  constructor(clock, label, delay) {
    this.clock = clock;
    this.label = label;
    this.delay = delay;
    this.readyState = 'connecting';
    this.bufferedAmount = 0;
    this.onmessage = null;
    this.peer = null;
  }

  send(data) {
    const wait = this.delay(data);
    if (wait === null) return; // lost
    this.bufferedAmount += data.length;
    this.clock.setTimeout(() => {
      this.bufferedAmount -= data.length;
      if (this.peer.onmessage) this.peer.onmessage({ data });
    }, wait);
  }
}

/**
 * An RTCPeerConnection class of a loopback call. options: open (whether
 * the channels ever open), delay(channel label, data, from caller) → ms or
 * null for a lost message, stats (what getStats gives).
 */
function loopback(clock, options) {
  const made = [];
  class FakeRTCPeerConnection extends EventTarget {
    constructor(configuration) {
      super();
      this.configuration = configuration;
      this.channels = [];
      this.candidates = [];
      this.closed = false;
      this.isCaller = made.length === 0;
      made.push(this);
    }

    createDataChannel(label) {
      const channel = new FakeChannel(clock, label, (data) => options.delay(label, data, true));
      this.channels.push(channel);
      return channel;
    }

    async createOffer() { return { type: 'offer', sdp: 'v=0 offer' }; }

    async createAnswer() { return { type: 'answer', sdp: 'v=0 answer' }; }

    async setLocalDescription(description) {
      this.localDescription = Object.assign({ from: this }, description);
      const candidate = Object.assign(new Event('icecandidate'), { candidate: { candidate: `candidate:${description.type}` } });
      this.dispatchEvent(candidate);
      this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: null }));
    }

    async setRemoteDescription(description) {
      this.remote = description.from;
      if (!this.isCaller || !options.open) return;
      // The answer is in: the caller's channels open after 50 ms, announced to the answerer.
      clock.setTimeout(() => {
        for (const channel of this.channels) {
          const peer = new FakeChannel(clock, channel.label, (data) => options.delay(channel.label, data, false));
          Object.assign(channel, { peer, readyState: 'open' });
          Object.assign(peer, { peer: channel, readyState: 'open' });
          this.remote.dispatchEvent(Object.assign(new Event('datachannel'), { channel: peer }));
        }
      }, 50);
    }

    async addIceCandidate(candidate) { this.candidates.push(candidate.candidate); }

    async getStats() {
      return new Map((options.stats || []).map((report) => [report.id, report]));
    }

    close() { this.closed = true; }
  }
  return { FakeRTCPeerConnection, made };
}

/** Runs the clock's timers in order until `promise` settles, letting promises settle between them. */
async function runToEnd(clock, promise) {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (done) return promise;
    let next = null;
    for (const [id, timer] of clock.timers) if (!next || timer.at < next[1].at) next = [id, timer];
    if (!next) throw new Error('stalled: no timer left and the test has not finished');
    clock.timers.delete(next[0]);
    clock.time = Math.max(clock.time, next[1].at);
    next[1].callback();
  }
}

function envOf(clock, RTCPeerConnection) {
  return { now: clock.now, monotonic: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, RTCPeerConnection };
}

test('channels that never open: no connectivity after 2.5 s, both pcs closed', async () => {
  const clock = new FakeClock();
  const { FakeRTCPeerConnection, made } = loopback(clock, { open: false, delay: () => 5 });
  const outcome = await runToEnd(clock, new PrecallTest(envOf(clock, FakeRTCPeerConnection), {}).run());
  assert.deepEqual(outcome, { duration: 2500, connectivity: false, message: 'ICE did not connect within 2500 ms' });
  assert.equal(made.length, 2);
  assert.ok(made.every((pc) => pc.closed));
});

test('a peer connection that cannot be made: no connectivity, with the reason', async () => {
  const clock = new FakeClock();
  class Refused {
    constructor() { throw new DOMException('blocked by policy', 'NotAllowedError'); }
  }
  const outcome = await runToEnd(clock, new PrecallTest(envOf(clock, Refused), {}).run());
  assert.deepEqual(outcome, { duration: 0, connectivity: false, message: 'blocked by policy' });
});

test('a loopback call: RTT, jitter and loss from echoed probes, throughput, and the candidate type', async () => {
  const clock = new FakeClock();
  const { FakeRTCPeerConnection, made } = loopback(clock, {
    open: true,
    stats: callStats(clock.now(), 1, { pair: 'CP2' }),
    delay: (label, data, fromCaller) => {
      if (label === 'callscope-precall-throughput') return 5;
      const seq = Number(String(data).split(':')[0]);
      if (seq >= 30) return null; // the last quarter of the probes is lost
      // The echo takes 10 or 20 ms: round trips of 20 and 30 ms in turn.
      return fromCaller ? 10 : 10 + (seq % 2) * 10;
    },
  });
  const iceServers = [{ urls: 'stun:stun.test' }];
  const outcome = await runToEnd(clock, new PrecallTest(envOf(clock, FakeRTCPeerConnection), { iceServers }).run());
  // 100 rounds of 10 ms each fill the 1 MiB buffer, delivered 5 ms later: the first at +5, the last at +995.
  const throughput = Math.round(((100 * 1024 * 1024 * 8) / 1000 / 0.99) * 1000) / 1000;
  assert.deepEqual(outcome, {
    duration: outcome.duration, connectivity: true, throughput, candidateType: 'relay',
    fractionLoss: 0.25, rtt: 25, jitter: 10,
  });
  assert.ok(outcome.duration > 2000, `the probes, their settling and the throughput take over 2 s, not ${outcome.duration}`);
  assert.deepEqual(made.map((pc) => pc.configuration), [{ iceServers }, { iceServers }]);
  assert.deepEqual(made.map((pc) => pc.candidates), [['candidate:answer'], ['candidate:offer']], 'candidates relayed both ways');
  assert.ok(made.every((pc) => pc.closed));
});
