// Text, ids and results

/** @import { Env } from './environment.js' */

export const encoder = new TextEncoder();

/** @param {string} text */
export function utf8Bytes(text) {
  return encoder.encode(text).length;
}

/**
 * Characters as the collector counts them: Unicode code points.
 * @param {string} text
 */
export function charCount(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * `text` cut to at most `maxBytes` of UTF-8, never inside a character.
 * @param {string} text
 * @param {number} maxBytes
 * @returns {{ text: string, truncated: boolean }}
 */
export function truncateUtf8(text, maxBytes) {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end -= 1;
  return { text: new TextDecoder().decode(bytes.subarray(0, end)), truncated: true };
}

/**
 * Whether `text` holds half a surrogate pair (it has no UTF-8 form).
 * @param {string} text
 */
export function hasLoneSurrogate(text) {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/**
 * `bytes` random bytes as lowercase hex (Math.random's when there is no WebCrypto).
 * @param {Pick<Env, 'crypto' | 'random'>} env
 * @param {number} bytes
 */
export function randomHex(env, bytes) {
  const array = new Uint8Array(bytes);
  if (env.crypto && typeof env.crypto.getRandomValues === 'function') {
    env.crypto.getRandomValues(array);
  } else {
    for (let i = 0; i < bytes; i += 1) array[i] = Math.floor(env.random() * 256);
  }
  return Array.from(array, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * What every public method answers.
 * @param {'success' | 'error'} status
 * @param {string} msg
 */
export function result(status, msg) {
  return { status, msg };
}

/**
 * Whether `value` is an object that is neither null nor an array.
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * What a thrown value says, for a log line or a callback's message.
 * @param {unknown} error
 * @returns {string}
 */
export function errorText(error) {
  if (error === null || error === undefined) return String(error);
  if (typeof error === 'string') return error;
  const withMessage = /** @type {{ message?: unknown }} */ (error);
  if (typeof withMessage.message === 'string' && withMessage.message) return withMessage.message;
  try {
    return JSON.stringify(error);
  } catch (_) {
    return String(error);
  }
}

/**
 * JSON.stringify(value), or null when it throws (a cycle, a BigInt).
 * @param {unknown} value
 * @returns {string | null}
 */
export function jsonOrNull(value) {
  try {
    return JSON.stringify(value);
  } catch (_) {
    return null;
  }
}

/**
 * JSON.parse(text), or null when `text` is no JSON.
 * @param {string} text
 * @returns {unknown}
 */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (_) {
    return null;
  }
}

/**
 * Whether `value` is a promise (any thenable) rather than the value itself.
 * @template T
 * @param {T | PromiseLike<T>} value
 * @returns {value is PromiseLike<T>}
 */
export function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function')
    && typeof (/** @type {{ then?: unknown }} */ (value)).then === 'function';
}
