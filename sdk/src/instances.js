// What each callstats instance holds (its session), and how its API calls
// run: a broken rule becomes {status: 'error'}, nothing throws

import { callBack, defaultEnvironment, makeLog } from './environment.js';
import { errorText, result } from './text.js';
import { ArgumentError, fail } from './validate.js';

/**
 * @import { Env } from './environment.js'
 * @import { Session } from './session.js'
 * @import { APIResult, CsCallback, TokenGenerator } from './types.js'
 */

/**
 * What one callstats instance holds: its session (null before initialize()),
 * the environment tests put in its place, and what its last initialize() was
 * given, so that the same call again keeps the session.
 * @typedef {object} InstanceState
 * @property {Session | null} session
 * @property {Partial<Env> | null} environment
 * @property {string | null | undefined} signature
 * @property {string | TokenGenerator} [credential]
 */

/** @type {WeakMap<object, InstanceState>} */
const instances = new WeakMap();

/**
 * @param {object} instance
 * @returns {InstanceState}
 */
export function stateOf(instance) {
  let state = instances.get(instance);
  if (!state) {
    state = { session: null, environment: null, signature: null };
    instances.set(instance, state);
  }
  return state;
}

/**
 * @param {object} instance
 * @returns {Session}
 */
export function sessionOf(instance) {
  const session = stateOf(instance).session;
  if (!session) throw new ArgumentError('callstats is not initialized: call initialize() first');
  return session;
}

/**
 * Refuses a call once initialize() failed (authentication refused, or no
 * token): nothing can be sent until initialize() is called again. The call
 * answers error, and its `callback`, if any, gets the failure (csError and
 * message, as csInitCallback did) asynchronously, as callbacks report.
 * @param {Session} session
 * @param {CsCallback | null} [callback]
 */
export function checkInitializeSucceeded(session, callback) {
  const refused = session.auth.refused;
  if (!refused) return;
  if (typeof callback === 'function') {
    Promise.resolve().then(() => callBack(session.log, callback, refused.csError, refused.message));
  }
  throw new ArgumentError(`initialize() failed (${refused.csError}: ${refused.message}); call initialize() again`);
}

/**
 * Runs an API call of `instance`: a broken rule or anything unexpected becomes {status: 'error'}; nothing throws.
 * @param {object} instance
 * @param {() => string} fn the call; returns the message of its success
 * @returns {APIResult}
 */
export function apiCall(instance, fn) {
  try {
    return result('success', fn());
  } catch (error) {
    if (error instanceof ArgumentError) return result('error', error.message);
    try {
      const session = stateOf(instance).session;
      (session ? session.log : makeLog(defaultEnvironment(), false)).warn('internal error:', error);
    } catch (_) { /* no console */ }
    return result('error', `internal error: ${errorText(error)}`);
  }
}

/**
 * The live fabric of `pc` in `conferenceID`, or the reason there is none.
 * @param {Session} session
 * @param {RTCPeerConnection} pc
 * @param {string} conferenceID
 * @param {string} name the argument that named `pc`
 */
export function fabricOf(session, pc, conferenceID, name) {
  const fabric = session.fabrics.get(pc);
  if (!fabric) {
    if (session.ended.has(pc)) fail(name, 'its monitoring ended (fabricTerminated); call addNewFabric() for a new one');
    fail(name, 'is not monitored: call addNewFabric() with it first');
  }
  if (fabric.conference.id !== conferenceID) {
    fail('conferenceID', `${JSON.stringify(conferenceID)} is not the conference the pcObject was added to (${JSON.stringify(fabric.conference.id)})`);
  }
  return fabric;
}

/**
 * Replaces parts of the environment (fetch, clock, timers, window, ...) of `instance`; before initialize.
 * @param {object} instance
 * @param {Partial<Env>} overrides
 */
export function setEnvironment(instance, overrides) {
  stateOf(instance).environment = overrides;
}

/**
 * The session of `instance`, or null before initialize().
 * @param {object} instance
 */
export function sessionOfInstance(instance) {
  return stateOf(instance).session;
}
