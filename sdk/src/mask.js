// Masking IP addresses (configParams.collectIP === false)

import { isPlainObject } from './text.js';

// A dotted quad not followed by more of a dotted number; maskIPv4
// checks what precedes it (no lookbehind: older Safari cannot parse one).
const IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d|\.\d)/g;
// A run of hex digits, colons and dots holding at least two colons: the
// candidates for an IPv6 literal, checked by isIPv6 before masking.
const HEX_COLON_RUN = /[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*/g;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const WORD_CHAR = /\w/;

/** @param {string} text */
function isIPv4(text) {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** @param {string} text */
function isIPv6(text) {
  let head = text;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 (::ffff:192.0.2.1) stands for the last two groups.
    if (!isIPv4(tail)) return false;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = (/** @type {string} */ part) => (part === '' ? [] : part.split(':'));
  if (halves.length === 2) {
    const all = groups(halves[0]).concat(groups(halves[1]));
    return all.length <= 7 && all.every((group) => HEX_GROUP.test(group));
  }
  const all = groups(head);
  return all.length === 8 && all.every((group) => HEX_GROUP.test(group));
}

/**
 * x.x.x.x for an IPv4 literal; a quad inside a longer dotted number (a version) stays.
 * A replacer for String.replace: the match, where it starts, the whole text.
 * @param {string} quad
 * @param {number} offset
 * @param {string} whole
 */
function maskIPv4(quad, offset, whole) {
  const before = whole.slice(Math.max(0, offset - 2), offset);
  const insideNumber = /\d$/.test(before) || /\d\.$/.test(before);
  return !insideNumber && isIPv4(quad) ? 'x.x.x.x' : quad;
}

/**
 * x:x:x:x for a run of HEX_COLON_RUN that is an IPv6 literal (a String.replace replacer, as maskIPv4).
 * @param {string} run
 * @param {number} offset
 * @param {string} whole
 */
function maskIPv6Run(run, offset, whole) {
  // Sentence punctuation after an address is not part of it.
  const trimmed = run.replace(/\.+$/, '').replace(/([^:]):$/, '$1');
  const before = whole.charAt(offset - 1);
  const after = whole.charAt(offset + trimmed.length);
  if ((before && WORD_CHAR.test(before)) || (after && WORD_CHAR.test(after))) return run;
  return isIPv6(trimmed) ? `x:x:x:x${run.slice(trimmed.length)}` : run;
}

/**
 * `text` with every IPv4 literal replaced by `x.x.x.x` and every IPv6
 * literal by `x:x:x:x`. mDNS names (`….local`) are not addresses and stay.
 * @param {string} text
 */
export function maskIPs(text) {
  return text
    .replace(HEX_COLON_RUN, maskIPv6Run)
    .replace(IPV4, maskIPv4);
}

/**
 * A copy of `value` with maskIPs applied to every string inside it, of
 * the same shape (objects are copied as plain objects).
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function maskDeep(value) {
  if (typeof value === 'string') return /** @type {T} */ (maskIPs(value));
  if (Array.isArray(value)) return /** @type {T} */ (value.map(maskDeep));
  if (isPlainObject(value)) {
    /** @type {Record<string, unknown>} */
    const copy = {};
    for (const key of Object.keys(value)) copy[key] = maskDeep(value[key]);
    return /** @type {T} */ (copy);
  }
  return value;
}
