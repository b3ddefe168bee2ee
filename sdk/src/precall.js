// Pre-call test: a short loopback call between two RTCPeerConnections
// of the page, over data channels only

import { sleep } from './environment.js';
import { isCandidateType, selectedPairOf, snapshotOf } from './getstats.js';
import { errorText } from './text.js';

const PRECALL = Object.freeze({
  connectTimeoutMs: 2500, probes: 40, probeSpacingMs: 25, settleMs: 300,
  throughputMs: 1000, chunkBytes: 16 * 1024, bufferLimitBytes: 1024 * 1024,
});

/** @typedef {import('./environment.js').Env} Env */
/** @typedef {import('./getstats.js').CandidateType} CandidateType */

/** @import { PrecallOptions } from './config.js' */

/**
 * What the test found, as the collector's precalltest event takes it.
 * @typedef {object} PrecallOutcome
 * @property {boolean} connectivity whether the two pcs connected
 * @property {number} duration ms the test took
 * @property {string} [message] why it did not connect
 * @property {number} [rtt] ms
 * @property {number} [jitter] ms
 * @property {number} [fractionLoss] share of probes not echoed
 * @property {number} [throughput] kbit/s
 * @property {CandidateType} [candidateType] of the caller's side of the selected pair
 */

/** A probe echoed back: its number and its round trip in ms. @typedef {{seq: number, rtt: number}} Echo */

/** What the probes found (rtt and jitter in ms). @typedef {{fractionLoss: number, rtt?: number, jitter?: number}} ProbeFigures */

/**
 * What the answerer received over the reliable channel: bytes, and when
 * the first and the latest arrived (`last` means something once `first` is set).
 * @typedef {{bytes: number, first: number | null, last: number}} Received
 */

/**
 * @param {Env} env
 * @param {() => boolean} test
 * @param {number} timeoutMs
 * @param {number} stepMs
 * @returns {Promise<boolean>} whether `test` passed in time
 */
function waitUntil(env, test, timeoutMs, stepMs) {
  return new Promise((resolve) => {
    const started = env.monotonic();
    const check = () => {
      if (test()) resolve(true);
      else if (env.monotonic() - started >= timeoutMs) resolve(false);
      else env.setTimeout(check, stepMs);
    };
    check();
  });
}

export class PrecallTest {
  /**
   * @param {Env} env
   * @param {PrecallOptions} options
   */
  constructor(env, options) {
    this.env = env;
    this.iceServers = options.iceServers || [];
    /** @type {RTCPeerConnection[]} */
    this.pcs = [];
  }

  /** @returns {Promise<PrecallOutcome>} */
  async run() {
    const started = this.env.monotonic();
    /** @param {Omit<PrecallOutcome, 'duration'>} fields */
    const finish = (fields) => Object.assign({ duration: Math.round(this.env.monotonic() - started) }, fields);
    try {
      const channels = await this.connect();
      if (!channels) {
        return finish({ connectivity: false, message: `ICE did not connect within ${PRECALL.connectTimeoutMs} ms` });
      }
      const probing = await this.probe(channels.probe, channels.echoed);
      const throughput = await this.throughput(channels.reliable, channels.received);
      const candidateType = await this.candidateType(channels.caller);
      return finish(Object.assign({ connectivity: true, throughput, candidateType }, probing));
    } catch (error) {
      return finish({ connectivity: false, message: errorText(error) });
    } finally {
      for (const pc of this.pcs) {
        try { pc.close(); } catch (_) { /* already closed */ }
      }
    }
  }

