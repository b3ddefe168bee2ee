// Type declarations for callstats.js (callscope): the callstats.js API.
// Global `callstats` with <script src="/callstats.js">; `require('callstats.js')`;
// or `import callstats from '/callstats.mjs'`. Uses the DOM library's WebRTC types.
//
// Generated from the JSDoc of sdk/src (callstats.js, types.js) by
// scripts/build-sdk.mjs: edit those, not this file.

export = callstats;
export as namespace callstats;

/**
 * The callstats.js API. Each instance has its own session, started by
 * initialize(), and monitors the peer connections added to it; every method
 * answers at once with an APIResult and never throws.
 */
declare class callstats {
    /**
     * The SDK version (semver), also on instances.
     * @readonly @type {string}
     */
    static readonly version: string;
    /**
     * What a fabric carries: addNewFabric's fabricUsage.
     * @readonly @type {Enum<FabricUsage>}
     */
    static readonly fabricUsage: callstats.Enum<callstats.FabricUsage>;
    /**
     * sendFabricEvent's fabricEvent.
     * @readonly @type {Enum<FabricEvent>}
     */
    static readonly fabricEvent: callstats.Enum<callstats.FabricEvent>;
    /**
     * The WebRTC function that failed: reportError's wrtcFuncName.
     * @readonly @type {Enum<WebRTCFunction>}
     */
    static readonly webRTCFunctions: callstats.Enum<callstats.WebRTCFunction>;
    /**
     * fabricAttributes.remoteEndpointType.
     * @readonly @type {Enum<EndpointType>}
     */
    static readonly endpointType: callstats.Enum<callstats.EndpointType>;
    /**
     * fabricAttributes.fabricTransmissionDirection.
     * @readonly @type {Enum<TransmissionDirection>}
     */
    static readonly transmissionDirection: callstats.Enum<callstats.TransmissionDirection>;
    /**
     * Whether a user is the local or a remote one.
     * @readonly @type {Enum<UserIDType>}
     */
    static readonly userIDType: callstats.Enum<callstats.UserIDType>;
    /**
     * APIResult's status.
     * @readonly @type {Enum<ReturnStatus>}
     */
    static readonly callStatsAPIReturnStatus: callstats.Enum<callstats.ReturnStatus>;
    /**
     * The csError of csInitCallback and pcCallback.
     * @readonly @type {Enum<CsError>}
     */
    static readonly csError: callstats.Enum<callstats.CsError>;
    /** The SDK version (semver), also `callstats.version`. */
    get version(): string;
    get fabricUsage(): callstats.Enum<callstats.FabricUsage>;
    get fabricEvent(): callstats.Enum<callstats.FabricEvent>;
    get webRTCFunctions(): callstats.Enum<callstats.WebRTCFunction>;
    get endpointType(): callstats.Enum<callstats.EndpointType>;
    get transmissionDirection(): callstats.Enum<callstats.TransmissionDirection>;
    get userIDType(): callstats.Enum<callstats.UserIDType>;
    get callStatsAPIReturnStatus(): callstats.Enum<callstats.ReturnStatus>;
    get csError(): callstats.Enum<callstats.CsError>;
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
    initialize(appID: string | number, appSecretOrTokenGenerator: string | callstats.TokenGenerator, localUserID: callstats.UserID, csInitCallback?: callstats.CsCallback | null, csStatsCallback?: callstats.StatsCallback | null, configParams?: callstats.ConfigParams | null): callstats.APIResult;
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
    addNewFabric(pcObject: RTCPeerConnection, remoteUserID: callstats.UserID, fabricUsage: callstats.FabricUsage, conferenceID: string, pcCallback?: callstats.CsCallback | undefined): callstats.APIResult;
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
    addNewFabric(pcObject: RTCPeerConnection, remoteUserID: callstats.UserID, fabricUsage: callstats.FabricUsage, conferenceID: string, fabricAttributes?: callstats.FabricAttributes | null | undefined, pcCallback?: callstats.CsCallback | null | undefined): callstats.APIResult;
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
    reportError(pcObject: RTCPeerConnection | null, conferenceID: string, wrtcFuncName: callstats.WebRTCFunction, domError?: Error | DOMException | Record<string, unknown> | string | null, localSDP?: string | RTCSessionDescriptionInit | null, remoteSDP?: string | RTCSessionDescriptionInit | null): callstats.APIResult;
    /**
     * Hold/resume, mute, pause, screen sharing, dominant speaker, device list; `fabricTerminated` stops monitoring.
     * @param {RTCPeerConnection} pcObject
     * @param {FabricEvent} fabricEvent
     * @param {string} conferenceID
     * @param {FabricEventData | null} [eventData]
     * @returns {APIResult}
     */
    sendFabricEvent(pcObject: RTCPeerConnection, fabricEvent: callstats.FabricEvent, conferenceID: string, eventData?: callstats.FabricEventData | null): callstats.APIResult;
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
    associateMstWithUserID(pcObject: RTCPeerConnection, userID: callstats.UserID, conferenceID: string, ssrc: string | number, usageLabel: string, associatedVideoTag?: string | HTMLVideoElement | null): callstats.APIResult;
    /**
     * The user's rating of the call; pcCallback gets `success` once it is
     * stored, else the failure: `csProtoError`, `authError` or `tokenGenerationError`.
     * @param {string} conferenceID
     * @param {Feedback} feedback
     * @param {CsCallback | null} [pcCallback]
     * @returns {APIResult}
     */
    sendUserFeedback(conferenceID: string, feedback: callstats.Feedback, pcCallback?: callstats.CsCallback | null): callstats.APIResult;
    /**
     * Contact-centre details of the call.
     * @param {RTCPeerConnection} pc
     * @param {string} conferenceID
     * @param {CallAttributes} callAttributes
     * @returns {APIResult}
     */
    sendCallDetails(pc: RTCPeerConnection, conferenceID: string, callAttributes: callstats.CallAttributes): callstats.APIResult;
}

