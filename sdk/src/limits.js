// Limits and timings


/** The documented limits (SPEC §2) and those of the collector's bodies. */
export const LIMITS = Object.freeze({
  idBytes: 256,
  userFieldChars: 128,
  usageLabelBytes: 20,
  applicationVersionChars: 30,
  applicationLogBytes: 20 * 1024,
  sdpBytes: 256 * 1024,
  objectJsonBytes: 64 * 1024,
  commentBytes: 8 * 1024,
  precallMessageBytes: 1024,
  itemsPerArray: 1000,
  statsObjects: 2000,
});

export const TIMING = Object.freeze({
  statsIntervalMs: 10000,
  minStatsIntervalMs: 1000,
  aliveIntervalMs: 10000,
  requestTimeoutMs: 10000,
  backoffStartMs: 500,
  backoffCapMs: 15000,
  // The longest Retry-After honoured, so a wrong header cannot park the queue for good.
  retryAfterCapMs: 60 * 60 * 1000,
  jwtLifetimeSeconds: 300,
  // Re-authenticate this long before the access token expires.
  tokenRefreshMarginMs: 5 * 60 * 1000,
  // How long an associatedVideoTag given by id is looked for in the page.
  videoTagLookupMs: 60000,
  videoTagLookupStepMs: 250,
});

/** Queue bounds: stats are dropped (oldest first) before any event. */
export const QUEUE = Object.freeze({ statsCap: 500, hardCap: 20000 });
