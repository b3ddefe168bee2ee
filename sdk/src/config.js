// configParams, checked key by key: the settings the SDK uses, and the
// subset the collector stores

import { LIMITS, TIMING } from './limits.js';
import { isPlainObject } from './text.js';
import { checkMaxBytes, checkMaxChars, checkOptionalString, checkString, describe, fail } from './validate.js';

/** configParams keys the collector stores; the others only steer the SDK. */
export const SERVER_CONFIG_KEYS = [
  'applicationVersion', 'siteID', 'additionalIDs', 'disableBeforeUnloadHandler',
  'disablePrecalltest', 'collectLegacyStats', 'collectIP',
];
export const SDK_CONFIG_KEYS = ['statsInterval', 'collectorURL', 'debug', 'precallTest'];

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
 * @param {string} name
 * @param {unknown} value
 * @returns {asserts value is boolean | undefined}
 */
function checkBoolean(name, value) {
  if (value !== undefined && typeof value !== 'boolean') fail(name, `must be true or false, got ${describe(value)}`);
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
