// A fabric's connection states: every change is reported, and the ICE
// milestones become fabricSetup (or fabricSetupFailed), disruptions, restarts
// and failures, with the candidate pairs of the stats.

import { CS_ERROR } from '../enums.js';
import { callBack } from '../environment.js';
import { candidateLists } from '../getstats.js';

/** @typedef {'signalingState' | 'iceConnectionState' | 'iceGatheringState' | 'connectionState'} StateProperty */

/** @type {Array<[string, StateProperty]>} */
const STATE_PROPERTIES = [
  ['signalingstatechange', 'signalingState'],
  ['iceconnectionstatechange', 'iceConnectionState'],
  ['icegatheringstatechange', 'iceGatheringState'],
  ['connectionstatechange', 'connectionState'],
];
/** @type {Array<string | undefined>} */
const CONNECTED = ['connected', 'completed'];

// callstats.io's integration guide tells SDKs that wrap the pc to pass a
// "fake peerconnection" offering these spellings instead of the standard ones.
/** @type {Readonly<Partial<Record<StateProperty, string>>>} */
const GUIDE_SPELLINGS = Object.freeze({
  signalingState: 'signallingstate',
  iceGatheringState: 'icegatheringstate',
  iceConnectionState: 'iceconnectionstate',
});

/**
 * A state of `pc` by its standard name, else by the guide's spelling (so such a wrapper is monitored too).
 * @param {RTCPeerConnection} pc
 * @param {StateProperty} property
 * @returns {string | undefined} undefined when the pc has no such state
 */
export function pcState(pc, property) {
  const states = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (pc));
  const spelling = GUIDE_SPELLINGS[property];
  const state = typeof states[property] === 'string' || !spelling ? states[property] : states[spelling];
  return typeof state === 'string' ? state : undefined;
}

export class ConnectionStates {
  /** @param {import('./fabric.js').Fabric} fabric */
  constructor(fabric) {
    this.fabric = fabric;
    /** @type {Partial<Record<StateProperty, string>>} the states last seen */
    this.states = {};
    for (const [, property] of STATE_PROPERTIES) this.states[property] = pcState(fabric.pc, property);
    /** @type {Record<'gatheringAt' | 'gatheredAt' | 'checkingAt' | 'disruptedAt', number | null>} */
    this.times = { gatheringAt: null, gatheredAt: null, checkingAt: null, disruptedAt: null };
    this.setupSent = false;
    this.setupFailedSent = false;
  }

  listen() {
    for (const [type, property] of STATE_PROPERTIES) this.fabric.listen(type, () => this.changed(property));
    this.fabric.listen('icecandidate', (event) => this.candidateGathered(/** @type {RTCPeerConnectionIceEvent} */ (event)));
  }

  /** What happened before the pc was added: it may be connected, or negotiated, already. */
  catchUp() {
    const fabric = this.fabric;
    const ice = this.states.iceConnectionState;
    if (ice && CONNECTED.includes(ice)) this.iceChanged('new', ice, fabric.addedAt);
    if (this.states.signalingState === 'stable') fabric.sdp.send(fabric.addedAt);
  }

  /** @param {StateProperty} property */
  changed(property) {
    const fabric = this.fabric;
    const next = pcState(fabric.pc, property);
    const prev = this.states[property];
    if (next === prev || typeof next !== 'string') return;
    this.states[property] = next;
    const at = fabric.session.env.now();
    fabric.post('events/fabric/statechange', {
      prevState: String(prev === undefined ? '' : prev), newState: next, changedState: property,
    }, { at, label: `${property} ${prev} → ${next}` });
    if (property === 'iceConnectionState') this.iceChanged(prev, next, at);
    if (property === 'iceGatheringState') this.gatheringChanged(next, at);
    if (property === 'signalingState' && next === 'stable') fabric.sdp.send(at);
    if (next === 'closed') fabric.session.endFabric(fabric, at);
  }

  /**
   * @param {string} state
   * @param {number} at
   */
  gatheringChanged(state, at) {
    if (state === 'gathering') {
      this.times.gatheringAt = at;
      this.times.gatheredAt = null;
    } else if (state === 'complete') {
      this.times.gatheredAt = at;
    }
  }

