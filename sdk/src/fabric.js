// Fabrics: one monitored RTCPeerConnection

import { CS_ERROR } from './enums.js';
import { callBack, guarded } from './environment.js';
import { candidateLists, flatReport, pairReport, relayTypeOf, RTP_TYPES, sanitizeReport, selectedPairOf, snapshotOf, wirePair } from './getstats.js';
import { LIMITS, TIMING } from './limits.js';
import { randomHex, utf8Bytes } from './text.js';
import { videoTagName, wireUserObject } from './validate.js';

const STATE_PROPERTIES = [
  ['signalingstatechange', 'signalingState'],
  ['iceconnectionstatechange', 'iceConnectionState'],
  ['icegatheringstatechange', 'iceGatheringState'],
  ['connectionstatechange', 'connectionState'],
];
const CONNECTED = ['connected', 'completed'];

// callstats.io's integration guide tells SDKs that wrap the pc to pass a
// "fake peerconnection" offering these spellings instead of the standard ones.
const GUIDE_SPELLINGS = Object.freeze({
  signalingState: 'signallingstate',
  iceGatheringState: 'icegatheringstate',
  iceConnectionState: 'iceconnectionstate',
});

/** A state of `pc` by its standard name, else by the guide's spelling (so such a wrapper is monitored too). */
function pcState(pc, property) {
  const standard = pc[property];
  if (typeof standard === 'string' || !(property in GUIDE_SPELLINGS)) return standard;
  return pc[GUIDE_SPELLINGS[property]];
}

export class Fabric {
  constructor(session, conference, pc, remote, usage, attributes, pcCallback) {
    this.session = session;
    this.conference = conference;
    this.pc = pc;
    this.remoteUserID = remote.userID;
    this.remoteID = remote.wireID;
    this.usage = usage;
    this.attributes = attributes;
    this.pcCallback = pcCallback;
    this.connectionID = `pc-${randomHex(session.env, 8)}`;
    this.addedAt = session.env.now();
    this.live = true;
    this.states = {};
    for (const [, property] of STATE_PROPERTIES) this.states[property] = pcState(pc, property);
    this.times = { gatheringAt: null, gatheredAt: null, checkingAt: null, disruptedAt: null };
    this.setupSent = false;
    this.setupFailedSent = false;
    this.selectedPair = null;
    // Per RTP report id: the counters of the previous poll, and the loss since it.
    this.counters = new Map();
    this.losses = new Map();
    this.ssrcs = new Map();
    this.overrides = new Map();
    this.ssrcSignature = '';
    this.lastSdp = '';
    this.firstFrames = new Set();
    this.listeners = [];
    this.timers = new Set();
  }

  get log() {
    return this.session.log;
  }

  start() {
    this.post('events/fabric/added', {
      remoteUserID: wireUserObject(this.remoteUserID),
      fabricUsage: this.usage,
      fabricAttributes: this.attributes,
    }, {
      label: `addNewFabric ${this.connectionID}`,
      onSuccess: () => callBack(this.log, this.pcCallback, CS_ERROR.success, `monitoring ${this.connectionID}`),
      onRejected: (status, message) => callBack(this.log, this.pcCallback, CS_ERROR.csProtoError, message),
      onFailed: (csError, message) => callBack(this.log, this.pcCallback, csError, message),
    });
    for (const [type, property] of STATE_PROPERTIES) this.listen(type, () => this.stateChanged(property));
    this.listen('icecandidate', (event) => this.candidateGathered(event));
    this.listen('track', () => this.later(1000, () => this.refresh()));
    this.schedulePoll();
    // An application may add the pc after it connected, or after negotiating.
    if (CONNECTED.includes(this.states.iceConnectionState)) this.iceChanged('new', this.states.iceConnectionState, this.addedAt);
    if (this.states.signalingState === 'stable') this.sendSdp(this.addedAt);
  }

  post(suffix, fields, options) {
    const header = { connectionID: this.connectionID, remoteID: this.remoteID };
    const body = fields && typeof fields.then === 'function'
      ? fields.then((resolved) => (resolved ? Object.assign(header, resolved) : null))
      : Object.assign(header, fields);
    return this.conference.post(suffix, body, options);
  }

  listen(type, handler) {
    const listener = guarded(this.log, `${type} handler`, (event) => {
      if (this.live) return handler(event);
      return undefined;
    });
    this.pc.addEventListener(type, listener);
    this.listeners.push([type, listener]);
  }