declare namespace callstats {
    type FabricUsage = "multiplex" | "audio" | "video" | "screen" | "data" | "unbundled";
    type FabricEvent = "fabricHold" | "fabricResume" | "audioMute" | "audioUnmute" | "videoPause" | "videoResume" | "fabricTerminated" | "screenShareStart" | "screenShareStop" | "dominantSpeaker" | "activeDeviceList";
    type WebRTCFunction = "getUserMedia" | "createOffer" | "createAnswer" | "setLocalDescription" | "setRemoteDescription" | "addIceCandidate" | "iceConnectionFailure" | "signalingError" | "applicationLog";
    type EndpointType = "peer" | "server";
    type TransmissionDirection = "sendonly" | "receiveonly" | "sendrecv" | "inactive";
    type UserIDType = "local" | "remote";
    type ReturnStatus = "success" | "error";
    type CsError = "httpError" | "authError" | "wsChannelFailure" | "csProtoError" | "success" | "appConnectivityError" | "tokenGenerationError";
    /**
     * Each enum maps every name to itself, frozen.
     */
    type Enum<T extends string> = { readonly [K in T]: K; };
    /**
     * Every API call answers at once; `error` means nothing was sent, and msg
     * names the argument, or says that initialize() failed and must be called again.
     */
    interface APIResult {
        status: ReturnStatus;
        msg: string;
    }
    /**
     * A userID object: userName is shown to support staff only, aliasName to engineers.
     */
    interface UserIDObject {
        /**
         * At most 128 characters.
         */
        userName: string;
        /**
         * At most 128 characters (and 256 bytes: it is the ID on the wire).
         */
        aliasName: string;
        /**
         * At most 128 characters.
         */
        loginID?: string | undefined;
    }
    /**
     * A string of at most 256 bytes of UTF-8, or a userID object.
     */
    type UserID = string | UserIDObject;
    /**
     * `(csError, csErrMsg)` of csInitCallback and pcCallback.
     */
    type CsCallback = (csError: CsError, csErrMsg: string) => void;
    /**
     * Produces the JWT for third-party authentication. `forceNew` asks for a
     * fresh token (the previous one was refused); call back `(null, token)`,
     * or `(error)` when no token can be made.
     */
    type TokenGenerator = (forceNew: boolean, callback: (error: unknown, token?: string) => void) => void;
    /**
     * Application IDs, each value ≤ 256 bytes.
     */
    interface AdditionalIDs {
        customerID?: string;
        tenantID?: string;
        productName?: string;
        meetingsName?: string;
        serverName?: string;
        pbxID?: string;
        pbxExtensionID?: string;
        fqExtensionID?: string;
        sessionID?: string;
        [name: string]: string | undefined;
    }
    interface ConfigParams {
        /**
         * No fabricTerminated on page unload: the application sends it.
         */
        disableBeforeUnloadHandler?: boolean | undefined;
        /**
         * At most 30 characters.
         */
        applicationVersion?: string | undefined;
        /**
         * No pre-call test at initialize().
         */
        disablePrecalltest?: boolean | undefined;
        /**
         * At most 256 bytes.
         */
        siteID?: string | undefined;
        /**
         * Stored with the endpoint; stats are always standard getStats() ones.
         */
        collectLegacyStats?: boolean | undefined;
        additionalIDs?: AdditionalIDs | undefined;
        /**
         * false: every IP address is masked (x.x.x.x, x:x:x:x) before it leaves the browser.
         */
        collectIP?: boolean | undefined;
        /**
         * How often getStats() is polled, in ms (default 10000, at least 1000).
         */
        statsInterval?: number | undefined;
        /**
         * The collector's URL; default: the origin callstats.js was loaded from.
         */
        collectorURL?: string | undefined;
        /**
         * Logs what the SDK does with console.debug.
         */
        debug?: boolean | undefined;
        /**
         * The pre-call test's ICE servers (default: none, host candidates only).
         */
        precallTest?: {
            iceServers?: RTCIceServer[];
        } | undefined;
    }
    /**
     * How the fabric's remote end is reached: remoteEndpointType defaults to
     * `peer`, fabricTransmissionDirection to `sendrecv`.
     */
    interface FabricAttributes {
        remoteEndpointType?: EndpointType;
        fabricTransmissionDirection?: TransmissionDirection;
        [name: string]: unknown;
    }
    /**
     * eventData of sendFabricEvent; for activeDeviceList, `deviceList` holds MediaDeviceInfo objects.
     */
    interface FabricEventData {
        deviceList?: Array<MediaDeviceInfo | {
            deviceId: string;
            kind?: string;
            label?: string;
            groupId?: string;
        }>;
        [name: string]: unknown;
    }
    interface Feedback {
        userID: UserID;
        /**
         * 1 (bad) to 5 (excellent).
         */
        overall: number;
        audio?: number | undefined;
        video?: number | undefined;
        screen?: number | undefined;
        /**
         * At most 8 KiB.
         */
        comment?: string | undefined;
    }
    interface CallAttributes {
        callType?: "inbound" | "outbound" | "monitoring";
        role?: "agent" | "participant" | "manager";
        [name: string]: unknown;
    }
    /**
     * One RTP stream of a fabric, as csStatsCallback reports it.
     */
    interface StreamStats {
        reportType: "inbound" | "outbound";
        mediaType?: "audio" | "video" | undefined;
        ssrc: string;
        /**
         * The user producing the stream (from associateMstWithUserID, else local/remote userID).
         */
        userID?: UserID | undefined;
        usageLabel?: string | undefined;
        /**
         * Bits per second since the previous poll.
         */
        bitrate?: number | undefined;
        /**
         * Round-trip time, ms.
         */
        rtt?: number | undefined;
        /**
         * Lost fraction, 0 to 1: since the previous poll for inbound streams, as reported by the remote for outbound.
         */
        fractionLoss?: number | undefined;
        /**
         * ms.
         */
        jitter?: number | undefined;
        packetsLost?: number | undefined;
        packetsReceived?: number | undefined;
        packetsSent?: number | undefined;
        framesPerSecond?: number | undefined;
        frameWidth?: number | undefined;
        frameHeight?: number | undefined;
    }
    /**
     * What csStatsCallback receives, once per fabric per poll.
     */
    interface FabricStats {
        conferenceID: string;
        /**
         * The SDK's id of the peer connection.
         */
        connectionID: string;
        remoteUserID: UserID;
        fabricUsage: FabricUsage;
        /**
         * When the stats were read, ms since the epoch.
         */
        timestamp: number;
        iceConnectionState: RTCIceConnectionState;
        connectionState?: RTCPeerConnectionState | undefined;
        /**
         * Round-trip time of the selected candidate pair, ms.
         */
        rtt?: number | undefined;
        /**
         * The selected candidate pair.
         */
        transport?: {
            localCandidateType?: RTCIceCandidateType | undefined;
            remoteCandidateType?: RTCIceCandidateType | undefined;
            protocol?: string | undefined;
            relayProtocol?: string | undefined;
        } | undefined;
        /**
         * Keyed by SSRC (decimal string).
         */
        streams: {
            [ssrc: string]: StreamStats;
        };
    }
    type StatsCallback = (stats: FabricStats) => void;
}