  /** @param {RTCPeerConnectionIceEvent | undefined} event */
  candidateGathered(event) {
    const at = this.fabric.session.env.now();
    if (event && event.candidate && this.times.gatheringAt === null) this.times.gatheringAt = at;
    if (event && !event.candidate) this.times.gatheredAt = at;
  }

  /**
   * @param {string | undefined} prev
   * @param {string} next
   * @param {number} at
   */
  iceChanged(prev, next, at) {
    if (next === 'checking') {
      this.times.checkingAt = at;
      if (prev && prev !== 'new') this.iceStatus('iceRestarted', at, { prevState: prev });
    } else if (CONNECTED.includes(next)) {
      this.connected(prev, at);
    } else if (next === 'disconnected' && CONNECTED.includes(prev)) {
      this.times.disruptedAt = at;
      this.iceStatus('iceDisruptionStart', at, { prevState: prev });
      callBack(this.fabric.log, this.fabric.pcCallback, CS_ERROR.appConnectivityError, 'ICE connection disconnected');
    } else if (next === 'failed') {
      this.failed(prev, at);
    }
  }

  /**
   * @param {string | undefined} prev
   * @param {number} at
   */
  connected(prev, at) {
    if (!this.setupSent) {
      this.setupSent = true;
      this.sendSetup(at);
    } else if (this.times.disruptedAt !== null) {
      this.iceStatus('iceDisruptionEnd', at, { prevState: prev, delay: at - this.times.disruptedAt });
    }
    this.times.disruptedAt = null;
  }

  /**
   * @param {string | undefined} prev
   * @param {number} at
   */
  failed(prev, at) {
    const fabric = this.fabric;
    callBack(fabric.log, fabric.pcCallback, CS_ERROR.appConnectivityError, 'ICE connection failed');
    if (!this.setupSent) {
      if (this.setupFailedSent) return;
      this.setupFailedSent = true;
      fabric.post('events/fabric', {
        eventType: 'fabricSetupFailed', reason: 'TransportFailure', delay: Math.max(0, at - fabric.addedAt),
      }, { at, label: `fabricSetupFailed ${fabric.connectionID}` });
      return;
    }
    const delay = this.times.disruptedAt === null ? undefined : at - this.times.disruptedAt;
    this.iceStatus('iceFailed', at, { prevState: prev, delay });
  }

  /** @param {number} at when ICE connected */
  sendSetup(at) {
    const fabric = this.fabric;
    const fields = fabric.stats.snapshot().then((snapshot) => {
      /** @type {Record<string, unknown>} */
      const setup = { eventType: 'fabricSetup', delay: Math.max(0, at - fabric.addedAt) };
      if (this.times.gatheringAt !== null && this.times.gatheredAt !== null && this.times.gatheredAt <= at) {
        setup.iceGatheringDelay = Math.max(0, this.times.gatheredAt - this.times.gatheringAt);
      }
      if (this.times.checkingAt !== null) setup.iceConnectivityDelay = Math.max(0, at - this.times.checkingAt);
      if (snapshot) Object.assign(setup, fabric.privacy(candidateLists(snapshot)));
      return setup;
    });
    fabric.post('events/fabric', fields, { at, label: `fabricSetup ${fabric.connectionID}` });
  }

  /**
   * events/ice/status with the pair in use before and the one in use now.
   * @param {'iceRestarted' | 'iceDisruptionStart' | 'iceDisruptionEnd' | 'iceFailed'} eventType
   * @param {number} at
   * @param {{ prevState?: string, delay?: number }} details
   */
  iceStatus(eventType, at, details) {
    const fabric = this.fabric;
    const before = fabric.stats.selectedPair;
    const fields = fabric.stats.snapshot().then((snapshot) => {
      /** @type {Record<string, unknown>} */
      const status = { eventType };
      if (before) {
        status.prevIceCandidatePair = fabric.privacy(before.wire);
        status.prevIceCandidateState = String(before.state || details.prevState || '');
      }
      const now = snapshot && fabric.stats.selectedPair;
      if (now && (eventType === 'iceDisruptionEnd' || eventType === 'iceRestarted')) {
        status.currIceCandidatePair = fabric.privacy(now.wire);
        status.currIceCandidateState = String(now.state || '');
      }
      if (details.delay !== undefined) status.delay = Math.max(0, details.delay);
      return status;
    });
    fabric.post('events/ice/status', fields, { at, label: `${eventType} ${fabric.connectionID}` });
  }
}