  later(ms, task) {
    const timer = this.session.env.setTimeout(guarded(this.log, 'fabric timer', () => {
      this.timers.delete(timer);
      if (this.live) return task();
      return undefined;
    }), ms);
    this.timers.add(timer);
  }

  /** Stops every listener and timer; nothing more is sent for this pc. */
  stop() {
    this.live = false;
    if (typeof this.pc.removeEventListener === 'function') {
      for (const [type, listener] of this.listeners) this.pc.removeEventListener(type, listener);
    }
    this.listeners = [];
    for (const timer of this.timers) this.session.env.clearTimeout(timer);
    this.timers.clear();
  }

  privacy(value) {
    return this.session.privacy(value);
  }

  // --- states ---------------------------------------------------------

  stateChanged(property) {
    const next = pcState(this.pc, property);
    const prev = this.states[property];
    if (next === prev || typeof next !== 'string') return;
    this.states[property] = next;
    const at = this.session.env.now();
    this.post('events/fabric/statechange', {
      prevState: String(prev === undefined ? '' : prev), newState: next, changedState: property,
    }, { at, label: `${property} ${prev} → ${next}` });
    if (property === 'iceConnectionState') this.iceChanged(prev, next, at);
    if (property === 'iceGatheringState') this.gatheringChanged(next, at);
    if (property === 'signalingState' && next === 'stable') this.sendSdp(at);
    if (next === 'closed') this.session.endFabric(this, at);
  }

  gatheringChanged(state, at) {
    if (state === 'gathering') {
      this.times.gatheringAt = at;
      this.times.gatheredAt = null;
    } else if (state === 'complete') {
      this.times.gatheredAt = at;
    }
  }

  candidateGathered(event) {
    const at = this.session.env.now();
    if (event && event.candidate && this.times.gatheringAt === null) this.times.gatheringAt = at;
    if (event && !event.candidate) this.times.gatheredAt = at;
  }

  iceChanged(prev, next, at) {
    if (next === 'checking') {
      this.times.checkingAt = at;
      if (prev && prev !== 'new') this.iceStatus('iceRestarted', at, { prevState: prev });
    } else if (CONNECTED.includes(next)) {
      this.connected(prev, at);
    } else if (next === 'disconnected' && CONNECTED.includes(prev)) {
      this.times.disruptedAt = at;
      this.iceStatus('iceDisruptionStart', at, { prevState: prev });
      callBack(this.log, this.pcCallback, CS_ERROR.appConnectivityError, 'ICE connection disconnected');
    } else if (next === 'failed') {
      this.failed(prev, at);
    }
  }

  connected(prev, at) {
    if (!this.setupSent) {
      this.setupSent = true;
      this.sendSetup(at);
    } else if (this.times.disruptedAt !== null) {
      this.iceStatus('iceDisruptionEnd', at, { prevState: prev, delay: at - this.times.disruptedAt });
    }
    this.times.disruptedAt = null;
  }

  failed(prev, at) {
    callBack(this.log, this.pcCallback, CS_ERROR.appConnectivityError, 'ICE connection failed');
    if (!this.setupSent) {
      if (this.setupFailedSent) return;
      this.setupFailedSent = true;
      this.post('events/fabric', {
        eventType: 'fabricSetupFailed', reason: 'TransportFailure', delay: Math.max(0, at - this.addedAt),
      }, { at, label: `fabricSetupFailed ${this.connectionID}` });
      return;
    }
    const delay = this.times.disruptedAt === null ? undefined : at - this.times.disruptedAt;
    this.iceStatus('iceFailed', at, { prevState: prev, delay });
  }

  sendSetup(at) {
    const fields = this.snapshot().then((snapshot) => {
      const setup = { eventType: 'fabricSetup', delay: Math.max(0, at - this.addedAt) };
      if (this.times.gatheringAt !== null && this.times.gatheredAt !== null && this.times.gatheredAt <= at) {
        setup.iceGatheringDelay = Math.max(0, this.times.gatheredAt - this.times.gatheringAt);
      }
      if (this.times.checkingAt !== null) setup.iceConnectivityDelay = Math.max(0, at - this.times.checkingAt);
      if (snapshot) Object.assign(setup, this.privacy(candidateLists(snapshot)));
      return setup;
    });
    this.post('events/fabric', fields, { at, label: `fabricSetup ${this.connectionID}` });
  }

