// Session: everything one initialize() set up

import { Authenticator } from './auth.js';
import { Conference } from './conference.js';
import { CS_ERROR } from './enums.js';
import { callBack, guarded, makeLog } from './environment.js';
import { Fabric } from './fabric/fabric.js';
import { LIMITS } from './limits.js';
import { maskDeep } from './mask.js';
import { PrecallTest } from './precall.js';
import { randomHex, truncateUtf8, utf8Bytes } from './text.js';
import { Transport } from './transport.js';
import { VERSION } from './version.js';

/** @typedef {import('./environment.js').Env} Env */
/** @import { CsCallback, StatsCallback, TokenGenerator, UserID } from './types.js' */
/** @import { CheckedConfig, PrecallOptions, Settings } from './config.js' */

/**
 * What initialize() hands a new session, checked.
 * @typedef {object} SessionInit
 * @property {string} appID
 * @property {UserID} localUserID as the page gave it
 * @property {string} localID the local user's ID on the wire
 * @property {string | TokenGenerator} credential the appSecret or the page's tokenGenerator
 * @property {CsCallback | null | undefined} csInitCallback
 * @property {StatsCallback | null | undefined} csStatsCallback
 * @property {CheckedConfig} config
 */

/** The pre-call test's outcome and when it ended. @typedef {import('./precall.js').PrecallOutcome & {timestamp: number}} PrecallResult */

/**
 * What the collector is told of the endpoint: type ('browser'), name,
 * version, os, osVersion (each when the user agent tells), appVersion.
 * @typedef {Record<string, string | null>} EndpointInfo
 */

/**
 * @param {Navigator | null} navigator
 * @returns {EndpointInfo}
 */
function browserInfo(navigator) {
  /** @type {EndpointInfo} */
  const info = { type: 'browser' };
  const ua = navigator && typeof navigator.userAgent === 'string' ? navigator.userAgent : '';
  /** @type {Array<[string, RegExp]>} */
  const browsers = [
    ['Edge', /Edg\/([\d.]+)/], ['Opera', /OPR\/([\d.]+)/], ['Firefox', /Firefox\/([\d.]+)/],
    ['Chrome', /Chrom(?:e|ium)\/([\d.]+)/], ['Safari', /Version\/([\d.]+).*Safari/],
  ];
  for (const [name, pattern] of browsers) {
    const match = ua.match(pattern);
    if (match) {
      info.name = name;
      info.version = match[1];
      break;
    }
  }
  /** @type {Array<[string, RegExp]>} */
  const systems = [
    ['Android', /Android ([\d.]+)/], ['iOS', /(?:iPhone|iPad|iPod).*OS ([\d_]+)/], ['Windows', /Windows NT ([\d.]+)/],
    ['macOS', /Mac OS X ([\d_.]+)/], ['ChromeOS', /CrOS \S+ ([\d.]+)/], ['Linux', /Linux()/],
  ];
  for (const [os, pattern] of systems) {
    const match = ua.match(pattern);
    if (match) {
      info.os = os;
      if (match[1]) info.osVersion = match[1].replace(/_/g, '.');
      break;
    }
  }
  return info;
}

/**
 * A device id kept for the tab (sessionStorage), so a reload is the same device.
 * @param {Env} env
 * @returns {string}
 */
function deviceIDOf(env) {
  const key = 'callscope.deviceID';
  /** @type {Storage | null} */
  let storage = null;
  try {
    storage = env.sessionStorage();
  } catch (_) { /* storage refused (e.g. blocked for the site): none */ }
  try {
    const kept = storage && storage.getItem(key);
    if (kept) return kept;
  } catch (_) { /* storage refused: a fresh id */ }
  const id = `device-${randomHex(env, 12)}`;
  try {
    if (storage) storage.setItem(key, id);
  } catch (_) { /* storage refused: the id lives as long as the page */ }
  return id;
}