  /** Two connected pcs: the caller's channels and what the answerer saw. */
  async connect() {
    // Channel handlers run outside run()'s try: nothing they throw may reach the page.
    /**
     * @template E
     * @param {(event: E) => void} handler
     * @returns {(event: E) => void}
     */
    const quietly = (handler) => (event) => {
      try {
        handler(event);
      } catch (_) { /* the test is ending and the channel closing */ }
    };
    const RTC = this.env.RTCPeerConnection;
    if (!RTC) throw new Error('this browser has no RTCPeerConnection');
    const caller = new RTC({ iceServers: this.iceServers });
    const answerer = new RTC({ iceServers: this.iceServers });
    this.pcs = [caller, answerer];
    /**
     * @param {RTCPeerConnection} from
     * @param {RTCPeerConnection} to
     */
    const relay = (from, to) => from.addEventListener('icecandidate', quietly((event) => {
      if (event.candidate) to.addIceCandidate(event.candidate).catch(() => {});
    }));
    relay(caller, answerer);
    relay(answerer, caller);
    const reliable = caller.createDataChannel('callscope-precall-throughput', { ordered: true });
    const probe = caller.createDataChannel('callscope-precall-probe', { ordered: false, maxRetransmits: 0 });
    /** @type {Echo[]} */
    const echoed = [];
    /** @type {Received} */
    const received = { bytes: 0, first: null, last: 0 };
    answerer.addEventListener('datachannel', quietly(({ channel }) => {
      if (channel.label === probe.label) {
        channel.onmessage = quietly((event) => channel.send(event.data));
      } else {
        channel.onmessage = quietly((event) => {
          const now = this.env.monotonic();
          if (received.first === null) received.first = now;
          received.last = now;
          received.bytes += typeof event.data === 'string' ? event.data.length : event.data.byteLength;
        });
      }
    }));
    probe.onmessage = quietly((event) => {
      const [seq, sent] = String(event.data).split(':').map(Number);
      echoed.push({ seq, rtt: this.env.monotonic() - sent });
    });
    // Each localDescription is set once setLocalDescription has resolved.
    await caller.setLocalDescription(await caller.createOffer());
    await answerer.setRemoteDescription(/** @type {RTCSessionDescription} */ (caller.localDescription));
    await answerer.setLocalDescription(await answerer.createAnswer());
    await caller.setRemoteDescription(/** @type {RTCSessionDescription} */ (answerer.localDescription));
    const open = await waitUntil(this.env, () => reliable.readyState === 'open' && probe.readyState === 'open',
      PRECALL.connectTimeoutMs, 20);
    return open ? { caller, reliable, probe, echoed, received } : null;
  }

  /**
   * RTT, jitter and loss from echoed probes over an unreliable channel.
   * @param {RTCDataChannel} channel
   * @param {Echo[]} echoed filled as the echoes come back
   * @returns {Promise<ProbeFigures>}
   */
  async probe(channel, echoed) {
    for (let seq = 0; seq < PRECALL.probes; seq += 1) {
      channel.send(`${seq}:${this.env.monotonic()}`);
      await sleep(this.env, PRECALL.probeSpacingMs);
    }
    await sleep(this.env, PRECALL.settleMs);
    const rtts = echoed.slice().sort((a, b) => a.seq - b.seq).map((echo) => echo.rtt);
    /** @type {ProbeFigures} */
    const figures = { fractionLoss: 1 - Math.min(rtts.length, PRECALL.probes) / PRECALL.probes };
    if (rtts.length > 0) figures.rtt = round(rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length);
    if (rtts.length > 1) {
      let variation = 0;
      for (let i = 1; i < rtts.length; i += 1) variation += Math.abs(rtts[i] - rtts[i - 1]);
      figures.jitter = round(variation / (rtts.length - 1));
    }
    return figures;
  }

  /**
   * kbit/s the answerer received over a reliable channel in about a second.
   * @param {RTCDataChannel} channel
   * @param {Received} received filled as the data arrives
   * @returns {Promise<number | undefined>}
   */
  async throughput(channel, received) {
    const chunk = 'x'.repeat(PRECALL.chunkBytes);
    const until = this.env.monotonic() + PRECALL.throughputMs;
    while (this.env.monotonic() < until && channel.readyState === 'open') {
      while (channel.bufferedAmount < PRECALL.bufferLimitBytes && this.env.monotonic() < until) channel.send(chunk);
      await sleep(this.env, 10);
    }
    await sleep(this.env, 100);
    const seconds = received.first === null ? 0 : (received.last - received.first) / 1000;
    return seconds > 0 ? round((received.bytes * 8) / 1000 / seconds) : undefined;
  }

  /**
   * @param {RTCPeerConnection} caller
   * @returns {Promise<CandidateType | undefined>}
   */
  async candidateType(caller) {
    try {
      /** @type {import('./getstats.js').StatsReport[]} */
      const reports = [];
      (await caller.getStats()).forEach((report) => reports.push(report));
      const snapshot = snapshotOf(reports, 0);
      const pair = selectedPairOf(snapshot);
      const local = pair && snapshot.byId.get(pair.localCandidateId);
      return local && isCandidateType(local.candidateType) ? local.candidateType : undefined;
    } catch (_) {
      return undefined;
    }
  }
}

/** @param {number} value */
function round(value) {
  return Math.round(value * 1000) / 1000;
}