  /** events/ice/status with the pair in use before and the one in use now. */
  iceStatus(eventType, at, details) {
    const before = this.selectedPair;
    const fields = this.snapshot().then((snapshot) => {
      const status = { eventType };
      if (before) {
        status.prevIceCandidatePair = this.privacy(before.wire);
        status.prevIceCandidateState = String(before.state || details.prevState || '');
      }
      const now = snapshot && this.selectedPair;
      if (now && (eventType === 'iceDisruptionEnd' || eventType === 'iceRestarted')) {
        status.currIceCandidatePair = this.privacy(now.wire);
        status.currIceCandidateState = String(now.state || '');
      }
      if (details.delay !== undefined) status.delay = Math.max(0, details.delay);
      return status;
    });
    this.post('events/ice/status', fields, { at, label: `${eventType} ${this.connectionID}` });
  }

  // --- SDP --------------------------------------------------------------

  sendSdp(at) {
    const local = this.pc.localDescription && this.pc.localDescription.sdp;
    const remote = this.pc.remoteDescription && this.pc.remoteDescription.sdp;
    const fields = {};
    for (const [key, sdp] of [['localSDP', local], ['remoteSDP', remote]]) {
      if (typeof sdp !== 'string' || sdp === '') continue;
      const text = this.privacy(sdp);
      if (utf8Bytes(text) <= LIMITS.sdpBytes) fields[key] = text;
      else this.log.warn(`${key} of ${this.connectionID} is over ${LIMITS.sdpBytes} bytes and is not sent`);
    }
    const signature = `${fields.localSDP || ''}\n--\n${fields.remoteSDP || ''}`;
    if (Object.keys(fields).length === 0 || signature === this.lastSdp) return;
    this.lastSdp = signature;
    this.post('events/sdp', fields, { at, label: `SDP ${this.connectionID}` });
  }

  // --- stats --------------------------------------------------------------

  /** A getStats() snapshot (null when the browser refused), also watching the selected pair. */
  async snapshot() {
    let reports;
    try {
      const report = await this.pc.getStats();
      reports = [];
      report.forEach((value) => reports.push(value));
    } catch (error) {
      this.log.debug(`getStats() of ${this.connectionID} failed:`, error);
      return null;
    }
    const snapshot = snapshotOf(reports, this.session.env.now());
    this.watchPair(snapshot);
    return snapshot;
  }

  /** Sends a transport change when the selected candidate pair is another one than before. */
  watchPair(snapshot) {
    const pair = selectedPairOf(snapshot);
    const wire = wirePair(pair, snapshot);
    if (!wire) return;
    const before = this.selectedPair;
    this.selectedPair = { id: pair.id, wire, state: pair.state };
    if (!before || before.id === pair.id) return;
    this.post('events/fabric/transportchange', {
      currIceCandidatePair: this.privacy(wire),
      prevIceCandidatePair: this.privacy(before.wire),
      relayType: relayTypeOf(snapshot.byId.get(pair.localCandidateId) || {}),
    }, { at: snapshot.at, label: `transport change ${this.connectionID}` });
  }

  schedulePoll() {
    this.later(this.session.statsIntervalMs, () => this.poll());
  }

  async poll() {
    try {
      if (pcState(this.pc, 'signalingState') === 'closed' || pcState(this.pc, 'connectionState') === 'closed') {
        this.session.endFabric(this, this.session.env.now());
        return;
      }
      await this.refresh(true);
    } finally {
      if (this.live) this.schedulePoll();
    }
  }

  /** Reads the stats; with `submit`, sends them and calls csStatsCallback. Always updates the SSRC map. */
  async refresh(submit) {
    const snapshot = await this.snapshot();
    if (!snapshot || !this.live) return;
    this.discoverSsrcs(snapshot);
    if (!submit) return;
    const stats = this.statsBody(snapshot);
    this.post('stats', { stats: this.privacy(stats) }, {
      kind: 'stats', at: snapshot.at, label: `stats ${this.connectionID}`,
    });
    const callback = this.session.callbacks.stats;
    if (callback) callBack(this.log, callback, this.statsForCallback(snapshot, stats));
  }