export class Session {
  /**
   * @param {Env} env
   * @param {SessionInit} init
   */
  constructor(env, init) {
    this.env = env;
    this.log = makeLog(env, init.config.settings.debug);
    this.appID = init.appID;
    this.localUserID = init.localUserID;
    this.localID = init.localID;
    /** @type {{init: CsCallback | null | undefined, stats: StatsCallback | null | undefined}} */
    this.callbacks = { init: init.csInitCallback, stats: init.csStatsCallback };
    /** @type {Settings} */
    this.settings = init.config.settings;
    this.serverConfig = init.config.server;
    this.statsIntervalMs = this.settings.statsIntervalMs;
    this.baseURL = this.settings.collectorURL || env.defaultCollector();
    this.deviceID = deviceIDOf(env);
    /** @type {Map<string, Conference>} */
    this.conferences = new Map();
    /** @type {Map<RTCPeerConnection, Fabric>} */
    this.fabrics = new Map();
    /** The pcs whose fabric was terminated, so a call naming one can say so. @type {WeakSet<RTCPeerConnection>} */
    this.ended = new WeakSet();
    this.lanes = 0;
    /** @type {{result: PrecallResult | null} | null} */
    this.precall = null;
    this.unloaded = false;
    /** @type {Array<[string, EventListener]>} */
    this.pageListeners = [];
    this.auth = new Authenticator({
      env, log: this.log, baseURL: this.baseURL, appID: this.appID, localID: this.localID,
      credential: init.credential,
      notify: /** @param {import('./types.js').CsError} csError @param {string} message */ (csError, message) => this.notify(csError, message),
      onRefused: () => this.stopMonitoring(),
    });
    this.transport = new Transport({ env, log: this.log, tokens: this.auth });
  }

  start() {
    this.log.debug(`callstats ${VERSION}: collector ${this.baseURL || '(same origin)'}, device ${this.deviceID}`);
    this.auth.renew().catch(() => { /* reported through csInitCallback */ });
    this.listenToPage();
    if (this.settings.precall && this.env.RTCPeerConnection) this.runPrecall(this.settings.precall);
  }

  nextLane() {
    this.lanes += 1;
    return this.lanes;
  }

  /**
   * Tells the page through csInitCallback.
   * @param {import('./types.js').CsError} csError
   * @param {string} message
   */
  notify(csError, message) {
    this.log.debug(`csInitCallback(${csError}, ${message})`);
    callBack(this.log, this.callbacks.init, csError, message);
  }

  /**
   * @param {string} what the request the collector refused
   * @param {string} message why
   */
  protocolError(what, message) {
    this.notify(CS_ERROR.csProtoError, `${what}: ${message}`);
  }

  /**
   * The header of every post.
   * @param {number} at its timestamp, ms since the epoch
   */
  header(at) {
    return { localID: this.localID, deviceID: this.deviceID, timestamp: at };
  }

  /** @returns {EndpointInfo} */
  endpointInfo() {
    const info = browserInfo(this.env.navigator);
    if (this.settings.applicationVersion !== undefined) info.appVersion = this.settings.applicationVersion;
    for (const key of Object.keys(info)) {
      const value = info[key];
      if (value !== null && utf8Bytes(value) > LIMITS.idBytes) delete info[key];
    }
    return info;
  }

  /**
   * `value`, with IP addresses masked unless configParams.collectIP allows them.
   * @template T
   * @param {T} value
   * @returns {T}
   */
  privacy(value) {
    return this.settings.collectIP ? value : maskDeep(value);
  }

  /**
   * The live conference of `id`, joining it on first use.
   * @param {string} id
   * @returns {Conference}
   */
  conference(id) {
    let conference = this.conferences.get(id);
    if (!conference) {
      conference = new Conference(this, id);
      this.conferences.set(id, conference);
      conference.join();
    }
    return conference;
  }

  /** @param {Conference} conference */
  forgetConference(conference) {
    if (this.conferences.get(conference.id) === conference) this.conferences.delete(conference.id);
  }

  /**
   * @param {RTCPeerConnection} pc
   * @param {string} conferenceID
   * @param {{userID: UserID, wireID: string}} remote the remote user as the page gave it, and its ID on the wire
   * @param {import('./types.js').FabricUsage} usage
   * @param {ReturnType<typeof import('./validate.js').checkFabricAttributes>} attributes
   * @param {CsCallback | null | undefined} pcCallback
   * @returns {Fabric}
   */
  addFabric(pc, conferenceID, remote, usage, attributes, pcCallback) {
    const conference = this.conference(conferenceID);
    const fabric = new Fabric(this, conference, pc, remote, usage, attributes, pcCallback);
    this.fabrics.set(pc, fabric);
    this.ended.delete(pc);
    conference.fabrics.add(fabric);
    fabric.start();
    return fabric;
  }

