// Argument validation: a broken rule throws ArgumentError, which the
// public methods turn into {status: 'error', msg}

import { ENUMS, SDK_CONFIG_KEYS, SERVER_CONFIG_KEYS } from './enums.js';
import { LIMITS, TIMING } from './limits.js';
import { charCount, hasLoneSurrogate, isPlainObject, utf8Bytes } from './text.js';

/** @import { UserID, UserIDObject } from './types.js' */
/** configParams.precallTest. @typedef {{ iceServers?: RTCIceServer[] }} PrecallOptions */
/**
 * What the SDK itself takes from configParams.
 * @typedef {object} Settings
 * @property {number} statsIntervalMs
 * @property {string | null} collectorURL null: the default collector
 * @property {boolean} debug
 * @property {boolean} collectIP
 * @property {boolean} beforeUnload whether the page's unload terminates the fabrics
 * @property {PrecallOptions | null} precall null: no pre-call test
 * @property {string | null | undefined} applicationVersion
 */
/**
 * configParams checked: the SDK's settings, the keys the collector
 * stores, and the unknown keys (ignored).
 * @typedef {{ settings: Settings, server: Record<string, unknown>, unknown: string[] }} CheckedConfig
 */
/**
 * fabricAttributes with their defaults filled in.
 * @typedef {Record<string, unknown> & { remoteEndpointType: string, fabricTransmissionDirection: string }} CheckedFabricAttributes
 */
/**
 * An associatedVideoTag: the id of a <video> element, or the element.
 * @typedef {string | HTMLVideoElement} VideoTag
 */

export class ArgumentError extends Error {}

/**
 * `value` in a few words, for an error message.
 * @param {unknown} value
 * @returns {string}
 */
export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'string': return 'a string';
    case 'number': return `the number ${value}`;
    case 'boolean': return `${value}`;
    case 'function': return 'a function';
    default: return 'an object';
  }
}

/**
 * @param {string} name the argument
 * @param {string} rule what it broke
 * @returns {never}
 */
export function fail(name, rule) {
  throw new ArgumentError(`${name}: ${rule}`);
}

/**
 * @param {string} name
 * @param {unknown} value
 * @returns {asserts value is string}
 */
export function checkString(name, value) {
  if (typeof value !== 'string') fail(name, `must be a string, got ${describe(value)}`);
  if (hasLoneSurrogate(value)) fail(name, 'must be valid Unicode text (it holds a lone surrogate)');
}

/**
 * @param {string} name
 * @param {string} value
 * @param {number} max
 */
export function checkMaxBytes(name, value, max) {
  const bytes = utf8Bytes(value);
  if (bytes > max) fail(name, `must be at most ${max} bytes of UTF-8, got ${bytes} bytes`);
}

/**
 * @param {string} name
 * @param {string} value
 * @param {number} max
 */
function checkMaxChars(name, value, max) {
  const count = charCount(value);
  if (count > max) fail(name, `must be at most ${max} characters, got ${count}`);
}

/**
 * A required identifier: a non-empty string of at most `maxBytes`.
 * @param {string} name
 * @param {unknown} value
 * @param {number} maxBytes
 * @returns {asserts value is string}
 */
