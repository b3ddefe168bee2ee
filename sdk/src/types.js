// The types of the callstats.js API: what applications pass and receive.
// scripts/sdk-dts.mjs turns them into the namespace `callstats` of
// public/callstats.d.ts, so every doc comment here is public documentation.

/** @typedef {'multiplex' | 'audio' | 'video' | 'screen' | 'data' | 'unbundled'} FabricUsage */
/**
 * @typedef {'fabricHold' | 'fabricResume' | 'audioMute' | 'audioUnmute' | 'videoPause' | 'videoResume'
 *   | 'fabricTerminated' | 'screenShareStart' | 'screenShareStop' | 'dominantSpeaker' | 'activeDeviceList'} FabricEvent
 */
/**
 * @typedef {'getUserMedia' | 'createOffer' | 'createAnswer' | 'setLocalDescription' | 'setRemoteDescription'
 *   | 'addIceCandidate' | 'iceConnectionFailure' | 'signalingError' | 'applicationLog'} WebRTCFunction
 */
/** @typedef {'peer' | 'server'} EndpointType */
/** @typedef {'sendonly' | 'receiveonly' | 'sendrecv' | 'inactive'} TransmissionDirection */
/** @typedef {'local' | 'remote'} UserIDType */
/** @typedef {'success' | 'error'} ReturnStatus */
/**
 * @typedef {'httpError' | 'authError' | 'wsChannelFailure' | 'csProtoError' | 'success'
 *   | 'appConnectivityError' | 'tokenGenerationError'} CsError
 */

/**
 * Each enum maps every name to itself, frozen.
 * @template {string} T
 * @typedef {{ readonly [K in T]: K }} Enum
 */

/**
 * Every API call answers at once; `error` means nothing was sent, and msg
 * names the argument, or says that initialize() failed and must be called again.
 * @typedef {object} APIResult
 * @property {ReturnStatus} status
 * @property {string} msg
 */

/**
 * A userID object: userName is shown to support staff only, aliasName to engineers.
 * @typedef {object} UserIDObject
 * @property {string} userName At most 128 characters.
 * @property {string} aliasName At most 128 characters (and 256 bytes: it is the ID on the wire).
 * @property {string} [loginID] At most 128 characters.
 */

/**
 * A string of at most 256 bytes of UTF-8, or a userID object.
 * @typedef {string | UserIDObject} UserID
 */

/**
 * `(csError, csErrMsg)` of csInitCallback and pcCallback.
 * @typedef {(csError: CsError, csErrMsg: string) => void} CsCallback
 */

/**
 * Produces the JWT for third-party authentication. `forceNew` asks for a
 * fresh token (the previous one was refused); call back `(null, token)`,
 * or `(error)` when no token can be made.
 * @typedef {(forceNew: boolean, callback: (error: unknown, token?: string) => void) => void} TokenGenerator
 */

/**
 * Application IDs, each value ≤ 256 bytes.
 * @typedef {{
 *   customerID?: string,
 *   tenantID?: string,
 *   productName?: string,
 *   meetingsName?: string,
 *   serverName?: string,
 *   pbxID?: string,
 *   pbxExtensionID?: string,
 *   fqExtensionID?: string,
 *   sessionID?: string,
 *   [name: string]: string | undefined,
 * }} AdditionalIDs
 */

/**
 * @typedef {object} ConfigParams
 * @property {boolean} [disableBeforeUnloadHandler] No fabricTerminated on page unload: the application sends it.
 * @property {string} [applicationVersion] At most 30 characters.
 * @property {boolean} [disablePrecalltest] No pre-call test at initialize().
 * @property {string} [siteID] At most 256 bytes.
 * @property {boolean} [collectLegacyStats] Stored with the endpoint; stats are always standard getStats() ones.
 * @property {AdditionalIDs} [additionalIDs]
 * @property {boolean} [collectIP] false: every IP address is masked (x.x.x.x, x:x:x:x) before it leaves the browser.
 * @property {number} [statsInterval] How often getStats() is polled, in ms (default 10000, at least 1000).
 * @property {string} [collectorURL] The collector's URL; default: the origin callstats.js was loaded from.
 * @property {boolean} [debug] Logs what the SDK does with console.debug.
 * @property {{ iceServers?: RTCIceServer[] }} [precallTest] The pre-call test's ICE servers (default: none, host candidates only).
 */

/**
 * How the fabric's remote end is reached: remoteEndpointType defaults to
 * `peer`, fabricTransmissionDirection to `sendrecv`.
 * @typedef {{
 *   remoteEndpointType?: EndpointType,
 *   fabricTransmissionDirection?: TransmissionDirection,
 *   [name: string]: unknown,
 * }} FabricAttributes
 */

/**
 * eventData of sendFabricEvent; for activeDeviceList, `deviceList` holds MediaDeviceInfo objects.
 * @typedef {{
 *   deviceList?: Array<MediaDeviceInfo | { deviceId: string, kind?: string, label?: string, groupId?: string }>,
 *   [name: string]: unknown,
 * }} FabricEventData
 */

/**
 * @typedef {object} Feedback
 * @property {UserID} userID
 * @property {number} overall 1 (bad) to 5 (excellent).
 * @property {number} [audio]
 * @property {number} [video]
 * @property {number} [screen]
 * @property {string} [comment] At most 8 KiB.
 */

/**
 * @typedef {{
 *   callType?: 'inbound' | 'outbound' | 'monitoring',
 *   role?: 'agent' | 'participant' | 'manager',
 *   [name: string]: unknown,
 * }} CallAttributes
 */

/**
 * One RTP stream of a fabric, as csStatsCallback reports it.
 * @typedef {object} StreamStats
 * @property {'inbound' | 'outbound'} reportType
 * @property {'audio' | 'video'} [mediaType]
 * @property {string} ssrc
 * @property {UserID} [userID] The user producing the stream (from associateMstWithUserID, else local/remote userID).
 * @property {string} [usageLabel]
 * @property {number} [bitrate] Bits per second since the previous poll.
 * @property {number} [rtt] Round-trip time, ms.
 * @property {number} [fractionLoss] Lost fraction, 0 to 1: since the previous poll for inbound streams, as reported by the remote for outbound.
 * @property {number} [jitter] ms.
 * @property {number} [packetsLost]
 * @property {number} [packetsReceived]
 * @property {number} [packetsSent]
 * @property {number} [framesPerSecond]
 * @property {number} [frameWidth]
 * @property {number} [frameHeight]
 */

/**
 * What csStatsCallback receives, once per fabric per poll.
 * @typedef {object} FabricStats
 * @property {string} conferenceID
 * @property {string} connectionID The SDK's id of the peer connection.
 * @property {UserID} remoteUserID
 * @property {FabricUsage} fabricUsage
 * @property {number} timestamp When the stats were read, ms since the epoch.
 * @property {RTCIceConnectionState} iceConnectionState
 * @property {RTCPeerConnectionState} [connectionState]
 * @property {number} [rtt] Round-trip time of the selected candidate pair, ms.
 * @property {object} [transport] The selected candidate pair.
 * @property {RTCIceCandidateType} [transport.localCandidateType]
 * @property {RTCIceCandidateType} [transport.remoteCandidateType]
 * @property {string} [transport.protocol]
 * @property {string} [transport.relayProtocol]
 * @property {{ [ssrc: string]: StreamStats }} streams Keyed by SSRC (decimal string).
 */

/** @typedef {(stats: FabricStats) => void} StatsCallback */

// A module: its typedefs are exports.
export {};