  /**
   * fabricTerminated: stops monitoring; the conference is left with its last fabric.
   * @param {Fabric} fabric
   * @param {number} at
   * @param {boolean} [urgent] the page is going away
   */
  endFabric(fabric, at, urgent) {
    if (!fabric.live) return;
    fabric.stop();
    fabric.post('events/fabric', { eventType: 'fabricTerminated' }, {
      at, urgent, label: `fabricTerminated ${fabric.connectionID}`,
    });
    this.fabrics.delete(fabric.pc);
    this.ended.add(fabric.pc);
    const conference = fabric.conference;
    conference.fabrics.delete(fabric);
    if (conference.fabrics.size === 0) conference.leave(urgent);
  }

  /** @param {PrecallOptions} options */
  runPrecall(options) {
    const test = new PrecallTest(this.env, options);
    /** @type {{result: PrecallResult | null}} */
    const precall = { result: null };
    this.precall = precall;
    const run = guarded(this.log, 'pre-call test', async () => {
      const outcome = await test.run();
      const at = this.env.now();
      precall.result = Object.assign({ timestamp: at }, outcome);
      this.log.debug(`pre-call test: ${JSON.stringify(precall.result)}`);
      for (const conference of this.conferences.values()) this.postPrecall(conference);
    });
    run();
  }

  /**
   * Posts the pre-call test result once to `conference`, when both exist.
   * @param {Conference} conference
   */
  postPrecall(conference) {
    const result = this.precall && this.precall.result;
    if (!result || conference.precallPosted || !conference.ucID) return;
    conference.precallPosted = true;
    /** @type {Record<string, unknown>} */
    const fields = { connectivity: result.connectivity, duration: result.duration };
    for (const key of /** @type {const} */ (['rtt', 'jitter', 'fractionLoss', 'throughput', 'candidateType'])) {
      const value = result[key];
      if (typeof value === 'number' ? Number.isFinite(value) && value >= 0 : value !== undefined) fields[key] = value;
    }
    if (result.message) fields.message = truncateUtf8(this.privacy(result.message), LIMITS.precallMessageBytes).text;
    conference.post('events/precalltest', fields, { at: result.timestamp, label: 'pre-call test' });
  }

  listenToPage() {
    const target = this.env.window;
    if (!target) return;
    const onLeave = guarded(this.log, 'page unload', () => this.pageLeaving());
    const onOnline = guarded(this.log, 'online', () => this.transport.wake());
    /** @type {Array<[string, EventListener]>} */
    const listeners = [['pagehide', onLeave], ['beforeunload', onLeave], ['online', onOnline]];
    for (const [type, listener] of listeners) {
      target.addEventListener(type, listener);
      this.pageListeners.push([type, listener]);
    }
  }

  /** The page is going away: terminate every fabric (unless disabled) and send what is queued by beacon. */
  pageLeaving() {
    if (this.unloaded) return;
    this.unloaded = true;
    const at = this.env.now();
    if (this.settings.beforeUnload) {
      for (const fabric of Array.from(this.fabrics.values())) this.endFabric(fabric, at, true);
      for (const conference of Array.from(this.conferences.values())) conference.leave(true);
    }
    const sent = this.transport.flushByBeacon();
    this.log.debug(`page unload: ${sent} requests sent by beacon, ${this.transport.pending()} left`);
  }

  /** Stops every fabric's polling and every alive timer: nothing more is sent from them. */
  stopMonitoring() {
    for (const fabric of Array.from(this.fabrics.values())) fabric.stop();
    for (const conference of this.conferences.values()) conference.stopAlive();
  }

  /** Ends this session's monitoring (initialize was called again); queued requests still drain. */
  close() {
    this.stopMonitoring();
    const target = this.env.window;
    for (const [type, listener] of this.pageListeners) if (target) target.removeEventListener(type, listener);
    this.pageListeners = [];
    this.auth.close();
  }
}
