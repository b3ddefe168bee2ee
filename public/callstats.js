/*!
 * callstats.js 3.30.0-callscope.1 for callscope: the callstats.js API, monitoring WebRTC calls and
 * reporting them to a self-hosted callscope collector.
 * Built from sdk/src by scripts/build-sdk.mjs: do not edit; change sdk/src, then run `make sdk`.
 */
"use strict";
(() => {
  var __defProp = Object.defineProperty;
  var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
  var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);

  // sdk/src/limits.js
  var LIMITS = Object.freeze({
    idBytes: 256,
    userFieldChars: 128,
    usageLabelBytes: 20,
    applicationVersionChars: 30,
    applicationLogBytes: 20 * 1024,
    sdpBytes: 256 * 1024,
    objectJsonBytes: 64 * 1024,
    commentBytes: 8 * 1024,
    precallMessageBytes: 1024,
    itemsPerArray: 1e3,
    statsObjects: 2e3
  });
  var TIMING = Object.freeze({
    statsIntervalMs: 1e4,
    minStatsIntervalMs: 1e3,
    aliveIntervalMs: 1e4,
    requestTimeoutMs: 1e4,
    backoffStartMs: 500,
    backoffCapMs: 15e3,
    // The longest Retry-After honoured, so a wrong header cannot park the queue for good.
    retryAfterCapMs: 60 * 60 * 1e3,
    jwtLifetimeSeconds: 300,
    // Re-authenticate this long before the access token expires.
    tokenRefreshMarginMs: 5 * 60 * 1e3,
    // How long an associatedVideoTag given by id is looked for in the page.
    videoTagLookupMs: 6e4,
    videoTagLookupStepMs: 250
  });
  var QUEUE = Object.freeze({ statsCap: 500, hardCap: 2e4 });

  // sdk/src/text.js
  var encoder = new TextEncoder();
  function utf8Bytes(text) {
    return encoder.encode(text).length;
  }
  function charCount(text) {
    let count = 0;
    for (const _ of text) count += 1;
    return count;
  }
  function truncateUtf8(text, maxBytes) {
    const bytes = encoder.encode(text);
    if (bytes.length <= maxBytes) return { text, truncated: false };
    let end = maxBytes;
    while (end > 0 && (bytes[end] & 192) === 128) end -= 1;
    return { text: new TextDecoder().decode(bytes.subarray(0, end)), truncated: true };
  }
  function hasLoneSurrogate(text) {
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code >= 55296 && code <= 56319) {
        const next = text.charCodeAt(i + 1);
        if (!(next >= 56320 && next <= 57343)) return true;
        i += 1;
      } else if (code >= 56320 && code <= 57343) {
        return true;
      }
    }
    return false;
  }
  function randomHex(env, bytes) {
    const array = new Uint8Array(bytes);
    if (env.crypto && typeof env.crypto.getRandomValues === "function") {
      env.crypto.getRandomValues(array);
    } else {
      for (let i = 0; i < bytes; i += 1) array[i] = Math.floor(env.random() * 256);
    }
    return Array.from(array, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }
  function result(status, msg) {
    return { status, msg };
  }
  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }
  function errorText(error) {
    if (error === null || error === void 0) return String(error);
    if (typeof error === "string") return error;
    const withMessage = (
      /** @type {{ message?: unknown }} */
      error
    );
    if (typeof withMessage.message === "string" && withMessage.message) return withMessage.message;
    try {
      return JSON.stringify(error);
    } catch (_) {
      return String(error);
    }
  }
  function jsonOrNull(value) {
    try {
      return JSON.stringify(value);
    } catch (_) {
      return null;
    }
  }
  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch (_) {
      return null;
    }
  }
  function isThenable(value) {
    return value !== null && (typeof value === "object" || typeof value === "function") && typeof /** @type {{ then?: unknown }} */
    value.then === "function";
  }

  // sdk/src/enums.js
  function namedValues(names) {
    const values = (
      /** @type {Record<T, T>} */
      {}
    );
    for (const name of names) values[name] = name;
    return (
      /** @type {Enum<T>} */
      Object.freeze(values)
    );
  }
  var ENUMS = Object.freeze({
    fabricUsage: namedValues(
      /** @satisfies {FabricUsage[]} */
      ["multiplex", "audio", "video", "screen", "data", "unbundled"]
    ),
    fabricEvent: namedValues(
      /** @satisfies {FabricEvent[]} */
      [
        "fabricHold",
        "fabricResume",
        "audioMute",
        "audioUnmute",
        "videoPause",
        "videoResume",
        "fabricTerminated",
        "screenShareStart",
        "screenShareStop",
        "dominantSpeaker",
        "activeDeviceList"
      ]
    ),
    webRTCFunctions: namedValues(
      /** @satisfies {WebRTCFunction[]} */
      [
        "getUserMedia",
        "createOffer",
        "createAnswer",
        "setLocalDescription",
        "setRemoteDescription",
        "addIceCandidate",
        "iceConnectionFailure",
        "signalingError",
        "applicationLog"
      ]
    ),
    endpointType: namedValues(
      /** @satisfies {EndpointType[]} */
      ["peer", "server"]
    ),
    transmissionDirection: namedValues(
      /** @satisfies {TransmissionDirection[]} */
      ["sendonly", "receiveonly", "sendrecv", "inactive"]
    ),
    userIDType: namedValues(
      /** @satisfies {UserIDType[]} */
      ["local", "remote"]
    ),
    callStatsAPIReturnStatus: namedValues(
      /** @satisfies {ReturnStatus[]} */
      ["success", "error"]
    ),
    csError: namedValues(
      /** @satisfies {CsError[]} */
      [
        "httpError",
        "authError",
        "wsChannelFailure",
        "csProtoError",
        "success",
        "appConnectivityError",
        "tokenGenerationError"
      ]
    )
  });
  var CS_ERROR = ENUMS.csError;

  // sdk/src/validate.js
  var ArgumentError = class extends Error {
  };
  function describe(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    switch (typeof value) {
      case "undefined":
        return "undefined";
      case "string":
        return "a string";
      case "number":
        return `the number ${value}`;
      case "boolean":
        return `${value}`;
      case "function":
        return "a function";
      default:
        return "an object";
    }
  }
  function fail(name, rule) {
    throw new ArgumentError(`${name}: ${rule}`);
  }
  function checkString(name, value) {
    if (typeof value !== "string") fail(name, `must be a string, got ${describe(value)}`);
    if (hasLoneSurrogate(value)) fail(name, "must be valid Unicode text (it holds a lone surrogate)");
  }
  function checkMaxBytes(name, value, max) {
    const bytes = utf8Bytes(value);
    if (bytes > max) fail(name, `must be at most ${max} bytes of UTF-8, got ${bytes} bytes`);
  }
  function checkMaxChars(name, value, max) {
    const count = charCount(value);
    if (count > max) fail(name, `must be at most ${max} characters, got ${count}`);
  }
  function checkIdentifier(name, value, maxBytes) {
    checkString(name, value);
    if (value === "") fail(name, "must not be empty");
    checkMaxBytes(name, value, maxBytes);
  }
  function checkOptionalString(name, value, check) {
    if (value === void 0 || value === null) return;
    checkString(name, value);
    check(name, value);
  }
  function checkUserID(name, value) {
    if (typeof value === "string") {
      checkIdentifier(name, value, LIMITS.idBytes);
      return value;
    }
    if (!isPlainObject(value)) {
      fail(name, `must be a string or an object {userName, aliasName, loginID?}, got ${describe(value)}`);
    }
    checkString(`${name}.userName`, value.userName);
    checkMaxChars(`${name}.userName`, value.userName, LIMITS.userFieldChars);
    checkString(`${name}.aliasName`, value.aliasName);
    if (value.aliasName === "") fail(`${name}.aliasName`, "must not be empty");
    checkMaxChars(`${name}.aliasName`, value.aliasName, LIMITS.userFieldChars);
    checkMaxBytes(`${name}.aliasName`, value.aliasName, LIMITS.idBytes);
    checkOptionalString(
      `${name}.loginID`,
      value.loginID,
      (field, text) => checkMaxChars(field, text, LIMITS.userFieldChars)
    );
    return value.aliasName;
  }
  function wireUserObject(userID) {
    if (typeof userID === "string") return userID;
    const object = { userName: userID.userName, aliasName: userID.aliasName };
    if (typeof userID.loginID === "string") object.loginID = userID.loginID;
    return object;
  }
  function checkEnum(name, value, values) {
    const valid = Object.values(values);
    if (!valid.includes(value)) {
      const given = typeof value === "string" ? JSON.stringify(value) : describe(value);
      fail(name, `must be one of ${valid.join(", ")}, got ${given}`);
    }
  }
  function checkCallback(name, value) {
    if (value !== void 0 && value !== null && typeof value !== "function") {
      fail(name, `must be a function, got ${describe(value)}`);
    }
  }
  function checkPeerConnection(name, pc) {
    const usable = pc !== null && typeof pc === "object" && typeof /** @type {{ getStats?: unknown }} */
    pc.getStats === "function" && typeof /** @type {{ addEventListener?: unknown }} */
    pc.addEventListener === "function";
    if (!usable) fail(name, `must be an RTCPeerConnection, got ${describe(pc)}`);
  }
  function jsonBytes(value) {
    try {
      return utf8Bytes(JSON.stringify(value));
    } catch (error) {
      return -1;
    }
  }
  function checkJsonObject(name, value) {
    if (!isPlainObject(value)) fail(name, `must be an object, got ${describe(value)}`);
    const bytes = jsonBytes(value);
    if (bytes < 0) fail(name, "must be serialisable as JSON (no cycles, no BigInt)");
    if (bytes > LIMITS.objectJsonBytes) {
      fail(name, `must be at most ${LIMITS.objectJsonBytes} bytes of JSON, got ${bytes} bytes`);
    }
  }
  function checkAppID(value) {
    const appID = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
    checkIdentifier("appID", appID, LIMITS.idBytes);
    if (appID.includes("@")) fail("appID", "must not contain '@'");
    return appID;
  }
  function checkFabricAttributes(value) {
    if (value === void 0 || value === null) value = {};
    checkJsonObject("fabricAttributes", value);
    const attributes = Object.assign({}, value);
    if (attributes.remoteEndpointType === void 0) attributes.remoteEndpointType = ENUMS.endpointType.peer;
    if (attributes.fabricTransmissionDirection === void 0) {
      attributes.fabricTransmissionDirection = ENUMS.transmissionDirection.sendrecv;
    }
    checkEnum("fabricAttributes.remoteEndpointType", attributes.remoteEndpointType, ENUMS.endpointType);
    checkEnum(
      "fabricAttributes.fabricTransmissionDirection",
      attributes.fabricTransmissionDirection,
      ENUMS.transmissionDirection
    );
    return (
      /** @type {CheckedFabricAttributes} */
      attributes
    );
  }
  function checkSsrc(name, value) {
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text !== "string" || !/^\d{1,10}$/.test(text) || Number(text) > 4294967295) {
      fail(name, `must be an unsigned 32-bit number or its decimal string, got ${describe(value)}`);
    }
    return String(Number(text));
  }
  function checkRating(name, value, required) {
    if (value === void 0 || value === null) {
      if (required) fail(name, "is required: an integer from 1 to 5");
      return void 0;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 5) {
      fail(name, `must be an integer from 1 to 5, got ${describe(value)}`);
    }
    return value;
  }
  function checkSdp(name, value) {
    if (value === void 0 || value === null) return value;
    const text = typeof value === "string" ? value : isPlainObjectLike(value) ? value.sdp : void 0;
    if (typeof text !== "string") {
      fail(name, `must be an SDP string, an RTCSessionDescription or null, got ${describe(value)}`);
    }
    checkMaxBytes(name, text, LIMITS.sdpBytes);
    return text;
  }
  function isPlainObjectLike(value) {
    return value !== null && typeof value === "object";
  }
  function videoTagName(tag) {
    if (typeof tag === "string") return tag;
    return tag && typeof tag.id === "string" && tag.id ? tag.id : void 0;
  }
  function checkVideoTag(name, tag) {
    if (tag === void 0 || tag === null) return;
    if (typeof tag === "string") {
      checkString(name, tag);
      checkMaxBytes(name, tag, LIMITS.idBytes);
      return;
    }
    if (typeof tag !== "object" || typeof /** @type {{ addEventListener?: unknown }} */
    tag.addEventListener !== "function") {
      fail(name, `must be the id of a <video> element or the element, got ${describe(tag)}`);
    }
  }

  // sdk/src/config.js
  var SERVER_CONFIG_KEYS = [
    "applicationVersion",
    "siteID",
    "additionalIDs",
    "disableBeforeUnloadHandler",
    "disablePrecalltest",
    "collectLegacyStats",
    "collectIP"
  ];
  var SDK_CONFIG_KEYS = ["statsInterval", "collectorURL", "debug", "precallTest"];
  function checkBoolean(name, value) {
    if (value !== void 0 && typeof value !== "boolean") fail(name, `must be true or false, got ${describe(value)}`);
  }
  function checkCollectorURL(name, value) {
    checkString(name, value);
    let url;
    try {
      url = new URL(value);
    } catch (_) {
      fail(name, `must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      fail(name, `must be an http(s) URL, got ${JSON.stringify(value)}`);
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  }
  function checkAdditionalIDs(name, value) {
    if (!isPlainObject(value)) fail(name, `must be an object of strings, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      checkMaxBytes(`${name} key ${JSON.stringify(key)}`, key, LIMITS.idBytes);
      checkString(`${name}.${key}`, value[key]);
      checkMaxBytes(`${name}.${key}`, value[key], LIMITS.idBytes);
    }
  }
  function checkPrecallOptions(name, value) {
    if (!isPlainObject(value)) fail(name, `must be an object {iceServers?}, got ${describe(value)}`);
    if (value.iceServers !== void 0 && !Array.isArray(value.iceServers)) {
      fail(`${name}.iceServers`, `must be an array of RTCIceServer, got ${describe(value.iceServers)}`);
    }
  }
  function checkConfigParams(config) {
    if (config === void 0 || config === null) config = {};
    if (!isPlainObject(config)) fail("configParams", `must be an object, got ${describe(config)}`);
    for (const key of ["disableBeforeUnloadHandler", "disablePrecalltest", "collectLegacyStats", "collectIP", "debug"]) {
      checkBoolean(`configParams.${key}`, config[key]);
    }
    checkOptionalString(
      "configParams.applicationVersion",
      config.applicationVersion,
      (field, text) => checkMaxChars(field, text, LIMITS.applicationVersionChars)
    );
    checkOptionalString(
      "configParams.siteID",
      config.siteID,
      (field, text) => checkMaxBytes(field, text, LIMITS.idBytes)
    );
    if (config.additionalIDs !== void 0) checkAdditionalIDs("configParams.additionalIDs", config.additionalIDs);
    const interval = config.statsInterval === void 0 ? TIMING.statsIntervalMs : config.statsInterval;
    if (typeof interval !== "number" || !Number.isFinite(interval) || interval < TIMING.minStatsIntervalMs) {
      fail(
        "configParams.statsInterval",
        `must be a number of milliseconds of at least ${TIMING.minStatsIntervalMs}, got ${describe(interval)}`
      );
    }
    const collectorURL = config.collectorURL === void 0 ? null : checkCollectorURL("configParams.collectorURL", config.collectorURL);
    if (config.precallTest !== void 0) checkPrecallOptions("configParams.precallTest", config.precallTest);
    const server = {};
    for (const key of SERVER_CONFIG_KEYS) {
      if (config[key] !== void 0) server[key] = config[key];
    }
    const known = SERVER_CONFIG_KEYS.concat(SDK_CONFIG_KEYS);
    return {
      settings: {
        statsIntervalMs: interval,
        collectorURL,
        debug: config.debug === true,
        collectIP: config.collectIP !== false,
        beforeUnload: config.disableBeforeUnloadHandler !== true,
        precall: config.disablePrecalltest === true ? null : config.precallTest || {},
        applicationVersion: config.applicationVersion
      },
      server,
      unknown: Object.keys(config).filter((key) => !known.includes(key))
    };
  }

  // sdk/src/environment.js
  var scriptURL = "";
  function loadedFrom(url) {
    if (!scriptURL && url) scriptURL = String(url);
  }
  function defaultEnvironment() {
    const g = globalThis;
    return {
      fetch: (url, init) => g.fetch(url, init),
      now: () => Date.now(),
      monotonic: () => g.performance ? g.performance.now() : Date.now(),
      setTimeout: (callback, ms) => g.setTimeout(callback, ms),
      clearTimeout: (id) => g.clearTimeout(id),
      random: () => Math.random(),
      crypto: g.crypto,
      window: typeof g.addEventListener === "function" && g.document ? g : null,
      document: g.document || null,
      navigator: g.navigator || null,
      sessionStorage: () => g.sessionStorage,
      RTCPeerConnection: g.RTCPeerConnection || null,
      sendBeacon: g.navigator && typeof g.navigator.sendBeacon === "function" ? (url, data) => g.navigator.sendBeacon(url, data) : null,
      console: g.console,
      defaultCollector: () => {
        try {
          if (scriptURL) return new URL(scriptURL).origin;
        } catch (_) {
        }
        return g.location && g.location.origin && g.location.origin !== "null" ? g.location.origin : "";
      }
    };
  }
  function makeLog(env, debug) {
    const out = env.console || { debug() {
    }, warn() {
    } };
    return {
      debug: debug ? (...args) => out.debug("[callstats]", ...args) : () => {
      },
      // Never console.error: pages treat it as their own failure.
      warn: (...args) => out.warn("[callstats]", ...args)
    };
  }
  function guarded(log, what, fn) {
    return (
      /** @this {unknown} */
      function(...args) {
        try {
          const value = fn.apply(this, args);
          if (isThenable(value)) return value.then(void 0, (error) => log.warn(`${what} failed:`, error));
          return value;
        } catch (error) {
          log.warn(`${what} failed:`, error);
          return void 0;
        }
      }
    );
  }
  function callBack(log, callback, ...args) {
    if (typeof callback !== "function") return;
    try {
      callback(...args);
    } catch (error) {
      log.warn("a callback given to callstats threw:", error);
    }
  }
  function sleep(env, ms) {
    return new Promise((resolve) => env.setTimeout(resolve, ms));
  }

  // sdk/src/instances.js
  var instances = /* @__PURE__ */ new WeakMap();
  function stateOf(instance) {
    let state = instances.get(instance);
    if (!state) {
      state = { session: null, environment: null, signature: null };
      instances.set(instance, state);
    }
    return state;
  }
  function sessionOf(instance) {
    const session = stateOf(instance).session;
    if (!session) throw new ArgumentError("callstats is not initialized: call initialize() first");
    return session;
  }
  function checkInitializeSucceeded(session, callback) {
    const refused = session.auth.refused;
    if (!refused) return;
    if (typeof callback === "function") {
      Promise.resolve().then(() => callBack(session.log, callback, refused.csError, refused.message));
    }
    throw new ArgumentError(`initialize() failed (${refused.csError}: ${refused.message}); call initialize() again`);
  }
  function apiCall(instance, fn) {
    try {
      return result("success", fn());
    } catch (error) {
      if (error instanceof ArgumentError) return result("error", error.message);
      try {
        const session = stateOf(instance).session;
        (session ? session.log : makeLog(defaultEnvironment(), false)).warn("internal error:", error);
      } catch (_) {
      }
      return result("error", `internal error: ${errorText(error)}`);
    }
  }
  function fabricOf(session, pc, conferenceID, name) {
    const fabric = session.fabrics.get(pc);
    if (!fabric) {
      if (session.ended.has(pc)) fail(name, "its monitoring ended (fabricTerminated); call addNewFabric() for a new one");
      fail(name, "is not monitored: call addNewFabric() with it first");
    }
    if (fabric.conference.id !== conferenceID) {
      fail("conferenceID", `${JSON.stringify(conferenceID)} is not the conference the pcObject was added to (${JSON.stringify(fabric.conference.id)})`);
    }
    return fabric;
  }

  // sdk/src/payloads.js
  function errorFields(domError) {
    if (domError === void 0 || domError === null) return null;
    if (typeof domError !== "object") return { message: String(domError) };
    const fields = (
      /** @type {Record<string, unknown>} */
      domError
    );
    const object = {};
    for (const key of ["name", "message", "code", "constraint", "stack"]) {
      const value = fields[key];
      if (value !== void 0 && value !== null && typeof value !== "object" && typeof value !== "function") object[key] = value;
    }
    for (const key of Object.keys(domError)) {
      if (key in object) continue;
      try {
        const value = JSON.parse(JSON.stringify(fields[key]));
        if (value !== void 0) object[key] = value;
      } catch (_) {
      }
    }
    return object;
  }
  function deviceList(eventData) {
    if (!eventData || !Array.isArray(eventData.deviceList)) return eventData;
    const devices = (
      /** @type {Array<{ [field: string]: unknown } | null | undefined>} */
      eventData.deviceList
    );
    const mediaDeviceList = devices.map((device) => ({
      mediaDeviceID: String(device && (device.deviceId || device.mediaDeviceID) || ""),
      kind: device && device.kind,
      label: device && device.label,
      groupID: device && (device.groupId || device.groupID)
    }));
    const rest = Object.assign({}, eventData);
    delete rest.deviceList;
    return Object.assign(rest, { mediaDeviceList });
  }
  function logFields(session, domError) {
    if (domError === void 0 || domError === null) return {};
    const text = typeof domError === "string" ? domError : JSON.stringify(errorFields(domError), null, 2);
    const cut = truncateUtf8(session.privacy(text), LIMITS.applicationLogBytes);
    if (cut.truncated) {
      session.log.warn(`reportError: the application log is ${utf8Bytes(text)} bytes; only the first ${LIMITS.applicationLogBytes} are sent`);
    }
    return { message: cut.text };
  }

  // sdk/src/http.js
  async function fetchWithTimeout(env, url, init, timeoutMs) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = env.setTimeout(() => {
        if (controller) controller.abort();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const exchange = (async () => {
      const response = await env.fetch(url, Object.assign({}, init, controller ? { signal: controller.signal } : {}));
      return { response, text: await response.text() };
    })();
    try {
      return await Promise.race([exchange, timeout]);
    } finally {
      env.clearTimeout(timer);
    }
  }
  function isRetryableStatus(status) {
    return status === 408 || status === 429 || status >= 500;
  }
  function retryAfterMs(response, now) {
    const value = response && response.headers && typeof response.headers.get === "function" ? response.headers.get("Retry-After") : null;
    if (value === null || value === void 0) return 0;
    const text = String(value).trim();
    const ms = /^\d+$/.test(text) ? Number(text) * 1e3 : Date.parse(text) - now;
    return Number.isFinite(ms) ? Math.min(Math.max(0, ms), TIMING.retryAfterCapMs) : 0;
  }
  function backoffDelay(attempt, random) {
    const ceiling = Math.min(TIMING.backoffCapMs, TIMING.backoffStartMs * Math.pow(2, attempt));
    return ceiling / 2 + random() * (ceiling / 2);
  }

  // sdk/src/jwt.js
  function base64Url(bytes) {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function base64UrlJson(value) {
    return base64Url(encoder.encode(JSON.stringify(value)));
  }
  async function signHs256Jwt(secret, claims, cryptoImpl) {
    const subtle = cryptoImpl && cryptoImpl.subtle;
    if (!subtle) {
      throw new Error("WebCrypto (crypto.subtle) is not available: serve the page over HTTPS (or from localhost), or initialize with a tokenGenerator");
    }
    const signingInput = `${base64UrlJson({ alg: "HS256", typ: "JWT" })}.${base64UrlJson(claims)}`;
    const key = await subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    );
    const signature = await subtle.sign("HMAC", key, encoder.encode(signingInput));
    return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
  }

  // sdk/src/auth.js
  var Authenticator = class {
    /** @param {AuthenticatorOptions} options */
    constructor(options) {
      this.env = options.env;
      this.log = options.log;
      this.url = `${options.baseURL}/authenticate`;
      this.appID = options.appID;
      this.localID = options.localID;
      this.credential = options.credential;
      this.notify = options.notify;
      this.onRefused = options.onRefused || (() => {
      });
      this.token = null;
      this.expiresAt = 0;
      this.pending = null;
      this.refused = null;
      this.refreshTimer = null;
      this.announced = false;
      this.closed = false;
    }
    /**
     * The access token if it is still valid, for requests that cannot wait.
     * @returns {string | null}
     */
    current() {
      return this.token && this.env.now() < this.expiresAt ? this.token : null;
    }
    /**
     * A valid access token, authenticating when there is none.
     * @returns {Promise<string>} rejects with the RefusedError once authentication is refused
     */
    get() {
      if (this.refused) return Promise.reject(this.refused);
      const token = this.token && this.env.now() < this.expiresAt - 6e4 ? this.token : null;
      if (token) return Promise.resolve(token);
      return this.renew();
    }
    /**
     * Drops `token` after the collector refused it (401).
     * @param {string} token
     */
    invalidate(token) {
      if (token === this.token) this.token = null;
    }
    /**
     * Authenticates, unless that is under way already.
     * @returns {Promise<string>}
     */
    renew() {
      if (!this.pending) {
        this.pending = this.run().finally(() => {
          this.pending = null;
        });
        this.pending.catch(() => {
        });
      }
      return this.pending;
    }
    close() {
      this.closed = true;
      if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
    }
    /** @returns {Promise<string>} */
    async run() {
      let forceNew = false;
      let askedAgain = false;
      for (let attempt = 0; ; attempt += 1) {
        const code = await this.code(forceNew);
        const outcome = await this.exchange(code);
        if ("token" in outcome) return this.accept(outcome);
        if ("refused" in outcome) {
          if (!askedAgain && (outcome.newToken || typeof this.credential === "function")) {
            askedAgain = true;
            forceNew = true;
            continue;
          }
          throw this.refuse(CS_ERROR.authError, `authentication refused: ${outcome.refused}`);
        }
        const delay = Math.max(backoffDelay(attempt, this.env.random), outcome.waitMs || 0);
        if (attempt === 0) this.notify(CS_ERROR.httpError, outcome.unreachable);
        this.log.debug(`authentication: ${outcome.unreachable}; retrying in ${Math.round(delay)} ms`);
        await sleep(this.env, delay);
      }
    }
    /**
     * @param {{ token: string, expiresIn: number }} outcome
     * @returns {string}
     */
    accept(outcome) {
      this.token = outcome.token;
      this.expiresAt = this.env.now() + outcome.expiresIn * 1e3;
      this.scheduleRefresh(outcome.expiresIn * 1e3);
      this.log.debug(`authenticated as ${this.localID}@${this.appID}, token valid ${outcome.expiresIn} s`);
      if (!this.announced) {
        this.announced = true;
        this.notify(CS_ERROR.success, "authenticated");
      }
      return this.token;
    }
    /** @param {number} lifetimeMs how long the new token is valid */
    scheduleRefresh(lifetimeMs) {
      if (this.refreshTimer !== null) this.env.clearTimeout(this.refreshTimer);
      const wait = Math.max(lifetimeMs - TIMING.tokenRefreshMarginMs, lifetimeMs / 2);
      this.refreshTimer = this.env.setTimeout(() => {
        this.refreshTimer = null;
        if (!this.closed) this.renew().catch(() => {
        });
      }, wait);
    }
    /**
     * Ends authentication for good.
     * @param {import('./types.js').CsError} csError
     * @param {string} message
     * @returns {RefusedError}
     */
    refuse(csError, message) {
      const refused = Object.assign(new Error(message), { csError });
      this.refused = refused;
      this.log.warn(message);
      this.notify(csError, message);
      this.onRefused();
      return refused;
    }
    /**
     * The code to exchange for an access token: the client JWT, or the tokenGenerator's.
     * @param {boolean} forceNew
     * @returns {Promise<string>}
     */
    async code(forceNew) {
      try {
        if (typeof this.credential === "string") {
          const iat = Math.floor(this.env.now() / 1e3);
          const claims = {
            appID: this.appID,
            userID: this.localID,
            iat,
            exp: iat + TIMING.jwtLifetimeSeconds,
            jti: randomHex(this.env, 16)
          };
          return await signHs256Jwt(this.credential, claims, this.env.crypto);
        }
        return await this.generatedToken(this.credential, forceNew);
      } catch (error) {
        throw this.refuse(CS_ERROR.tokenGenerationError, `no token: ${errorText(error)}`);
      }
    }
    /**
     * @param {TokenGenerator} generator
     * @param {boolean} forceNew
     * @returns {Promise<string>}
     */
    generatedToken(generator, forceNew) {
      return new Promise((resolve, reject) => {
        let settled = false;
        const done = (error, token) => {
          if (settled) return;
          settled = true;
          if (error) reject(new Error(`the tokenGenerator failed: ${errorText(error)}`));
          else if (typeof token !== "string" || token === "") reject(new Error("the tokenGenerator gave no token"));
          else resolve(token);
        };
        try {
          generator(forceNew, done);
        } catch (error) {
          done(error);
        }
      });
    }
    /**
     * One token request.
     * @param {string} code
     * @returns {Promise<TokenOutcome>}
     */
    async exchange(code) {
      const form = new URLSearchParams({
        grant_type: "authorization_code",
        client_id: `${this.localID}@${this.appID}`,
        code
      });
      let answer;
      try {
        answer = await fetchWithTimeout(this.env, this.url, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: form.toString(),
          credentials: "omit"
        }, TIMING.requestTimeoutMs);
      } catch (error) {
        return { unreachable: `cannot reach ${this.url}: ${errorText(error)}` };
      }
      const status = answer.response.status;
      const parsed = parseJson(answer.text);
      const body = isPlainObject(parsed) ? parsed : null;
      if (answer.response.ok && body && typeof body.access_token === "string" && body.access_token !== "") {
        const expiresIn = Number(body.expires_in) > 0 ? Number(body.expires_in) : 7200;
        return { token: body.access_token, expiresIn };
      }
      if (isRetryableStatus(status)) {
        return { unreachable: `${this.url} answered ${status}`, waitMs: retryAfterMs(answer.response, this.env.now()) };
      }
      const reason = body && (body.errorReason || body.error_description || body.msg || body.error) || `${this.url} answered ${status}`;
      const actions = body && body["urn:x-callstats:auth:errorActions"];
      const newToken = Array.isArray(actions) && actions.some((action) => action && action.action === "retryWithNewToken");
      return { refused: reason, newToken };
    }
  };

  // sdk/src/conference.js
  var Conference = class {
    /**
     * @param {import('./session.js').Session} session
     * @param {string} id the conferenceID
     */
    constructor(session, id) {
      this.session = session;
      this.id = id;
      this.laneKey = `conference:${session.nextLane()}`;
      this.ucID = null;
      this.state = "joining";
      this.fabrics = /* @__PURE__ */ new Set();
      this.aliveTimer = null;
      this.alivePending = false;
      this.precallPosted = false;
    }
    /**
     * The URL of `suffix` under this endpoint, or of the join itself (suffix null).
     * @param {string | null} suffix
     * @returns {string | null} null while the conference has no ucID
     */
    url(suffix) {
      const session = this.session;
      const base = `${session.baseURL}/v1/apps/${encodeURIComponent(session.appID)}/conferences/${encodeURIComponent(this.id)}`;
      if (suffix === null) return base;
      return this.ucID ? `${base}/${encodeURIComponent(this.ucID)}/${suffix}` : null;
    }
    join() {
      const session = this.session;
      const body = Object.assign(session.header(session.env.now()), {
        endpointInfo: session.endpointInfo(),
        userID: wireUserObject(session.localUserID),
        configParams: session.serverConfig
      });
      session.transport.enqueue(this.laneKey, {
        label: `user joined ${JSON.stringify(this.id)}`,
        url: () => this.url(null),
        body,
        onSuccess: (
          /** @param {unknown} answer */
          (answer) => this.joined(answer)
        ),
        onRejected: (
          /** @param {number} status @param {string} message */
          (status, message) => {
            this.state = "failed";
            session.protocolError(`joining conference ${JSON.stringify(this.id)}`, message);
          }
        )
      });
    }
    /** @param {unknown} answer the collector's answer to the join (parsed JSON, or null) */
    joined(answer) {
      const ucID = answer !== null && typeof answer === "object" && "ucID" in answer ? answer.ucID : void 0;
      if (typeof ucID !== "string") {
        this.state = "failed";
        this.session.protocolError(`joining conference ${JSON.stringify(this.id)}`, "the answer has no ucID");
        return;
      }
      this.ucID = ucID;
      if (this.state === "joining") this.state = "joined";
      this.session.log.debug(`joined ${JSON.stringify(this.id)} as ucID ${this.ucID}`);
      if (this.state === "joined") this.scheduleAlive();
      this.session.postPrecall(this);
    }
    /**
     * Posts `fields` (or a promise of them; null skips) to `suffix`, in this conference's order.
     * @param {string} suffix
     * @param {Fields | PromiseLike<Fields | null> | null} fields
     * @param {PostOptions} [options]
     */
    post(suffix, fields, options) {
      const session = this.session;
      const opts = options || {};
      const at = opts.at === void 0 ? session.env.now() : opts.at;
      const body = isThenable(fields) ? fields.then((resolved) => resolved ? Object.assign(session.header(at), resolved) : null) : Object.assign(session.header(at), fields);
      return session.transport.enqueue(this.laneKey, {
        kind: opts.kind,
        label: opts.label || suffix,
        urgent: opts.urgent,
        url: () => this.url(suffix),
        body,
        onSuccess: opts.onSuccess,
        onRejected: (
          /** @param {number} status @param {string} message */
          (status, message) => {
            session.protocolError(opts.label || suffix, message);
            callBack(session.log, opts.onRejected, status, message);
          }
        ),
        onFailed: opts.onFailed
      });
    }
    scheduleAlive() {
      const env = this.session.env;
      this.aliveTimer = env.setTimeout(guarded(this.session.log, "user alive", () => {
        this.aliveTimer = null;
        if (this.state !== "joined") return;
        if (!this.alivePending) {
          this.alivePending = true;
          const done = () => {
            this.alivePending = false;
          };
          this.post("events/user/alive", {}, { label: "user alive", onSuccess: done, onRejected: done });
        }
        this.scheduleAlive();
      }), TIMING.aliveIntervalMs);
    }
    stopAlive() {
      if (this.aliveTimer !== null) this.session.env.clearTimeout(this.aliveTimer);
      this.aliveTimer = null;
    }
    /**
     * The endpoint leaves the conference (its last fabric ended, or the page is going away).
     * @param {boolean} [urgent] sent first, by beacon (the page is going away)
     */
    leave(urgent) {
      if (this.state === "left") return;
      this.state = "left";
      this.stopAlive();
      this.post("events/user/left", {}, { label: "user left", urgent });
      this.session.forgetConference(this);
    }
  };

  // sdk/src/fabric/first-frame.js
  var FirstFrames = class {
    /** @param {import('./fabric.js').Fabric} fabric */
    constructor(fabric) {
      this.fabric = fabric;
      this.watched = /* @__PURE__ */ new Set();
    }
    /**
     * Looks for the element (for a minute, when given by id) and reports its first frame once.
     * @param {string} ssrc
     * @param {string | HTMLVideoElement} tag the element or its id
     */
    watch(ssrc, tag) {
      if (this.watched.has(ssrc)) return;
      this.watched.add(ssrc);
      const started = this.fabric.session.env.now();
      const lookUp = () => {
        const element = typeof tag === "string" ? this.findElement(tag) : tag;
        if (element) return this.awaitFrame(ssrc, element);
        if (this.fabric.session.env.now() - started < TIMING.videoTagLookupMs) {
          this.fabric.later(TIMING.videoTagLookupStepMs, lookUp);
        } else {
          this.fabric.log.warn(`associatedVideoTag ${JSON.stringify(tag)}: no such element; no time to first media for SSRC ${ssrc}`);
        }
        return void 0;
      };
      lookUp();
    }
    /**
     * @param {string} id
     * @returns {HTMLVideoElement | null}
     */
    findElement(id) {
      const document2 = this.fabric.session.env.document;
      return document2 ? (
        /** @type {HTMLVideoElement | null} */
        document2.getElementById(id)
      ) : null;
    }
    /**
     * @param {string} ssrc
     * @param {HTMLVideoElement} element
     */
    awaitFrame(ssrc, element) {
      let reported = false;
      const report = guarded(this.fabric.log, "first frame", () => {
        if (reported || !this.fabric.live) return;
        reported = true;
        const at = this.fabric.session.env.now();
        this.fabric.post("events/media/firstframe", { ssrc, delay: Math.max(0, at - this.fabric.addedAt) }, {
          at,
          label: `first frame of SSRC ${ssrc}`
        });
      });
      if (typeof element.requestVideoFrameCallback === "function") {
        element.requestVideoFrameCallback(report);
        return;
      }
      const check = () => {
        if (element.videoWidth > 0) report();
      };
      element.addEventListener("loadeddata", check);
      element.addEventListener("playing", check);
      if (element.readyState >= 2) check();
    }
  };

  // sdk/src/fabric/sdp.js
  var SdpReporter = class {
    /** @param {import('./fabric.js').Fabric} fabric */
    constructor(fabric) {
      this.fabric = fabric;
      this.last = "";
    }
    /** @param {number} at when signalling became stable */
    send(at) {
      const fabric = this.fabric;
      const local = fabric.pc.localDescription && fabric.pc.localDescription.sdp;
      const remote = fabric.pc.remoteDescription && fabric.pc.remoteDescription.sdp;
      const fields = {};
      const given = [["localSDP", local], ["remoteSDP", remote]];
      for (const [key, sdp] of given) {
        if (typeof sdp !== "string" || sdp === "") continue;
        const text = fabric.privacy(sdp);
        if (utf8Bytes(text) <= LIMITS.sdpBytes) fields[key] = text;
        else fabric.log.warn(`${key} of ${fabric.connectionID} is over ${LIMITS.sdpBytes} bytes and is not sent`);
      }
      const signature = `${fields.localSDP || ""}
--
${fields.remoteSDP || ""}`;
      if (Object.keys(fields).length === 0 || signature === this.last) return;
      this.last = signature;
      fabric.post("events/sdp", fields, { at, label: `SDP ${fabric.connectionID}` });
    }
  };

  // sdk/src/fabric/ssrcs.js
  var SsrcMap = class {
    /** @param {import('./fabric.js').Fabric} fabric */
    constructor(fabric) {
      this.fabric = fabric;
      this.seen = /* @__PURE__ */ new Map();
      this.overrides = /* @__PURE__ */ new Map();
      this.signature = "";
    }
    /**
     * Maps each SSRC seen in the stats: local ones to localUserID, remote ones to remoteUserID.
     * @param {import('../getstats.js').Snapshot} snapshot
     */
    discover(snapshot) {
      const directions = [["inbound-rtp", "inbound"], ["outbound-rtp", "outbound"]];
      for (const [type, streamType] of directions) {
        for (const report of snapshot.of(type)) {
          if (Number.isInteger(report.ssrc)) this.seen.set(String(report.ssrc), { streamType, kind: report.kind });
        }
      }
      const entries = Array.from(this.seen.keys()).sort().map((ssrc) => this.entry(ssrc));
      const signature = JSON.stringify(entries);
      if (entries.length === 0 || signature === this.signature) return;
      this.signature = signature;
      this.fabric.post("events/ssrcmap", { ssrcData: entries.slice(0, LIMITS.itemsPerArray) }, {
        at: snapshot.at,
        label: `SSRC map ${this.fabric.connectionID}`
      });
    }
    /**
     * @param {string} ssrc
     * @returns {SsrcEntry}
     */
    entry(ssrc) {
      const seen = this.seen.get(ssrc);
      const override = this.overrides.get(ssrc);
      const entry = { ssrc };
      if (seen) {
        entry.streamType = seen.streamType;
        entry.userID = wireUserObject(seen.streamType === "inbound" ? this.fabric.remoteUserID : this.fabric.session.localUserID);
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
    /**
     * associateMstWithUserID: labels one SSRC with its user and usage, and sends the entry at once.
     * @param {string} ssrc decimal
     * @param {import('../types.js').UserID} userID
     * @param {string} usageLabel
     * @param {string | HTMLVideoElement | null | undefined} associatedVideoTag
     */
    associate(ssrc, userID, usageLabel, associatedVideoTag) {
      this.overrides.set(ssrc, { userID, usageLabel, associatedVideoTag });
      const entry = this.entry(ssrc);
      this.fabric.post("events/ssrcmap", { ssrcData: [entry] }, { label: `associateMstWithUserID ${ssrc}` });
    }
  };

  // sdk/src/getstats.js
  var RTP_TYPES = ["inbound-rtp", "outbound-rtp", "remote-inbound-rtp", "remote-outbound-rtp"];
  var CANDIDATE_TYPES = ["host", "srflx", "prflx", "relay"];
  function isCandidateType(value) {
    return CANDIDATE_TYPES.some((type) => type === value);
  }
  var NON_NEGATIVE = ["roundTripTime", "currentRoundTripTime", "jitter", "bitrate", "framesPerSecond"];
  var COUNTS = ["packetsReceived", "packetsSent", "frameWidth", "frameHeight"];
  function flatReport(report) {
    const copy = {};
    for (const key of Object.keys(report)) {
      const value = report[key];
      if (typeof value === "string" || typeof value === "boolean" || typeof value === "number" && Number.isFinite(value)) {
        copy[key] = value;
      }
    }
    return copy;
  }
  function sanitizeReport(report) {
    const fields = report;
    for (const key of NON_NEGATIVE) {
      if (key in fields && !isWithin(fields[key], Infinity)) delete fields[key];
    }
    for (const key of COUNTS) {
      if (key in fields && !(Number.isInteger(fields[key]) && isWithin(fields[key], Infinity))) delete fields[key];
    }
    if ("fractionLost" in fields && !isWithin(fields.fractionLost, 1)) delete fields.fractionLost;
    if ("packetsLost" in fields && !Number.isInteger(fields.packetsLost)) delete fields.packetsLost;
    if ("ssrc" in fields && !(Number.isInteger(fields.ssrc) && isWithin(fields.ssrc, 4294967295))) delete fields.ssrc;
    if (typeof fields.id === "string" && utf8Bytes(fields.id) > LIMITS.idBytes) delete fields.id;
    return report;
  }
  function isWithin(value, max) {
    return typeof value === "number" && value >= 0 && value <= max;
  }
  function snapshotOf(reports, at) {
    const byId = /* @__PURE__ */ new Map();
    const byType = /* @__PURE__ */ new Map();
    for (const report of reports) {
      if (!report || typeof report.type !== "string") continue;
      if (typeof report.id === "string") byId.set(report.id, report);
      const ofType = byType.get(report.type);
      if (ofType) ofType.push(report);
      else byType.set(report.type, [report]);
    }
    return { at, byId, of: (type) => byType.get(type) || [] };
  }
  function selectedPairOf(snapshot) {
    for (const transport of snapshot.of("transport")) {
      const pair = snapshot.byId.get(transport.selectedCandidatePairId);
      if (pair) return pair;
    }
    const pairs = snapshot.of("candidate-pair");
    return pairs.find((pair) => pair.selected === true) || pairs.find((pair) => pair.nominated === true && pair.state === "succeeded") || null;
  }
  function relayTypeOf(local) {
    const protocol = String(local.relayProtocol || "").toLowerCase();
    return local.candidateType === "relay" && ["udp", "tcp", "tls"].includes(protocol) ? `turn/${protocol}` : "";
  }
  function portOf(candidate) {
    const port = candidate.port;
    return typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0;
  }
  function wirePair(pair, snapshot) {
    if (!pair) return null;
    const local = snapshot.byId.get(pair.localCandidateId);
    const remote = snapshot.byId.get(pair.remoteCandidateId);
    if (!local || !remote) return null;
    if (!isCandidateType(local.candidateType) || !isCandidateType(remote.candidateType)) return null;
    const protocol = String(local.protocol || "").toLowerCase() === "tcp" ? "tcp" : "udp";
    return {
      candidateID: String(pair.id),
      localAddress: String(local.address || local.ip || ""),
      localPort: portOf(local),
      localCandidateType: local.candidateType,
      remoteAddress: String(remote.address || remote.ip || ""),
      remotePort: portOf(remote),
      remoteCandidateType: remote.candidateType,
      transportType: relayTypeOf(local) || protocol,
      protocol
    };
  }
  function candidateLists(snapshot) {
    const selected = selectedPairOf(snapshot);
    const pairs = snapshot.of("candidate-pair").slice().sort((a, b) => {
      const rank = (pair) => pair === selected ? 0 : pair.state === "succeeded" ? 1 : 2;
      return rank(a) - rank(b);
    });
    const byLocal = /* @__PURE__ */ new Map();
    const byRemote = /* @__PURE__ */ new Map();
    for (const pair of pairs) {
      const wire = wirePair(pair, snapshot);
      if (!wire) continue;
      if (!byLocal.has(pair.localCandidateId)) byLocal.set(pair.localCandidateId, wire);
      if (!byRemote.has(pair.remoteCandidateId)) byRemote.set(pair.remoteCandidateId, wire);
    }
    return {
      localCandidates: Array.from(byLocal.values()).slice(0, LIMITS.itemsPerArray),
      remoteCandidates: Array.from(byRemote.values()).slice(0, LIMITS.itemsPerArray)
    };
  }
  function pairReport(pair, snapshot, selected) {
    const copy = sanitizeReport(flatReport(pair));
    copy.selected = pair === selected;
    for (const [side, id] of [["local", pair.localCandidateId], ["remote", pair.remoteCandidateId]]) {
      const candidate = snapshot.byId.get(id);
      if (!candidate) continue;
      for (const field of ["candidateType", "protocol", "address", "port", "relayProtocol", "networkType", "url"]) {
        const value = field === "address" ? candidate.address || candidate.ip : candidate[field];
        if (value !== void 0 && value !== null) {
          copy[`${side}${field.charAt(0).toUpperCase()}${field.slice(1)}`] = value;
        }
      }
    }
    return copy;
  }

  // sdk/src/fabric/states.js
  var STATE_PROPERTIES = [
    ["signalingstatechange", "signalingState"],
    ["iceconnectionstatechange", "iceConnectionState"],
    ["icegatheringstatechange", "iceGatheringState"],
    ["connectionstatechange", "connectionState"]
  ];
  var CONNECTED = ["connected", "completed"];
  var GUIDE_SPELLINGS = Object.freeze({
    signalingState: "signallingstate",
    iceGatheringState: "icegatheringstate",
    iceConnectionState: "iceconnectionstate"
  });
  function pcState(pc, property) {
    const states = (
      /** @type {Record<string, unknown>} */
      /** @type {unknown} */
      pc
    );
    const spelling = GUIDE_SPELLINGS[property];
    const state = typeof states[property] === "string" || !spelling ? states[property] : states[spelling];
    return typeof state === "string" ? state : void 0;
  }
  var ConnectionStates = class {
    /** @param {import('./fabric.js').Fabric} fabric */
    constructor(fabric) {
      this.fabric = fabric;
      this.states = {};
      for (const [, property] of STATE_PROPERTIES) this.states[property] = pcState(fabric.pc, property);
      this.times = { gatheringAt: null, gatheredAt: null, checkingAt: null, disruptedAt: null };
      this.setupSent = false;
      this.setupFailedSent = false;
    }
    listen() {
      for (const [type, property] of STATE_PROPERTIES) this.fabric.listen(type, () => this.changed(property));
      this.fabric.listen("icecandidate", (event) => this.candidateGathered(
        /** @type {RTCPeerConnectionIceEvent} */
        event
      ));
    }
    /** What happened before the pc was added: it may be connected, or negotiated, already. */
    catchUp() {
      const fabric = this.fabric;
      const ice = this.states.iceConnectionState;
      if (ice && CONNECTED.includes(ice)) this.iceChanged("new", ice, fabric.addedAt);
      if (this.states.signalingState === "stable") fabric.sdp.send(fabric.addedAt);
    }
    /** @param {StateProperty} property */
    changed(property) {
      const fabric = this.fabric;
      const next = pcState(fabric.pc, property);
      const prev = this.states[property];
      if (next === prev || typeof next !== "string") return;
      this.states[property] = next;
      const at = fabric.session.env.now();
      fabric.post("events/fabric/statechange", {
        prevState: String(prev === void 0 ? "" : prev),
        newState: next,
        changedState: property
      }, { at, label: `${property} ${prev} \u2192 ${next}` });
      if (property === "iceConnectionState") this.iceChanged(prev, next, at);
      if (property === "iceGatheringState") this.gatheringChanged(next, at);
      if (property === "signalingState" && next === "stable") fabric.sdp.send(at);
      if (next === "closed") fabric.session.endFabric(fabric, at);
    }
    /**
     * @param {string} state
     * @param {number} at
     */
    gatheringChanged(state, at) {
      if (state === "gathering") {
        this.times.gatheringAt = at;
        this.times.gatheredAt = null;
      } else if (state === "complete") {
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
      if (next === "checking") {
        this.times.checkingAt = at;
        if (prev && prev !== "new") this.iceStatus("iceRestarted", at, { prevState: prev });
      } else if (CONNECTED.includes(next)) {
        this.connected(prev, at);
      } else if (next === "disconnected" && CONNECTED.includes(prev)) {
        this.times.disruptedAt = at;
        this.iceStatus("iceDisruptionStart", at, { prevState: prev });
        callBack(this.fabric.log, this.fabric.pcCallback, CS_ERROR.appConnectivityError, "ICE connection disconnected");
      } else if (next === "failed") {
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
        this.iceStatus("iceDisruptionEnd", at, { prevState: prev, delay: at - this.times.disruptedAt });
      }
      this.times.disruptedAt = null;
    }
    /**
     * @param {string | undefined} prev
     * @param {number} at
     */
    failed(prev, at) {
      const fabric = this.fabric;
      callBack(fabric.log, fabric.pcCallback, CS_ERROR.appConnectivityError, "ICE connection failed");
      if (!this.setupSent) {
        if (this.setupFailedSent) return;
        this.setupFailedSent = true;
        fabric.post("events/fabric", {
          eventType: "fabricSetupFailed",
          reason: "TransportFailure",
          delay: Math.max(0, at - fabric.addedAt)
        }, { at, label: `fabricSetupFailed ${fabric.connectionID}` });
        return;
      }
      const delay = this.times.disruptedAt === null ? void 0 : at - this.times.disruptedAt;
      this.iceStatus("iceFailed", at, { prevState: prev, delay });
    }
    /** @param {number} at when ICE connected */
    sendSetup(at) {
      const fabric = this.fabric;
      const fields = fabric.stats.snapshot().then((snapshot) => {
        const setup = { eventType: "fabricSetup", delay: Math.max(0, at - fabric.addedAt) };
        if (this.times.gatheringAt !== null && this.times.gatheredAt !== null && this.times.gatheredAt <= at) {
          setup.iceGatheringDelay = Math.max(0, this.times.gatheredAt - this.times.gatheringAt);
        }
        if (this.times.checkingAt !== null) setup.iceConnectivityDelay = Math.max(0, at - this.times.checkingAt);
        if (snapshot) Object.assign(setup, fabric.privacy(candidateLists(snapshot)));
        return setup;
      });
      fabric.post("events/fabric", fields, { at, label: `fabricSetup ${fabric.connectionID}` });
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
        const status = { eventType };
        if (before) {
          status.prevIceCandidatePair = fabric.privacy(before.wire);
          status.prevIceCandidateState = String(before.state || details.prevState || "");
        }
        const now = snapshot && fabric.stats.selectedPair;
        if (now && (eventType === "iceDisruptionEnd" || eventType === "iceRestarted")) {
          status.currIceCandidatePair = fabric.privacy(now.wire);
          status.currIceCandidateState = String(now.state || "");
        }
        if (details.delay !== void 0) status.delay = Math.max(0, details.delay);
        return status;
      });
      fabric.post("events/ice/status", fields, { at, label: `${eventType} ${fabric.connectionID}` });
    }
  };

  // sdk/src/fabric/callback-stats.js
  function fabricStats(fabric, snapshot, stats, losses) {
    const selected = selectedPairOf(snapshot);
    const local = selected && snapshot.byId.get(selected.localCandidateId);
    const remote = selected && snapshot.byId.get(selected.remoteCandidateId);
    const remoteReports = /* @__PURE__ */ new Map();
    for (const type of ["remote-inbound-rtp", "remote-outbound-rtp"]) {
      for (const report of snapshot.of(type)) remoteReports.set(`${type}:${report.ssrc}`, report);
    }
    const pairRtt = selected && typeof selected.currentRoundTripTime === "number" ? selected.currentRoundTripTime * 1e3 : void 0;
    const streams = {};
    for (const track of stats.tracks) {
      if (track.type !== "inbound-rtp" && track.type !== "outbound-rtp") continue;
      streams[String(track.ssrc)] = streamSummary(fabric, losses, track, remoteReports, pairRtt);
    }
    return (
      /** @type {FabricStats} */
      {
        conferenceID: fabric.conference.id,
        connectionID: fabric.connectionID,
        remoteUserID: fabric.remoteUserID,
        fabricUsage: fabric.usage,
        timestamp: snapshot.at,
        iceConnectionState: pcState(fabric.pc, "iceConnectionState"),
        connectionState: pcState(fabric.pc, "connectionState"),
        rtt: pairRtt,
        transport: selected ? {
          localCandidateType: local && local.candidateType,
          remoteCandidateType: remote && remote.candidateType,
          protocol: local && local.protocol,
          relayProtocol: local && local.relayProtocol
        } : void 0,
        streams
      }
    );
  }
  function streamSummary(fabric, losses, track, remoteReports, pairRtt) {
    const inbound = track.type === "inbound-rtp";
    const override = fabric.ssrcs.overrides.get(String(track.ssrc));
    const summary = (
      /** @type {StreamStats} */
      {
        reportType: inbound ? "inbound" : "outbound",
        mediaType: track.kind || track.mediaType,
        ssrc: String(track.ssrc),
        bitrate: track.bitrate,
        framesPerSecond: track.framesPerSecond,
        frameWidth: track.frameWidth,
        frameHeight: track.frameHeight,
        userID: override ? override.userID : inbound ? fabric.remoteUserID : fabric.session.localUserID,
        usageLabel: override ? override.usageLabel : void 0
      }
    );
    if (inbound) {
      const remote = remoteReports.get(`remote-outbound-rtp:${track.ssrc}`);
      Object.assign(summary, {
        packetsReceived: track.packetsReceived,
        packetsLost: track.packetsLost,
        jitter: typeof track.jitter === "number" ? track.jitter * 1e3 : void 0,
        fractionLoss: losses.get(track.id),
        rtt: remote && typeof remote.roundTripTime === "number" ? remote.roundTripTime * 1e3 : pairRtt
      });
    } else {
      const remote = remoteReports.get(`remote-inbound-rtp:${track.ssrc}`) || {};
      Object.assign(summary, {
        packetsSent: track.packetsSent,
        packetsLost: remote.packetsLost,
        jitter: typeof remote.jitter === "number" ? remote.jitter * 1e3 : void 0,
        fractionLoss: remote.fractionLost,
        rtt: typeof remote.roundTripTime === "number" ? remote.roundTripTime * 1e3 : pairRtt
      });
    }
    return summary;
  }

  // sdk/src/fabric/stats.js
  var LISTS = ["tracks", "candidatePairs", "transports", "codecs"];
  var StatsPoller = class {
    /** @param {import('./fabric.js').Fabric} fabric */
    constructor(fabric) {
      this.fabric = fabric;
      this.selectedPair = null;
      this.counters = /* @__PURE__ */ new Map();
      this.losses = /* @__PURE__ */ new Map();
    }
    /**
     * A getStats() snapshot (null when the browser refused), also watching the selected pair.
     * @returns {Promise<Snapshot | null>}
     */
    async snapshot() {
      const fabric = this.fabric;
      const reports = [];
      try {
        const report = await fabric.pc.getStats();
        report.forEach((value) => reports.push(value));
      } catch (error) {
        fabric.log.debug(`getStats() of ${fabric.connectionID} failed:`, error);
        return null;
      }
      const snapshot = snapshotOf(reports, fabric.session.env.now());
      this.watchPair(snapshot);
      return snapshot;
    }
    /**
     * Sends a transport change when the selected candidate pair is another one than before.
     * @param {Snapshot} snapshot
     */
    watchPair(snapshot) {
      const fabric = this.fabric;
      const pair = selectedPairOf(snapshot);
      const wire = wirePair(pair, snapshot);
      if (!pair || !wire) return;
      const before = this.selectedPair;
      this.selectedPair = { id: pair.id, wire, state: pair.state };
      if (!before || before.id === pair.id) return;
      fabric.post("events/fabric/transportchange", {
        currIceCandidatePair: fabric.privacy(wire),
        prevIceCandidatePair: fabric.privacy(before.wire),
        relayType: relayTypeOf(snapshot.byId.get(pair.localCandidateId) || {})
      }, { at: snapshot.at, label: `transport change ${fabric.connectionID}` });
    }
    /** Polls getStats() every statsInterval until the fabric stops. */
    start() {
      this.fabric.later(this.fabric.session.statsIntervalMs, () => this.poll());
    }
    async poll() {
      const fabric = this.fabric;
      try {
        if (pcState(fabric.pc, "signalingState") === "closed" || pcState(fabric.pc, "connectionState") === "closed") {
          fabric.session.endFabric(fabric, fabric.session.env.now());
          return;
        }
        await this.refresh(true);
      } finally {
        if (fabric.live) this.start();
      }
    }
    /**
     * Reads the stats; with `submit`, sends them and calls csStatsCallback. Always updates the SSRC map.
     * @param {boolean} submit
     */
    async refresh(submit) {
      const fabric = this.fabric;
      const snapshot = await this.snapshot();
      if (!snapshot || !fabric.live) return;
      fabric.ssrcs.discover(snapshot);
      if (!submit) return;
      const stats = this.statsBody(snapshot);
      fabric.post("stats", { stats: fabric.privacy(stats) }, {
        kind: "stats",
        at: snapshot.at,
        label: `stats ${fabric.connectionID}`
      });
      const callback = fabric.session.callbacks.stats;
      if (callback) callBack(fabric.log, callback, fabricStats(fabric, snapshot, stats, this.losses));
    }
    /**
     * @param {Snapshot} snapshot
     * @returns {StatsBody}
     */
    statsBody(snapshot) {
      const selected = selectedPairOf(snapshot);
      const tracks = [];
      for (const type of RTP_TYPES) {
        for (const report of snapshot.of(type)) tracks.push(this.trackReport(report));
      }
      const stats = {
        timestamp: snapshot.at,
        tracks,
        candidatePairs: snapshot.of("candidate-pair").map((pair) => pairReport(pair, snapshot, selected)),
        transports: snapshot.of("transport").map((report) => sanitizeReport(flatReport(report))),
        codecs: snapshot.of("codec").map((report) => sanitizeReport(flatReport(report)))
      };
      let room = LIMITS.statsObjects;
      for (const key of LISTS) {
        stats[key] = stats[key].slice(0, Math.max(0, room));
        room -= stats[key].length;
      }
      return stats;
    }
    /**
     * An RTP report with `bitrate` (bps) from the byte count since the
     * previous poll; for inbound streams, also notes the loss since then.
     * @param {StatsReport} report
     * @returns {Record<string, unknown>}
     */
    trackReport(report) {
      const copy = sanitizeReport(flatReport(report));
      const inbound = report.type === "inbound-rtp";
      const bytes = inbound ? report.bytesReceived : report.type === "outbound-rtp" ? report.bytesSent : void 0;
      if (typeof bytes !== "number") return copy;
      const now = (
        /** @type {Counters} */
        {
          bytes,
          timestamp: report.timestamp,
          lost: report.packetsLost,
          received: report.packetsReceived
        }
      );
      const previous = this.counters.get(report.id);
      if (previous && now.timestamp > previous.timestamp && bytes >= previous.bytes) {
        copy.bitrate = Math.round((bytes - previous.bytes) * 8 * 1e3 / (now.timestamp - previous.timestamp));
      }
      if (inbound) this.losses.set(report.id, lossSince(previous || { bytes: 0, timestamp: 0, lost: 0, received: 0 }, now));
      this.counters.set(report.id, now);
      return copy;
    }
  };
  function lossSince(previous, now) {
    const lost = now.lost - previous.lost;
    const received = now.received - previous.received;
    if (!(lost >= 0 && received >= 0)) return void 0;
    return lost + received === 0 ? 0 : lost / (lost + received);
  }

  // sdk/src/fabric/fabric.js
  var Fabric = class {
    /**
     * @param {import('../session.js').Session} session
     * @param {import('../conference.js').Conference} conference
     * @param {RTCPeerConnection} pc
     * @param {{ userID: import('../types.js').UserID, wireID: string }} remote the remoteUserID as given, and as it travels
     * @param {import('../types.js').FabricUsage} usage
     * @param {Record<string, unknown>} attributes fabricAttributes with their defaults
     * @param {import('../types.js').CsCallback | null | undefined} pcCallback
     */
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
      this.listeners = [];
      this.timers = /* @__PURE__ */ new Set();
      this.states = new ConnectionStates(this);
      this.sdp = new SdpReporter(this);
      this.stats = new StatsPoller(this);
      this.ssrcs = new SsrcMap(this);
      this.firstFrames = new FirstFrames(this);
    }
    get log() {
      return this.session.log;
    }
    start() {
      this.post("events/fabric/added", {
        remoteUserID: wireUserObject(this.remoteUserID),
        fabricUsage: this.usage,
        fabricAttributes: this.attributes
      }, {
        label: `addNewFabric ${this.connectionID}`,
        onSuccess: () => callBack(this.log, this.pcCallback, CS_ERROR.success, `monitoring ${this.connectionID}`),
        onRejected: (status, message) => callBack(this.log, this.pcCallback, CS_ERROR.csProtoError, message),
        onFailed: (csError, message) => callBack(this.log, this.pcCallback, csError, message)
      });
      this.states.listen();
      this.listen("track", () => this.later(1e3, () => this.stats.refresh(false)));
      this.stats.start();
      this.states.catchUp();
    }
    /**
     * Posts `fields` (or a promise of them; null skips) with this fabric's connectionID and remoteID.
     * @param {string} suffix
     * @param {Fields | PromiseLike<Fields | null>} fields
     * @param {PostOptions} [options]
     */
    post(suffix, fields, options) {
      const header = { connectionID: this.connectionID, remoteID: this.remoteID };
      const body = isThenable(fields) ? fields.then((resolved) => resolved ? Object.assign(header, resolved) : null) : Object.assign(header, fields);
      return this.conference.post(suffix, body, options);
    }
    /**
     * Listens to `type` on the pc until the fabric stops; nothing the handler throws reaches the page.
     * @param {string} type
     * @param {(event: Event) => unknown} handler
     */
    listen(type, handler) {
      const listener = guarded(
        this.log,
        `${type} handler`,
        /** @param {Event} event */
        (event) => {
          if (this.live) return handler(event);
          return void 0;
        }
      );
      this.pc.addEventListener(type, listener);
      this.listeners.push([type, listener]);
    }
    /**
     * Runs `task` in `ms` unless the fabric stopped meanwhile.
     * @param {number} ms
     * @param {() => unknown} task
     */
    later(ms, task) {
      const timer = this.session.env.setTimeout(guarded(this.log, "fabric timer", () => {
        this.timers.delete(timer);
        if (this.live) return task();
        return void 0;
      }), ms);
      this.timers.add(timer);
    }
    /** Stops every listener and timer; nothing more is sent for this pc. */
    stop() {
      this.live = false;
      if (typeof this.pc.removeEventListener === "function") {
        for (const [type, listener] of this.listeners) this.pc.removeEventListener(type, listener);
      }
      this.listeners = [];
      for (const timer of this.timers) this.session.env.clearTimeout(timer);
      this.timers.clear();
    }
    /**
     * associateMstWithUserID: labels one SSRC and watches its video element.
     * @param {string} ssrc decimal
     * @param {import('../types.js').UserID} userID
     * @param {string} usageLabel
     * @param {string | HTMLVideoElement | null} [associatedVideoTag]
     */
    associate(ssrc, userID, usageLabel, associatedVideoTag) {
      this.ssrcs.associate(ssrc, userID, usageLabel, associatedVideoTag);
      if (associatedVideoTag !== void 0 && associatedVideoTag !== null) this.firstFrames.watch(ssrc, associatedVideoTag);
    }
    /**
     * @template T
     * @param {T} value
     * @returns {T} `value`, its IP addresses masked unless configParams allow them
     */
    privacy(value) {
      return this.session.privacy(value);
    }
  };

  // sdk/src/mask.js
  var IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d|\.\d)/g;
  var HEX_COLON_RUN = /[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*:[0-9A-Fa-f.:]*/g;
  var HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
  var WORD_CHAR = /\w/;
  function isIPv4(text) {
    const parts = text.split(".");
    return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
  }
  function isIPv6(text) {
    let head = text;
    const lastColon = text.lastIndexOf(":");
    const tail = text.slice(lastColon + 1);
    if (tail.includes(".")) {
      if (!isIPv4(tail)) return false;
      head = `${text.slice(0, lastColon + 1)}0:0`;
    }
    const halves = head.split("::");
    if (halves.length > 2) return false;
    const groups = (part) => part === "" ? [] : part.split(":");
    if (halves.length === 2) {
      const all2 = groups(halves[0]).concat(groups(halves[1]));
      return all2.length <= 7 && all2.every((group) => HEX_GROUP.test(group));
    }
    const all = groups(head);
    return all.length === 8 && all.every((group) => HEX_GROUP.test(group));
  }
  function maskIPv4(quad, offset, whole) {
    const before = whole.slice(Math.max(0, offset - 2), offset);
    const insideNumber = /\d$/.test(before) || /\d\.$/.test(before);
    return !insideNumber && isIPv4(quad) ? "x.x.x.x" : quad;
  }
  function maskIPv6Run(run, offset, whole) {
    const trimmed = run.replace(/\.+$/, "").replace(/([^:]):$/, "$1");
    const before = whole.charAt(offset - 1);
    const after = whole.charAt(offset + trimmed.length);
    if (before && WORD_CHAR.test(before) || after && WORD_CHAR.test(after)) return run;
    return isIPv6(trimmed) ? `x:x:x:x${run.slice(trimmed.length)}` : run;
  }
  function maskIPs(text) {
    return text.replace(HEX_COLON_RUN, maskIPv6Run).replace(IPV4, maskIPv4);
  }
  function maskDeep(value) {
    if (typeof value === "string") return (
      /** @type {T} */
      maskIPs(value)
    );
    if (Array.isArray(value)) return (
      /** @type {T} */
      value.map(maskDeep)
    );
    if (isPlainObject(value)) {
      const copy = {};
      for (const key of Object.keys(value)) copy[key] = maskDeep(value[key]);
      return (
        /** @type {T} */
        copy
      );
    }
    return value;
  }

  // sdk/src/precall.js
  var PRECALL = Object.freeze({
    connectTimeoutMs: 2500,
    probes: 40,
    probeSpacingMs: 25,
    settleMs: 300,
    throughputMs: 1e3,
    chunkBytes: 16 * 1024,
    bufferLimitBytes: 1024 * 1024
  });
  function waitUntil(env, test, timeoutMs, stepMs) {
    return new Promise((resolve) => {
      const started = env.monotonic();
      const check = () => {
        if (test()) resolve(true);
        else if (env.monotonic() - started >= timeoutMs) resolve(false);
        else env.setTimeout(check, stepMs);
      };
      check();
    });
  }
  var PrecallTest = class {
    /**
     * @param {Env} env
     * @param {PrecallOptions} options
     */
    constructor(env, options) {
      this.env = env;
      this.iceServers = options.iceServers || [];
      this.pcs = [];
    }
    /** @returns {Promise<PrecallOutcome>} */
    async run() {
      const started = this.env.monotonic();
      const finish = (fields) => Object.assign({ duration: Math.round(this.env.monotonic() - started) }, fields);
      try {
        const channels = await this.connect();
        if (!channels) {
          return finish({ connectivity: false, message: `ICE did not connect within ${PRECALL.connectTimeoutMs} ms` });
        }
        const probing = await this.probe(channels.probe, channels.echoed);
        const throughput = await this.throughput(channels.reliable, channels.received);
        const candidateType = await this.candidateType(channels.caller);
        return finish(Object.assign({ connectivity: true, throughput, candidateType }, probing));
      } catch (error) {
        return finish({ connectivity: false, message: errorText(error) });
      } finally {
        for (const pc of this.pcs) {
          try {
            pc.close();
          } catch (_) {
          }
        }
      }
    }
    /** Two connected pcs: the caller's channels and what the answerer saw. */
    async connect() {
      const quietly = (handler) => (event) => {
        try {
          handler(event);
        } catch (_) {
        }
      };
      const RTC = this.env.RTCPeerConnection;
      if (!RTC) throw new Error("this browser has no RTCPeerConnection");
      const caller = new RTC({ iceServers: this.iceServers });
      const answerer = new RTC({ iceServers: this.iceServers });
      this.pcs = [caller, answerer];
      const relay = (from, to) => from.addEventListener("icecandidate", quietly((event) => {
        if (event.candidate) to.addIceCandidate(event.candidate).catch(() => {
        });
      }));
      relay(caller, answerer);
      relay(answerer, caller);
      const reliable = caller.createDataChannel("callscope-precall-throughput", { ordered: true });
      const probe = caller.createDataChannel("callscope-precall-probe", { ordered: false, maxRetransmits: 0 });
      const echoed = [];
      const received = { bytes: 0, first: null, last: 0 };
      answerer.addEventListener("datachannel", quietly(({ channel }) => {
        if (channel.label === probe.label) {
          channel.onmessage = quietly((event) => channel.send(event.data));
        } else {
          channel.onmessage = quietly((event) => {
            const now = this.env.monotonic();
            if (received.first === null) received.first = now;
            received.last = now;
            received.bytes += typeof event.data === "string" ? event.data.length : event.data.byteLength;
          });
        }
      }));
      probe.onmessage = quietly((event) => {
        const [seq, sent] = String(event.data).split(":").map(Number);
        echoed.push({ seq, rtt: this.env.monotonic() - sent });
      });
      await caller.setLocalDescription(await caller.createOffer());
      await answerer.setRemoteDescription(
        /** @type {RTCSessionDescription} */
        caller.localDescription
      );
      await answerer.setLocalDescription(await answerer.createAnswer());
      await caller.setRemoteDescription(
        /** @type {RTCSessionDescription} */
        answerer.localDescription
      );
      const open = await waitUntil(
        this.env,
        () => reliable.readyState === "open" && probe.readyState === "open",
        PRECALL.connectTimeoutMs,
        20
      );
      return open ? { caller, reliable, probe, echoed, received } : null;
    }
    /**
     * RTT, jitter and loss from echoed probes over an unreliable channel.
     * @param {RTCDataChannel} channel
     * @param {Echo[]} echoed filled as the echoes come back
     * @returns {Promise<ProbeFigures>}
     */
    async probe(channel, echoed) {
      for (let seq = 0; seq < PRECALL.probes; seq += 1) {
        channel.send(`${seq}:${this.env.monotonic()}`);
        await sleep(this.env, PRECALL.probeSpacingMs);
      }
      await sleep(this.env, PRECALL.settleMs);
      const rtts = echoed.slice().sort((a, b) => a.seq - b.seq).map((echo) => echo.rtt);
      const figures = { fractionLoss: 1 - Math.min(rtts.length, PRECALL.probes) / PRECALL.probes };
      if (rtts.length > 0) figures.rtt = round(rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length);
      if (rtts.length > 1) {
        let variation = 0;
        for (let i = 1; i < rtts.length; i += 1) variation += Math.abs(rtts[i] - rtts[i - 1]);
        figures.jitter = round(variation / (rtts.length - 1));
      }
      return figures;
    }
    /**
     * kbit/s the answerer received over a reliable channel in about a second.
     * @param {RTCDataChannel} channel
     * @param {Received} received filled as the data arrives
     * @returns {Promise<number | undefined>}
     */
    async throughput(channel, received) {
      const chunk = "x".repeat(PRECALL.chunkBytes);
      const until = this.env.monotonic() + PRECALL.throughputMs;
      while (this.env.monotonic() < until && channel.readyState === "open") {
        while (channel.bufferedAmount < PRECALL.bufferLimitBytes && this.env.monotonic() < until) channel.send(chunk);
        await sleep(this.env, 10);
      }
      await sleep(this.env, 100);
      const seconds = received.first === null ? 0 : (received.last - received.first) / 1e3;
      return seconds > 0 ? round(received.bytes * 8 / 1e3 / seconds) : void 0;
    }
    /**
     * @param {RTCPeerConnection} caller
     * @returns {Promise<CandidateType | undefined>}
     */
    async candidateType(caller) {
      try {
        const reports = [];
        (await caller.getStats()).forEach((report) => reports.push(report));
        const snapshot = snapshotOf(reports, 0);
        const pair = selectedPairOf(snapshot);
        const local = pair && snapshot.byId.get(pair.localCandidateId);
        return local && isCandidateType(local.candidateType) ? local.candidateType : void 0;
      } catch (_) {
        return void 0;
      }
    }
  };
  function round(value) {
    return Math.round(value * 1e3) / 1e3;
  }

  // sdk/src/transport.js
  var Transport = class {
    /** @param {TransportOptions} options */
    constructor(options) {
      this.env = options.env;
      this.log = options.log;
      this.tokens = options.tokens;
      this.statsCap = options.statsCap || QUEUE.statsCap;
      this.hardCap = options.hardCap || QUEUE.hardCap;
      this.timeoutMs = options.timeoutMs || TIMING.requestTimeoutMs;
      this.lanes = /* @__PURE__ */ new Map();
      this.sequence = 0;
      this.counts = { stats: 0, event: 0 };
      this.sleepers = /* @__PURE__ */ new Set();
      this.droppedStats = 0;
    }
    /**
     * Queues a POST in the lane `laneKey` (one per conference).
     * @param {string} laneKey
     * @param {Request} request
     * @returns {QueuedRequest}
     */
    enqueue(laneKey, request) {
      const entry = {
        seq: this.sequence += 1,
        kind: request.kind === "stats" ? "stats" : "event",
        label: request.label || "request",
        url: request.url,
        text: null,
        skip: false,
        key: randomHex(this.env, 16),
        attempts: 0,
        urgent: request.urgent === true,
        onSuccess: request.onSuccess,
        onRejected: request.onRejected,
        onFailed: request.onFailed,
        ready: Promise.resolve(),
        removed: false
      };
      const take = (body) => {
        if (body === null || body === void 0) entry.skip = true;
        else entry.text = JSON.stringify(body);
      };
      if (isThenable(request.body)) {
        entry.ready = request.body.then(take, (error) => {
          entry.skip = true;
          this.log.warn(`${entry.label}: could not build the request:`, error);
        });
      } else {
        take(request.body);
      }
      const lane = this.lane(laneKey);
      lane.queue.push(entry);
      this.counts[entry.kind] += 1;
      this.enforceCaps();
      this.pump(lane);
      return entry;
    }
    /**
     * @param {string} key
     * @returns {Lane}
     */
    lane(key) {
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = { key, queue: [], running: false, inFlight: null };
        this.lanes.set(key, lane);
      }
      return lane;
    }
    /** How many requests are queued (in flight included). */
    pending() {
      return this.counts.stats + this.counts.event;
    }
    /** Ends the backoff of every waiting lane (the browser is back online). */
    wake() {
      for (const wakeUp of Array.from(this.sleepers)) wakeUp();
    }
    /**
     * Waits `ms`, or less if wake() is called.
     * @param {number} ms
     * @returns {Promise<void>}
     */
    backoff(ms) {
      return new Promise((resolve) => {
        const done = () => {
          this.sleepers.delete(done);
          this.env.clearTimeout(timer);
          resolve();
        };
        const timer = this.env.setTimeout(done, ms);
        this.sleepers.add(done);
      });
    }
    /**
     * Sends `lane`'s requests in order until it is empty; one pump per lane at a time.
     * @param {Lane} lane
     */
    async pump(lane) {
      if (lane.running) return;
      lane.running = true;
      try {
        while (lane.queue.length > 0) {
          const entry = lane.queue[0];
          lane.inFlight = entry;
          const outcome = await this.attempt(entry);
          lane.inFlight = null;
          if (outcome.retry) {
            entry.attempts += 1;
            if (outcome.waitMs !== void 0 && outcome.waitMs > 0) {
              this.log.debug(`${entry.label}: ${outcome.retry}; retry ${entry.attempts} in ${outcome.waitMs} ms, as asked`);
              await sleep(this.env, outcome.waitMs);
            } else {
              const delay = backoffDelay(entry.attempts - 1, this.env.random);
              this.log.debug(`${entry.label}: ${outcome.retry}; retry ${entry.attempts} in ${Math.round(delay)} ms`);
              await this.backoff(delay);
            }
            continue;
          }
          this.settle(lane, entry, outcome);
        }
      } catch (error) {
        this.log.warn("the request queue stopped:", error);
      } finally {
        lane.running = false;
        lane.inFlight = null;
      }
    }
    /**
     * Removes `entry` after its last try and tells its callback how it went.
     * @param {Lane} lane
     * @param {QueuedRequest} entry
     * @param {Attempt} outcome
     */
    settle(lane, entry, outcome) {
      if (entry.removed) return;
      this.remove(lane, entry);
      if (outcome.done) {
        this.log.debug(`${entry.label}: stored`);
        callBack(this.log, entry.onSuccess, outcome.answer);
      } else if (outcome.rejected) {
        this.log.warn(`${entry.label} was refused: ${outcome.message}`);
        callBack(this.log, entry.onRejected, outcome.status, outcome.message);
      } else if (outcome.failed) {
        this.log.debug(`${entry.label} was not sent: ${outcome.message}`);
        callBack(this.log, entry.onFailed, outcome.csError, outcome.message);
      }
    }
    /**
     * One try of `entry`: {done, answer} | {rejected, status, message} | {failed, csError, message} | {retry} | {skipped}.
     * @param {QueuedRequest} entry
     */
    async attempt(entry) {
      await entry.ready;
      if (entry.skip) return { skipped: true };
      let token;
      try {
        token = await this.tokens.get();
      } catch (error) {
        const refusal = (
          /** @type {{ csError?: import('./types.js').CsError } | null | undefined} */
          error
        );
        const csError = refusal && refusal.csError ? refusal.csError : CS_ERROR.authError;
        return { failed: true, csError, message: errorText(error) };
      }
      if (entry.removed) return { skipped: true };
      const url = entry.url();
      if (url === null) return { rejected: true, status: 0, message: "the conference was never joined" };
      let answer;
      try {
        answer = await fetchWithTimeout(this.env, url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Authorization: `Bearer ${token}`,
            "Idempotency-Key": entry.key
          },
          body: entry.text,
          credentials: "omit"
        }, this.timeoutMs);
      } catch (error) {
        return { retry: errorText(error) };
      }
      const status = answer.response.status;
      const body = parseJson(answer.text);
      if (answer.response.ok) return { done: true, answer: body };
      const fields = isPlainObject(body) ? body : null;
      if (status === 401) {
        this.tokens.invalidate(token);
        return { retry: "the access token was refused (401); authenticating again" };
      }
      if (isRetryableStatus(status)) {
        return { retry: `the collector answered ${status}`, waitMs: retryAfterMs(answer.response, this.env.now()) };
      }
      const message = `${status} ${fields && fields.msg ? fields.msg : answer.text.slice(0, 500)}`;
      return { rejected: true, status, message };
    }
    /**
     * @param {Lane} lane
     * @param {QueuedRequest} entry
     */
    remove(lane, entry) {
      const index = lane.queue.indexOf(entry);
      if (index >= 0) lane.queue.splice(index, 1);
      if (!entry.removed) {
        entry.removed = true;
        this.counts[entry.kind] -= 1;
      }
    }
    /** Keeps memory bounded: the oldest stats go first, events only past the hard cap. */
    enforceCaps() {
      while (this.counts.stats > this.statsCap && this.dropOldest("stats")) {
      }
      while (this.pending() > this.hardCap && (this.dropOldest("stats") || this.dropOldest("event"))) {
      }
    }
    /**
     * Drops the oldest queued request of `kind` that is not in flight.
     * @param {'event' | 'stats'} kind
     * @returns {boolean} whether there was one
     */
    dropOldest(kind) {
      let oldest = null;
      let oldestLane = null;
      for (const lane of this.lanes.values()) {
        const entry = lane.queue.find((candidate) => candidate.kind === kind && candidate !== lane.inFlight);
        if (entry && (!oldest || entry.seq < oldest.seq)) {
          oldest = entry;
          oldestLane = lane;
        }
      }
      if (!oldest || !oldestLane) return false;
      this.remove(oldestLane, oldest);
      if (kind === "stats") {
        this.droppedStats += 1;
        if (this.droppedStats === 1 || this.droppedStats % 100 === 0) {
          this.log.warn(`the collector is unreachable and the queue is full: ${this.droppedStats} stats submissions dropped so far`);
        }
      } else {
        this.log.warn(`the queue is over ${this.hardCap} requests: dropped ${oldest.label}`);
      }
      return true;
    }
    /**
     * Sends everything still queued with navigator.sendBeacon (the page is
     * going away): urgent requests first, then events, then stats. Beacons
     * cannot carry headers, so the token and key travel as query parameters.
     * @returns {number} how many were sent
     */
    flushByBeacon() {
      const token = this.tokens.current();
      const send = this.env.sendBeacon;
      let sent = 0;
      if (!token || !send) return sent;
      const waves = [
        (entry) => entry.urgent,
        (entry) => entry.kind === "event",
        (entry) => entry.kind === "stats"
      ];
      for (const inWave of waves) {
        for (const lane of this.lanes.values()) {
          for (const entry of lane.queue.filter(inWave)) {
            if (entry.text === null || entry.skip) continue;
            const url = entry.url();
            if (url === null) continue;
            const separator = url.includes("?") ? "&" : "?";
            const target = `${url}${separator}access_token=${encodeURIComponent(token)}&idempotencyKey=${entry.key}`;
            const blob = new Blob([entry.text], { type: "text/plain;charset=UTF-8" });
            if (!send(target, blob)) return sent;
            this.remove(lane, entry);
            sent += 1;
          }
        }
      }
      return sent;
    }
  };

  // sdk/src/version.js
  var VERSION = "3.30.0-callscope.1";

  // sdk/src/session.js
  function browserInfo(navigator) {
    const info = { type: "browser" };
    const ua = navigator && typeof navigator.userAgent === "string" ? navigator.userAgent : "";
    const browsers = [
      ["Edge", /Edg\/([\d.]+)/],
      ["Opera", /OPR\/([\d.]+)/],
      ["Firefox", /Firefox\/([\d.]+)/],
      ["Chrome", /Chrom(?:e|ium)\/([\d.]+)/],
      ["Safari", /Version\/([\d.]+).*Safari/]
    ];
    for (const [name, pattern] of browsers) {
      const match = ua.match(pattern);
      if (match) {
        info.name = name;
        info.version = match[1];
        break;
      }
    }
    const systems = [
      ["Android", /Android ([\d.]+)/],
      ["iOS", /(?:iPhone|iPad|iPod).*OS ([\d_]+)/],
      ["Windows", /Windows NT ([\d.]+)/],
      ["macOS", /Mac OS X ([\d_.]+)/],
      ["ChromeOS", /CrOS \S+ ([\d.]+)/],
      ["Linux", /Linux()/]
    ];
    for (const [os, pattern] of systems) {
      const match = ua.match(pattern);
      if (match) {
        info.os = os;
        if (match[1]) info.osVersion = match[1].replace(/_/g, ".");
        break;
      }
    }
    return info;
  }
  function deviceIDOf(env) {
    const key = "callscope.deviceID";
    let storage = null;
    try {
      storage = env.sessionStorage();
    } catch (_) {
    }
    try {
      const kept = storage && storage.getItem(key);
      if (kept) return kept;
    } catch (_) {
    }
    const id = `device-${randomHex(env, 12)}`;
    try {
      if (storage) storage.setItem(key, id);
    } catch (_) {
    }
    return id;
  }
  var Session = class {
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
      this.callbacks = { init: init.csInitCallback, stats: init.csStatsCallback };
      this.settings = init.config.settings;
      this.serverConfig = init.config.server;
      this.statsIntervalMs = this.settings.statsIntervalMs;
      this.baseURL = this.settings.collectorURL || env.defaultCollector();
      this.deviceID = deviceIDOf(env);
      this.conferences = /* @__PURE__ */ new Map();
      this.fabrics = /* @__PURE__ */ new Map();
      this.ended = /* @__PURE__ */ new WeakSet();
      this.lanes = 0;
      this.precall = null;
      this.unloaded = false;
      this.pageListeners = [];
      this.auth = new Authenticator({
        env,
        log: this.log,
        baseURL: this.baseURL,
        appID: this.appID,
        localID: this.localID,
        credential: init.credential,
        notify: (
          /** @param {import('./types.js').CsError} csError @param {string} message */
          (csError, message) => this.notify(csError, message)
        ),
        onRefused: () => this.stopMonitoring()
      });
      this.transport = new Transport({ env, log: this.log, tokens: this.auth });
    }
    start() {
      this.log.debug(`callstats ${VERSION}: collector ${this.baseURL || "(same origin)"}, device ${this.deviceID}`);
      this.auth.renew().catch(() => {
      });
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
      if (this.settings.applicationVersion !== void 0) info.appVersion = this.settings.applicationVersion;
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
      fabric.post("events/fabric", { eventType: "fabricTerminated" }, {
        at,
        urgent,
        label: `fabricTerminated ${fabric.connectionID}`
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
      const precall = { result: null };
      this.precall = precall;
      const run = guarded(this.log, "pre-call test", async () => {
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
      const result2 = this.precall && this.precall.result;
      if (!result2 || conference.precallPosted || !conference.ucID) return;
      conference.precallPosted = true;
      const fields = { connectivity: result2.connectivity, duration: result2.duration };
      for (
        const key of
        /** @type {const} */
        ["rtt", "jitter", "fractionLoss", "throughput", "candidateType"]
      ) {
        const value = result2[key];
        if (typeof value === "number" ? Number.isFinite(value) && value >= 0 : value !== void 0) fields[key] = value;
      }
      if (result2.message) fields.message = truncateUtf8(this.privacy(result2.message), LIMITS.precallMessageBytes).text;
      conference.post("events/precalltest", fields, { at: result2.timestamp, label: "pre-call test" });
    }
    listenToPage() {
      const target = this.env.window;
      if (!target) return;
      const onLeave = guarded(this.log, "page unload", () => this.pageLeaving());
      const onOnline = guarded(this.log, "online", () => this.transport.wake());
      const listeners = [["pagehide", onLeave], ["beforeunload", onLeave], ["online", onOnline]];
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
  };

  // sdk/src/callstats.js
  var callstats = class {
    // The same values on instances, read through the prototype, as
    // callstats.io's SDK offers them (`new callstats().fabricUsage`).
    /** The SDK version (semver), also `callstats.version`. */
    get version() {
      return VERSION;
    }
    get fabricUsage() {
      return ENUMS.fabricUsage;
    }
    get fabricEvent() {
      return ENUMS.fabricEvent;
    }
    get webRTCFunctions() {
      return ENUMS.webRTCFunctions;
    }
    get endpointType() {
      return ENUMS.endpointType;
    }
    get transmissionDirection() {
      return ENUMS.transmissionDirection;
    }
    get userIDType() {
      return ENUMS.userIDType;
    }
    get callStatsAPIReturnStatus() {
      return ENUMS.callStatsAPIReturnStatus;
    }
    get csError() {
      return ENUMS.csError;
    }
    /**
     * Authenticates with the collector. With an AppSecret the SDK signs a
     * short-lived HS256 JWT in the page (the secret is never sent); with a
     * tokenGenerator the application supplies the JWT. The outcome reaches
     * csInitCallback: `success`, `authError`, `httpError`, `tokenGenerationError`.
     * @param {string | number} appID
     * @param {string | TokenGenerator} appSecretOrTokenGenerator
     * @param {UserID} localUserID
     * @param {CsCallback | null} [csInitCallback]
     * @param {StatsCallback | null} [csStatsCallback]
     * @param {ConfigParams | null} [configParams]
     * @returns {APIResult}
     */
    initialize(appID, appSecretOrTokenGenerator, localUserID, csInitCallback, csStatsCallback, configParams) {
      return apiCall(this, () => {
        const app = checkAppID(appID);
        const credential = appSecretOrTokenGenerator;
        if (typeof credential !== "function") {
          checkString("appSecret", credential);
          if (credential === "") fail("appSecret", "must not be empty");
        }
        const localID = checkUserID("localUserID", localUserID);
        checkCallback("csInitCallback", csInitCallback);
        checkCallback("csStatsCallback", csStatsCallback);
        const config = checkConfigParams(configParams);
        const state = stateOf(this);
        const signature = jsonOrNull([app, localUserID, configParams || {}]);
        if (state.session && signature !== null && state.signature === signature && state.credential === credential) {
          state.session.callbacks = { init: csInitCallback, stats: csStatsCallback };
          return "already initialized with these arguments";
        }
        if (state.session) state.session.close();
        const env = Object.assign(defaultEnvironment(), state.environment || {});
        const session = new Session(env, {
          appID: app,
          localUserID,
          localID,
          credential,
          csInitCallback,
          csStatsCallback,
          config
        });
        if (config.unknown.length > 0) session.log.warn(`configParams: ignored unknown keys ${config.unknown.join(", ")}`);
        Object.assign(state, { session, signature, credential });
        session.start();
        return "authenticating";
      });
    }
    /**
     * Starts monitoring a peer connection; the short form takes pcCallback fifth.
     * pcCallback gets `success` once the fabric is stored, else the failure:
     * `csProtoError` (refused by the collector), `authError` or
     * `tokenGenerationError` (initialize() failed), and later
     * `appConnectivityError` when ICE disconnects or fails.
     * @overload
     * @param {RTCPeerConnection} pcObject
     * @param {UserID} remoteUserID
     * @param {FabricUsage} fabricUsage
     * @param {string} conferenceID
     * @param {CsCallback} [pcCallback]
     * @returns {APIResult}
     */
    /**
     * Starts monitoring a peer connection, with the attributes of its remote end.
     * @overload
     * @param {RTCPeerConnection} pcObject
     * @param {UserID} remoteUserID
     * @param {FabricUsage} fabricUsage
     * @param {string} conferenceID
     * @param {FabricAttributes | null} [fabricAttributes]
     * @param {CsCallback | null} [pcCallback]
     * @returns {APIResult}
     */
    /**
     * @param {RTCPeerConnection} pcObject
     * @param {UserID} remoteUserID
     * @param {FabricUsage} fabricUsage
     * @param {string} conferenceID
     * @param {FabricAttributes | CsCallback | null} [fabricAttributes]
     * @param {CsCallback | null} [pcCallback]
     * @returns {APIResult}
     */
    addNewFabric(pcObject, remoteUserID, fabricUsage, conferenceID, fabricAttributes, pcCallback) {
      return apiCall(this, () => {
        const session = sessionOf(this);
        if (typeof fabricAttributes === "function" && pcCallback === void 0) {
          pcCallback = fabricAttributes;
          fabricAttributes = void 0;
        }
        checkPeerConnection("pcObject", pcObject);
        const remoteID = checkUserID("remoteUserID", remoteUserID);
        checkEnum("fabricUsage", fabricUsage, ENUMS.fabricUsage);
        checkIdentifier("conferenceID", conferenceID, LIMITS.idBytes);
        const attributes = checkFabricAttributes(fabricAttributes);
        checkCallback("pcCallback", pcCallback);
        checkInitializeSucceeded(session, pcCallback);
        const existing = session.fabrics.get(pcObject);
        if (existing) {
          if (existing.conference.id === conferenceID) return `already monitoring this pcObject as ${existing.connectionID}`;
          fail("pcObject", `is already monitored in conference ${JSON.stringify(existing.conference.id)}`);
        }
        const fabric = session.addFabric(
          pcObject,
          conferenceID,
          { userID: remoteUserID, wireID: remoteID },
          fabricUsage,
          attributes,
          pcCallback
        );
        return `monitoring as ${fabric.connectionID}`;
      });
    }
    /**
     * Reports a failed WebRTC call (or, with `applicationLog`, a log line cut
     * to 20 KB). pcObject is null for getUserMedia failures. An SDP left
     * undefined is read from pcObject; null means "do not collect it".
     * @param {RTCPeerConnection | null} pcObject
     * @param {string} conferenceID
     * @param {WebRTCFunction} wrtcFuncName
     * @param {Error | DOMException | Record<string, unknown> | string | null} [domError]
     * @param {string | RTCSessionDescriptionInit | null} [localSDP]
     * @param {string | RTCSessionDescriptionInit | null} [remoteSDP]
     * @returns {APIResult}
     */
    reportError(pcObject, conferenceID, wrtcFuncName, domError, localSDP, remoteSDP) {
      return apiCall(this, () => {
        const session = sessionOf(this);
        if (pcObject !== null && pcObject !== void 0) checkPeerConnection("pcObject", pcObject);
        checkIdentifier("conferenceID", conferenceID, LIMITS.idBytes);
        checkEnum("wrtcFuncName", wrtcFuncName, ENUMS.webRTCFunctions);
        const local = checkSdp("localSDP", localSDP);
        const remote = checkSdp("remoteSDP", remoteSDP);
        checkInitializeSucceeded(session);
        const fabric = pcObject ? session.fabrics.get(pcObject) : void 0;
        if (fabric && fabric.conference.id !== conferenceID) {
          fabricOf(
            session,
            /** @type {RTCPeerConnection} */
            pcObject,
            conferenceID,
            "pcObject"
          );
        }
        const fields = { wrtcFuncName };
        if (fabric) Object.assign(fields, { connectionID: fabric.connectionID, remoteID: fabric.remoteID });
        if (wrtcFuncName === ENUMS.webRTCFunctions.applicationLog) {
          Object.assign(fields, logFields(session, domError));
        } else {
          const object = errorFields(domError);
          if (object) {
            checkJsonObject("domError", object);
            fields.domError = session.privacy(object);
          }
        }
        const isFailure = wrtcFuncName !== ENUMS.webRTCFunctions.applicationLog;
        const sdps = [["localSDP", local, "localDescription"], ["remoteSDP", remote, "remoteDescription"]];
        for (const [key, given, property] of sdps) {
          const fromPc = given === void 0 && isFailure && pcObject ? pcObject[property] : null;
          const sdp = fromPc ? fromPc.sdp : given;
          if (typeof sdp === "string" && sdp !== "" && utf8Bytes(sdp) <= LIMITS.sdpBytes) fields[key] = session.privacy(sdp);
        }
        session.conference(conferenceID).post("events/error", fields, { label: `reportError ${wrtcFuncName}` });
        return "error reported";
      });
    }
    /**
     * Hold/resume, mute, pause, screen sharing, dominant speaker, device list; `fabricTerminated` stops monitoring.
     * @param {RTCPeerConnection} pcObject
     * @param {FabricEvent} fabricEvent
     * @param {string} conferenceID
     * @param {FabricEventData | null} [eventData]
     * @returns {APIResult}
     */
    sendFabricEvent(pcObject, fabricEvent, conferenceID, eventData) {
      return apiCall(this, () => {
        const session = sessionOf(this);
        checkPeerConnection("pcObject", pcObject);
        checkEnum("fabricEvent", fabricEvent, ENUMS.fabricEvent);
        checkIdentifier("conferenceID", conferenceID, LIMITS.idBytes);
        if (eventData !== void 0 && eventData !== null) checkJsonObject("eventData", eventData);
        checkInitializeSucceeded(session);
        if (fabricEvent === ENUMS.fabricEvent.fabricTerminated && session.ended.has(pcObject)) {
          return "monitoring of this pcObject had already ended";
        }
        const fabric = fabricOf(session, pcObject, conferenceID, "pcObject");
        if (fabricEvent === ENUMS.fabricEvent.fabricTerminated) {
          session.endFabric(fabric, session.env.now());
          return "fabric terminated; monitoring stopped";
        }
        const fields = { fabricEvent };
        if (eventData !== void 0 && eventData !== null) fields.eventData = deviceList(eventData);
        fabric.post("events/fabric/action", fields, { label: `fabric event ${fabricEvent}` });
        return `${fabricEvent} sent`;
      });
    }
    /**
     * Maps an SSRC to the user producing it, with a usage label (≤ 20 bytes);
     * with a video element (or its id), time to first media is measured.
     * @param {RTCPeerConnection} pcObject
     * @param {UserID} userID
     * @param {string} conferenceID
     * @param {string | number} ssrc
     * @param {string} usageLabel
     * @param {string | HTMLVideoElement | null} [associatedVideoTag]
     * @returns {APIResult}
     */
    associateMstWithUserID(pcObject, userID, conferenceID, ssrc, usageLabel, associatedVideoTag) {
      return apiCall(this, () => {
        const session = sessionOf(this);
        checkPeerConnection("pcObject", pcObject);
        checkUserID("userID", userID);
        checkIdentifier("conferenceID", conferenceID, LIMITS.idBytes);
        const decimal = checkSsrc("ssrc", ssrc);
        checkString("usageLabel", usageLabel);
        checkMaxBytes("usageLabel", usageLabel, LIMITS.usageLabelBytes);
        checkVideoTag("associatedVideoTag", associatedVideoTag);
        checkInitializeSucceeded(session);
        const fabric = fabricOf(session, pcObject, conferenceID, "pcObject");
        fabric.associate(decimal, userID, usageLabel, associatedVideoTag);
        return `SSRC ${decimal} associated`;
      });
    }
    /**
     * The user's rating of the call; pcCallback gets `success` once it is
     * stored, else the failure: `csProtoError`, `authError` or `tokenGenerationError`.
     * @param {string} conferenceID
     * @param {Feedback} feedback
     * @param {CsCallback | null} [pcCallback]
     * @returns {APIResult}
     */
    sendUserFeedback(conferenceID, feedback, pcCallback) {
      return apiCall(this, () => {
        const session = sessionOf(this);
        checkIdentifier("conferenceID", conferenceID, LIMITS.idBytes);
        if (!isPlainObject(feedback)) fail("feedback", `must be an object {userID, overall, ...}, got ${describe(feedback)}`);
        checkUserID("feedback.userID", feedback.userID);
        const ratings = { overallRating: checkRating("feedback.overall", feedback.overall, true) };
        const optional = [["audio", "audioQualityRating"], ["video", "videoQualityRating"], ["screen", "screenQualityRating"]];
        for (const [key, wire] of optional) {
          const rating = checkRating(`feedback.${key}`, feedback[key], false);
          if (rating !== void 0) ratings[wire] = rating;
        }
        if (feedback.comment !== void 0 && feedback.comment !== null && feedback.comment !== "") {
          checkString("feedback.comment", feedback.comment);
          checkMaxBytes("feedback.comment", feedback.comment, LIMITS.commentBytes);
          ratings.comments = feedback.comment;
        }
        checkCallback("pcCallback", pcCallback);
        checkInitializeSucceeded(session, pcCallback);
        session.conference(conferenceID).post("events/feedback", { remoteID: "", feedback: ratings }, {
          label: "user feedback",
          onSuccess: () => callBack(session.log, pcCallback, CS_ERROR.success, "feedback stored"),
          onRejected: (status, message) => callBack(session.log, pcCallback, CS_ERROR.csProtoError, message),
          onFailed: (csError, message) => callBack(session.log, pcCallback, csError, message)
        });
        return "feedback queued";
      });
    }
    /**
     * Contact-centre details of the call.
     * @param {RTCPeerConnection} pc
     * @param {string} conferenceID
     * @param {CallAttributes} callAttributes
     * @returns {APIResult}
     */
    sendCallDetails(pc, conferenceID, callAttributes) {
      return apiCall(this, () => {
        const session = sessionOf(this);
        checkPeerConnection("pc", pc);
        checkIdentifier("conferenceID", conferenceID, LIMITS.idBytes);
        checkJsonObject("callAttributes", callAttributes);
        if (callAttributes.callType !== void 0) {
          checkEnum("callAttributes.callType", callAttributes.callType, namedValues(["inbound", "outbound", "monitoring"]));
        }
        if (callAttributes.role !== void 0) {
          checkEnum("callAttributes.role", callAttributes.role, namedValues(["agent", "participant", "manager"]));
        }
        checkInitializeSucceeded(session);
        const fabric = session.fabrics.get(pc);
        const fields = { callAttributes };
        if (fabric) {
          fabricOf(session, pc, conferenceID, "pc");
          fields.connectionID = fabric.connectionID;
        }
        session.conference(conferenceID).post("events/calldetails", fields, { label: "call details" });
        return "call details queued";
      });
    }
  };
  /**
   * The SDK version (semver), also on instances.
   * @readonly @type {string}
   */
  __publicField(callstats, "version", VERSION);
  /**
   * What a fabric carries: addNewFabric's fabricUsage.
   * @readonly @type {Enum<FabricUsage>}
   */
  __publicField(callstats, "fabricUsage", ENUMS.fabricUsage);
  /**
   * sendFabricEvent's fabricEvent.
   * @readonly @type {Enum<FabricEvent>}
   */
  __publicField(callstats, "fabricEvent", ENUMS.fabricEvent);
  /**
   * The WebRTC function that failed: reportError's wrtcFuncName.
   * @readonly @type {Enum<WebRTCFunction>}
   */
  __publicField(callstats, "webRTCFunctions", ENUMS.webRTCFunctions);
  /**
   * fabricAttributes.remoteEndpointType.
   * @readonly @type {Enum<EndpointType>}
   */
  __publicField(callstats, "endpointType", ENUMS.endpointType);
  /**
   * fabricAttributes.fabricTransmissionDirection.
   * @readonly @type {Enum<TransmissionDirection>}
   */
  __publicField(callstats, "transmissionDirection", ENUMS.transmissionDirection);
  /**
   * Whether a user is the local or a remote one.
   * @readonly @type {Enum<UserIDType>}
   */
  __publicField(callstats, "userIDType", ENUMS.userIDType);
  /**
   * APIResult's status.
   * @readonly @type {Enum<ReturnStatus>}
   */
  __publicField(callstats, "callStatsAPIReturnStatus", ENUMS.callStatsAPIReturnStatus);
  /**
   * The csError of csInitCallback and pcCallback.
   * @readonly @type {Enum<CsError>}
   */
  __publicField(callstats, "csError", ENUMS.csError);

  // sdk/src/index.js
  if (typeof document !== "undefined" && document.currentScript) {
    loadedFrom(
      /** @type {HTMLScriptElement} */
      document.currentScript.src
    );
  }
  if (typeof module === "object" && module && module.exports) {
    module.exports = callstats;
  } else {
    globalThis.callstats = callstats;
    if (typeof define === "function" && define.amd) {
      define("callstats", [], () => callstats);
    }
  }
})();