export function checkIdentifier(name, value, maxBytes) {
  checkString(name, value);
  if (value === '') fail(name, 'must not be empty');
  checkMaxBytes(name, value, maxBytes);
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {(name: string, text: string) => void} check
 * @returns {asserts value is string | null | undefined}
 */
function checkOptionalString(name, value, check) {
  if (value === undefined || value === null) return;
  checkString(name, value);
  check(name, value);
}

/**
 * A userID: a string of at most 256 bytes, or {userName, aliasName,
 * loginID?} with each field at most 128 characters. Returns the ID as it
 * travels in localID/remoteID: the string, or the object's aliasName.
 * @param {string} name
 * @param {unknown} value
 * @returns {string}
 */
export function checkUserID(name, value) {
  if (typeof value === 'string') {
    checkIdentifier(name, value, LIMITS.idBytes);
    return value;
  }
  if (!isPlainObject(value)) {
    fail(name, `must be a string or an object {userName, aliasName, loginID?}, got ${describe(value)}`);
  }
  checkString(`${name}.userName`, value.userName);
  checkMaxChars(`${name}.userName`, value.userName, LIMITS.userFieldChars);
  checkString(`${name}.aliasName`, value.aliasName);
  if (value.aliasName === '') fail(`${name}.aliasName`, 'must not be empty');
  checkMaxChars(`${name}.aliasName`, value.aliasName, LIMITS.userFieldChars);
  // The alias is the wire ID, which has the byte limit of every ID.
  checkMaxBytes(`${name}.aliasName`, value.aliasName, LIMITS.idBytes);
  checkOptionalString(`${name}.loginID`, value.loginID,
    (field, text) => checkMaxChars(field, text, LIMITS.userFieldChars));
  return value.aliasName;
}

/**
 * The userID object as the collector takes it (only its three fields).
 * @param {UserID} userID
 * @returns {UserID}
 */
export function wireUserObject(userID) {
  if (typeof userID === 'string') return userID;
  /** @type {UserIDObject} */
  const object = { userName: userID.userName, aliasName: userID.aliasName };
  if (typeof userID.loginID === 'string') object.loginID = userID.loginID;
  return object;
}

/**
 * @template {Readonly<Record<string, string>>} E
 * @param {string} name
 * @param {unknown} value
 * @param {E} values
 * @returns {asserts value is E[keyof E]}
 */
export function checkEnum(name, value, values) {
  /** @type {unknown[]} */
  const valid = Object.values(values);
  if (!valid.includes(value)) {
    const given = typeof value === 'string' ? JSON.stringify(value) : describe(value);
    fail(name, `must be one of ${valid.join(', ')}, got ${given}`);
  }
}

/**
 * An optional callback: a function, null or undefined.
 * @param {string} name
 * @param {unknown} value
 * @returns {asserts value is ((...args: never[]) => unknown) | null | undefined}
 */
export function checkCallback(name, value) {
  if (value !== undefined && value !== null && typeof value !== 'function') {
    fail(name, `must be a function, got ${describe(value)}`);
  }
}

/**
 * @param {string} name
 * @param {unknown} pc
 * @returns {asserts pc is RTCPeerConnection}
 */
export function checkPeerConnection(name, pc) {
  const usable = pc !== null && typeof pc === 'object'
    && typeof (/** @type {{ getStats?: unknown }} */ (pc)).getStats === 'function'
    && typeof (/** @type {{ addEventListener?: unknown }} */ (pc)).addEventListener === 'function';
  if (!usable) fail(name, `must be an RTCPeerConnection, got ${describe(pc)}`);
}

/**
 * The bytes of `value` as JSON, or -1 when it cannot be serialised.
 * @param {unknown} value
 */
function jsonBytes(value) {
  try {
    return utf8Bytes(JSON.stringify(value));
  } catch (error) {
    return -1;
  }
}

/**
 * A free-form object kept as sent: JSON-serialisable, at most 64 KiB.
 * @param {string} name
 * @param {unknown} value
 * @returns {asserts value is Record<string, unknown>}
 */
export function checkJsonObject(name, value) {
  if (!isPlainObject(value)) fail(name, `must be an object, got ${describe(value)}`);
  const bytes = jsonBytes(value);
  if (bytes < 0) fail(name, 'must be serialisable as JSON (no cycles, no BigInt)');
  if (bytes > LIMITS.objectJsonBytes) {
    fail(name, `must be at most ${LIMITS.objectJsonBytes} bytes of JSON, got ${bytes} bytes`);
  }
}

/**
 * @param {string} name
 * @param {unknown} value
 * @returns {asserts value is boolean | undefined}
 */
function checkBoolean(name, value) {
  if (value !== undefined && typeof value !== 'boolean') fail(name, `must be true or false, got ${describe(value)}`);
}

/**
 * The AppID: a non-empty string (or a number) without '@'.
 * @param {unknown} value
 * @returns {string}
 */
export function checkAppID(value) {
  const appID = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  checkIdentifier('appID', appID, LIMITS.idBytes);
  if (appID.includes('@')) fail('appID', "must not contain '@'");
  return appID;
}

/**
 * @param {string} name
 * @param {unknown} value
 * @returns {string} the URL without a trailing slash, query or fragment
 */
function checkCollectorURL(name, value) {
  checkString(name, value);
  let url;
  try {
    url = new URL(value);
  } catch (_) {
    fail(name, `must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(name, `must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * @param {string} name
 * @param {unknown} value
 */
function checkAdditionalIDs(name, value) {
  if (!isPlainObject(value)) fail(name, `must be an object of strings, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    checkMaxBytes(`${name} key ${JSON.stringify(key)}`, key, LIMITS.idBytes);
    checkString(`${name}.${key}`, value[key]);
    checkMaxBytes(`${name}.${key}`, value[key], LIMITS.idBytes);
  }
}

/**
 * @param {string} name
 * @param {unknown} value
 * @returns {asserts value is PrecallOptions}
 */
function checkPrecallOptions(name, value) {
  if (!isPlainObject(value)) fail(name, `must be an object {iceServers?}, got ${describe(value)}`);
  if (value.iceServers !== undefined && !Array.isArray(value.iceServers)) {
    fail(`${name}.iceServers`, `must be an array of RTCIceServer, got ${describe(value.iceServers)}`);
  }
}

/**
 * configParams, checked key by key. Returns the settings the SDK uses,
 * the subset the collector stores, and the unknown keys (ignored).
 * @param {unknown} config
 * @returns {CheckedConfig}
 */
export function checkConfigParams(config) {
  if (config === undefined || config === null) config = {};
  if (!isPlainObject(config)) fail('configParams', `must be an object, got ${describe(config)}`);
  for (const key of ['disableBeforeUnloadHandler', 'disablePrecalltest', 'collectLegacyStats', 'collectIP', 'debug']) {
    checkBoolean(`configParams.${key}`, config[key]);
  }
  checkOptionalString('configParams.applicationVersion', config.applicationVersion,
    (field, text) => checkMaxChars(field, text, LIMITS.applicationVersionChars));
  checkOptionalString('configParams.siteID', config.siteID,
    (field, text) => checkMaxBytes(field, text, LIMITS.idBytes));
  if (config.additionalIDs !== undefined) checkAdditionalIDs('configParams.additionalIDs', config.additionalIDs);
  const interval = config.statsInterval === undefined ? TIMING.statsIntervalMs : config.statsInterval;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < TIMING.minStatsIntervalMs) {
    fail('configParams.statsInterval',
      `must be a number of milliseconds of at least ${TIMING.minStatsIntervalMs}, got ${describe(interval)}`);
  }
  const collectorURL = config.collectorURL === undefined
    ? null
    : checkCollectorURL('configParams.collectorURL', config.collectorURL);
  if (config.precallTest !== undefined) checkPrecallOptions('configParams.precallTest', config.precallTest);

  /** @type {Record<string, unknown>} */
  const server = {};
  for (const key of SERVER_CONFIG_KEYS) {
    if (config[key] !== undefined) server[key] = config[key];
  }
  const known = SERVER_CONFIG_KEYS.concat(SDK_CONFIG_KEYS);
  return {
    settings: {
      statsIntervalMs: interval,
      collectorURL,
      debug: config.debug === true,
      collectIP: config.collectIP !== false,
      beforeUnload: config.disableBeforeUnloadHandler !== true,
      precall: config.disablePrecalltest === true ? null : (config.precallTest || {}),
      applicationVersion: config.applicationVersion,
    },
    server,
    unknown: Object.keys(config).filter((key) => !known.includes(key)),
  };
}

/**
 * fabricAttributes with the documented defaults filled in.
 * @param {unknown} value
 * @returns {CheckedFabricAttributes}
 */
export function checkFabricAttributes(value) {
  if (value === undefined || value === null) value = {};
  checkJsonObject('fabricAttributes', value);
  const attributes = Object.assign({}, value);
  if (attributes.remoteEndpointType === undefined) attributes.remoteEndpointType = ENUMS.endpointType.peer;
  if (attributes.fabricTransmissionDirection === undefined) {
    attributes.fabricTransmissionDirection = ENUMS.transmissionDirection.sendrecv;
  }
  checkEnum('fabricAttributes.remoteEndpointType', attributes.remoteEndpointType, ENUMS.endpointType);
  checkEnum('fabricAttributes.fabricTransmissionDirection', attributes.fabricTransmissionDirection,
    ENUMS.transmissionDirection);
  // Both attributes are narrowed by checkEnum above; the object's type does not follow them.
  return /** @type {CheckedFabricAttributes} */ (attributes);
}

/**
 * An SSRC as given (number or decimal string) → its decimal string.
 * @param {string} name
 * @param {unknown} value
 * @returns {string}
 */
export function checkSsrc(name, value) {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    fail(name, `must be an unsigned 32-bit number or its decimal string, got ${describe(value)}`);
  }
  return String(Number(text));
}

/**
 * A rating: an integer from 1 to 5, or none (undefined) when not `required`.
 * @param {string} name
 * @param {unknown} value
 * @param {boolean} required
 * @returns {number | undefined}
 */
export function checkRating(name, value, required) {
  if (value === undefined || value === null) {
    if (required) fail(name, 'is required: an integer from 1 to 5');
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) {
    fail(name, `must be an integer from 1 to 5, got ${describe(value)}`);
  }
  return value;
}

/**
 * An SDP argument: undefined (take it from the pc), null (none), text or a description.
 * @param {string} name
 * @param {unknown} value
 * @returns {string | null | undefined}
 */
export function checkSdp(name, value) {
  if (value === undefined || value === null) return value;
  const text = typeof value === 'string' ? value : (isPlainObjectLike(value) ? value.sdp : undefined);
  if (typeof text !== 'string') {
    fail(name, `must be an SDP string, an RTCSessionDescription or null, got ${describe(value)}`);
  }
  checkMaxBytes(name, text, LIMITS.sdpBytes);
  return text;
}

/**
 * Whether `value` is an object (arrays too) whose properties can be read.
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObjectLike(value) {
  return value !== null && typeof value === 'object';
}

/**
 * The element id a video tag names, if any.
 * @param {VideoTag | null | undefined} tag
 * @returns {string | undefined}
 */
export function videoTagName(tag) {
  if (typeof tag === 'string') return tag;
  return tag && typeof tag.id === 'string' && tag.id ? tag.id : undefined;
}

/**
 * @param {string} name
 * @param {unknown} tag
 * @returns {asserts tag is VideoTag | null | undefined}
 */
export function checkVideoTag(name, tag) {
  if (tag === undefined || tag === null) return;
  if (typeof tag === 'string') {
    checkString(name, tag);
    checkMaxBytes(name, tag, LIMITS.idBytes);
    return;
  }
  if (typeof tag !== 'object' || typeof (/** @type {{ addEventListener?: unknown }} */ (tag)).addEventListener !== 'function') {
    fail(name, `must be the id of a <video> element or the element, got ${describe(tag)}`);
  }
}