  statsBody(snapshot) {
    const selected = selectedPairOf(snapshot);
    const tracks = [];
    for (const type of RTP_TYPES) {
      for (const report of snapshot.of(type)) tracks.push(this.trackReport(report));
    }
    const stats = {
      timestamp: snapshot.at,
      tracks,
      candidatePairs: snapshot.of('candidate-pair').map((pair) => pairReport(pair, snapshot, selected)),
      transports: snapshot.of('transport').map((report) => sanitizeReport(flatReport(report))),
      codecs: snapshot.of('codec').map((report) => sanitizeReport(flatReport(report))),
    };
    let room = LIMITS.statsObjects;
    for (const key of ['tracks', 'candidatePairs', 'transports', 'codecs']) {
      stats[key] = stats[key].slice(0, Math.max(0, room));
      room -= stats[key].length;
    }
    return stats;
  }

  /**
   * An RTP report with `bitrate` (bps) from the byte count since the
   * previous poll; for inbound streams, also notes the loss since then.
   */
  trackReport(report) {
    const copy = sanitizeReport(flatReport(report));
    const inbound = report.type === 'inbound-rtp';
    const bytes = inbound ? report.bytesReceived : report.type === 'outbound-rtp' ? report.bytesSent : undefined;
    if (typeof bytes !== 'number') return copy;
    const previous = this.counters.get(report.id);
    if (previous && report.timestamp > previous.timestamp && bytes >= previous.bytes) {
      copy.bitrate = Math.round(((bytes - previous.bytes) * 8 * 1000) / (report.timestamp - previous.timestamp));
    }
    if (inbound) this.losses.set(report.id, lossSince(previous || { lost: 0, received: 0 }, report));
    this.counters.set(report.id, {
      bytes, timestamp: report.timestamp, lost: report.packetsLost, received: report.packetsReceived,
    });
    return copy;
  }

  /** What csStatsCallback receives: this fabric, its path and one entry per SSRC. */
  statsForCallback(snapshot, stats) {
    const selected = selectedPairOf(snapshot);
    const local = selected && snapshot.byId.get(selected.localCandidateId);
    const remote = selected && snapshot.byId.get(selected.remoteCandidateId);
    const remoteReports = new Map();
    for (const type of ['remote-inbound-rtp', 'remote-outbound-rtp']) {
      for (const report of snapshot.of(type)) remoteReports.set(`${type}:${report.ssrc}`, report);
    }
    const pairRtt = selected && typeof selected.currentRoundTripTime === 'number'
      ? selected.currentRoundTripTime * 1000 : undefined;
    const streams = {};
    for (const track of stats.tracks) {
      if (track.type !== 'inbound-rtp' && track.type !== 'outbound-rtp') continue;
      streams[String(track.ssrc)] = this.streamSummary(track, remoteReports, pairRtt);
    }
    return {
      conferenceID: this.conference.id,
      connectionID: this.connectionID,
      remoteUserID: this.remoteUserID,
      fabricUsage: this.usage,
      timestamp: snapshot.at,
      iceConnectionState: pcState(this.pc, 'iceConnectionState'),
      connectionState: pcState(this.pc, 'connectionState'),
      rtt: pairRtt,
      transport: selected ? {
        localCandidateType: local && local.candidateType,
        remoteCandidateType: remote && remote.candidateType,
        protocol: local && local.protocol,
        relayProtocol: local && local.relayProtocol,
      } : undefined,
      streams,
    };
  }

  streamSummary(track, remoteReports, pairRtt) {
    const inbound = track.type === 'inbound-rtp';
    const override = this.overrides.get(String(track.ssrc));
    const summary = {
      reportType: inbound ? 'inbound' : 'outbound',
      mediaType: track.kind || track.mediaType,
      ssrc: String(track.ssrc),
      bitrate: track.bitrate,
      framesPerSecond: track.framesPerSecond,
      frameWidth: track.frameWidth,
      frameHeight: track.frameHeight,
      userID: override ? override.userID : (inbound ? this.remoteUserID : this.session.localUserID),
      usageLabel: override ? override.usageLabel : undefined,
    };
    if (inbound) {
      const remote = remoteReports.get(`remote-outbound-rtp:${track.ssrc}`);
      Object.assign(summary, {
        packetsReceived: track.packetsReceived,
        packetsLost: track.packetsLost,
        jitter: typeof track.jitter === 'number' ? track.jitter * 1000 : undefined,
        fractionLoss: this.losses.get(track.id),
        rtt: remote && typeof remote.roundTripTime === 'number' ? remote.roundTripTime * 1000 : pairRtt,
      });
    } else {
      const remote = remoteReports.get(`remote-inbound-rtp:${track.ssrc}`) || {};
      Object.assign(summary, {
        packetsSent: track.packetsSent,
        packetsLost: remote.packetsLost,
        jitter: typeof remote.jitter === 'number' ? remote.jitter * 1000 : undefined,
        fractionLoss: remote.fractionLost,
        rtt: typeof remote.roundTripTime === 'number' ? remote.roundTripTime * 1000 : pairRtt,
      });
    }
    return summary;
  }

