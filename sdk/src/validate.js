// Argument validation: a broken rule throws ArgumentError, which the
// public methods turn into {status: 'error', msg}

import { ENUMS } from './enums.js';
import { LIMITS } from './limits.js';
import { charCount, hasLoneSurrogate, isPlainObject, utf8Bytes } from './text.js';

/** @import { UserID, UserIDObject } from './types.js' */
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
export function checkMaxChars(name, value, max) {
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
export function checkOptionalString(name, value, check) {
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
