// What the application hands to reportError and sendFabricEvent, made
// into what the collector takes

import { LIMITS } from './limits.js';
import { truncateUtf8, utf8Bytes } from './text.js';

/**
 * @import { Session } from './session.js'
 * @import { FabricEventData } from './types.js'
 */

/**
 * The domError of reportError as a JSON object: an Error's own fields
 * (name, message, ...) are not enumerable, so they are read by name.
 * @param {unknown} domError
 * @returns {Record<string, unknown> | null}
 */
export function errorFields(domError) {
  if (domError === undefined || domError === null) return null;
  if (typeof domError !== 'object') return { message: String(domError) };
  const fields = /** @type {Record<string, unknown>} */ (domError);
  /** @type {Record<string, unknown>} */
  const object = {};
  for (const key of ['name', 'message', 'code', 'constraint', 'stack']) {
    const value = fields[key];
    if (value !== undefined && value !== null && typeof value !== 'object' && typeof value !== 'function') object[key] = value;
  }
  for (const key of Object.keys(domError)) {
    if (key in object) continue;
    try {
      const value = JSON.parse(JSON.stringify(fields[key]));
      if (value !== undefined) object[key] = value;
    } catch (_) { /* not JSON: left out */ }
  }
  return object;
}

/**
 * eventData with its deviceList (MediaDeviceInfo objects, or objects named
 * as the collector names them) turned into the collector's mediaDeviceList.
 * @param {FabricEventData} eventData
 * @returns {Record<string, unknown>}
 */
export function deviceList(eventData) {
  if (!eventData || !Array.isArray(eventData.deviceList)) return eventData;
  const devices = /** @type {Array<{ [field: string]: unknown } | null | undefined>} */ (eventData.deviceList);
  const mediaDeviceList = devices.map((device) => ({
    mediaDeviceID: String((device && (device.deviceId || device.mediaDeviceID)) || ''),
    kind: device && device.kind,
    label: device && device.label,
    groupID: device && (device.groupId || device.groupID),
  }));
  const rest = Object.assign({}, eventData);
  delete rest.deviceList;
  return Object.assign(rest, { mediaDeviceList });
}

/**
 * The fields of an applicationLog: its text, cut to 20 KB with a warning.
 * @param {Session} session
 * @param {unknown} domError
 * @returns {{ message?: string }}
 */
export function logFields(session, domError) {
  if (domError === undefined || domError === null) return {};
  const text = typeof domError === 'string' ? domError : JSON.stringify(errorFields(domError), null, 2);
  const cut = truncateUtf8(session.privacy(text), LIMITS.applicationLogBytes);
  if (cut.truncated) {
    session.log.warn(`reportError: the application log is ${utf8Bytes(text)} bytes; only the first ${LIMITS.applicationLogBytes} are sent`);
  }
  return { message: cut.text };
}