  // --- SSRC map -------------------------------------------------------------

  /** Maps each SSRC seen in the stats: local ones to localUserID, remote ones to remoteUserID. */
  discoverSsrcs(snapshot) {
    for (const [type, streamType] of [['inbound-rtp', 'inbound'], ['outbound-rtp', 'outbound']]) {
      for (const report of snapshot.of(type)) {
        if (Number.isInteger(report.ssrc)) this.ssrcs.set(String(report.ssrc), { streamType, kind: report.kind });
      }
    }
    const entries = Array.from(this.ssrcs.keys()).sort().map((ssrc) => this.ssrcEntry(ssrc));
    const signature = JSON.stringify(entries);
    if (entries.length === 0 || signature === this.ssrcSignature) return;
    this.ssrcSignature = signature;
    this.post('events/ssrcmap', { ssrcData: entries.slice(0, LIMITS.itemsPerArray) }, {
      at: snapshot.at, label: `SSRC map ${this.connectionID}`,
    });
  }

  ssrcEntry(ssrc) {
    const seen = this.ssrcs.get(ssrc);
    const override = this.overrides.get(ssrc);
    const entry = { ssrc };
    if (seen) {
      entry.streamType = seen.streamType;
      entry.userID = wireUserObject(seen.streamType === 'inbound' ? this.remoteUserID : this.session.localUserID);
      if (seen.kind) entry.label = seen.kind;
    }
    if (override) {
      entry.userID = wireUserObject(override.userID);
      entry.usageLabel = override.usageLabel;
      const tag = videoTagName(override.associatedVideoTag);
      if (tag) entry.associatedVideoTag = tag;
    }
    return entry;
  }

  /** associateMstWithUserID: labels one SSRC and watches its video element. */
  associate(ssrc, userID, usageLabel, associatedVideoTag) {
    this.overrides.set(ssrc, { userID, usageLabel, associatedVideoTag });
    const entry = this.ssrcEntry(ssrc);
    this.post('events/ssrcmap', { ssrcData: [entry] }, { label: `associateMstWithUserID ${ssrc}` });
    if (associatedVideoTag !== undefined && associatedVideoTag !== null) this.watchFirstFrame(ssrc, associatedVideoTag);
  }

  // --- time to first media --------------------------------------------------

  watchFirstFrame(ssrc, tag) {
    if (this.firstFrames.has(ssrc)) return;
    this.firstFrames.add(ssrc);
    const started = this.session.env.now();
    const lookUp = () => {
      const element = typeof tag === 'string' ? this.findElement(tag) : tag;
      if (element) return this.awaitFrame(ssrc, element);
      if (this.session.env.now() - started < TIMING.videoTagLookupMs) {
        this.later(TIMING.videoTagLookupStepMs, lookUp);
      } else {
        this.log.warn(`associatedVideoTag ${JSON.stringify(tag)}: no such element; no time to first media for SSRC ${ssrc}`);
      }
      return undefined;
    };
    lookUp();
  }

  findElement(id) {
    const document = this.session.env.document;
    return document ? document.getElementById(id) : null;
  }

  awaitFrame(ssrc, element) {
    let reported = false;
    const report = guarded(this.log, 'first frame', () => {
      if (reported || !this.live) return;
      reported = true;
      const at = this.session.env.now();
      this.post('events/media/firstframe', { ssrc, delay: Math.max(0, at - this.addedAt) }, {
        at, label: `first frame of SSRC ${ssrc}`,
      });
    });
    if (typeof element.requestVideoFrameCallback === 'function') {
      element.requestVideoFrameCallback(report);
      return;
    }
    const check = () => { if (element.videoWidth > 0) report(); };
    element.addEventListener('loadeddata', check);
    element.addEventListener('playing', check);
    if (element.readyState >= 2) check();
  }
}

/** Fraction of packets lost between two polls of an inbound stream (0 to 1). */
function lossSince(previous, report) {
  const lost = report.packetsLost - previous.lost;
  const received = report.packetsReceived - previous.received;
  if (!(lost >= 0 && received >= 0)) return undefined;
  return lost + received === 0 ? 0 : lost / (lost + received);
}
