// Type declarations for callstats.js (callscope): the callstats.js API.
// Global `callstats` with <script src="/callstats.js">; `require('callstats.js')`;
// or `import callstats from '/callstats.mjs'`. Uses the DOM library's WebRTC types.

export = callstats;
export as namespace callstats;

declare class callstats {
  /** The SDK version (semver), also `callstats.version`. */
  readonly version: string;

  readonly fabricUsage: typeof callstats.fabricUsage;
  readonly fabricEvent: typeof callstats.fabricEvent;
  readonly webRTCFunctions: typeof callstats.webRTCFunctions;
  readonly endpointType: typeof callstats.endpointType;
  readonly transmissionDirection: typeof callstats.transmissionDirection;
  readonly userIDType: typeof callstats.userIDType;
  readonly callStatsAPIReturnStatus: typeof callstats.callStatsAPIReturnStatus;
  readonly csError: typeof callstats.csError;

  /**
   * Authenticates with the collector. With an AppSecret the SDK signs a
   * short-lived HS256 JWT in the page (the secret is never sent); with a
   * tokenGenerator the application supplies the JWT. The outcome reaches
   * csInitCallback: `success`, `authError`, `httpError`, `tokenGenerationError`.
   */
  initialize(
    appID: string | number,
    appSecretOrTokenGenerator: string | callstats.TokenGenerator,
    localUserID: callstats.UserID,
    csInitCallback?: callstats.CsCallback | null,
    csStatsCallback?: callstats.StatsCallback | null,
    configParams?: callstats.ConfigParams | null,
  ): callstats.APIResult;

  /**
   * Starts monitoring a peer connection; the short form takes pcCallback fifth.
   * pcCallback gets `success` once the fabric is stored, else the failure:
   * `csProtoError` (refused by the collector), `authError` or
   * `tokenGenerationError` (initialize() failed), and later
   * `appConnectivityError` when ICE disconnects or fails.
   */
  addNewFabric(
    pcObject: RTCPeerConnection,
    remoteUserID: callstats.UserID,
    fabricUsage: callstats.FabricUsage,
    conferenceID: string,
    pcCallback?: callstats.CsCallback,
  ): callstats.APIResult;
  addNewFabric(
    pcObject: RTCPeerConnection,
    remoteUserID: callstats.UserID,
    fabricUsage: callstats.FabricUsage,
    conferenceID: string,
    fabricAttributes?: callstats.FabricAttributes | null,
    pcCallback?: callstats.CsCallback | null,
  ): callstats.APIResult;

  /**
   * Reports a failed WebRTC call (or, with `applicationLog`, a log line cut
   * to 20 KB). pcObject is null for getUserMedia failures. An SDP left
   * undefined is read from pcObject; null means "do not collect it".
   */
  reportError(
    pcObject: RTCPeerConnection | null,
    conferenceID: string,
    wrtcFuncName: callstats.WebRTCFunction,
    domError?: Error | DOMException | Record<string, unknown> | string | null,
    localSDP?: string | RTCSessionDescriptionInit | null,
    remoteSDP?: string | RTCSessionDescriptionInit | null,
  ): callstats.APIResult;

  /** Hold/resume, mute, pause, screen sharing, dominant speaker, device list; `fabricTerminated` stops monitoring. */
  sendFabricEvent(
    pcObject: RTCPeerConnection,
    fabricEvent: callstats.FabricEvent,
    conferenceID: string,
    eventData?: callstats.FabricEventData | null,
  ): callstats.APIResult;

  /**
   * Maps an SSRC to the user producing it, with a usage label (≤ 20 bytes);
   * with a video element (or its id), time to first media is measured.
   */
  associateMstWithUserID(
    pcObject: RTCPeerConnection,
    userID: callstats.UserID,
    conferenceID: string,
    ssrc: string | number,
    usageLabel: string,
    associatedVideoTag?: string | HTMLVideoElement | null,
  ): callstats.APIResult;

  /**
   * The user's rating of the call; pcCallback gets `success` once it is
   * stored, else the failure: `csProtoError`, `authError` or `tokenGenerationError`.
   */
  sendUserFeedback(
    conferenceID: string,
    feedback: callstats.Feedback,
    pcCallback?: callstats.CsCallback | null,
  ): callstats.APIResult;

  /** Contact-centre details of the call. */
  sendCallDetails(
    pc: RTCPeerConnection,
    conferenceID: string,
    callAttributes: callstats.CallAttributes,
  ): callstats.APIResult;
}

declare namespace callstats {
  /** The SDK version (semver). */
  const version: string;

  type FabricUsage = 'multiplex' | 'audio' | 'video' | 'screen' | 'data' | 'unbundled';
  type FabricEvent =
    | 'fabricHold' | 'fabricResume' | 'audioMute' | 'audioUnmute' | 'videoPause' | 'videoResume'
    | 'fabricTerminated' | 'screenShareStart' | 'screenShareStop' | 'dominantSpeaker' | 'activeDeviceList';
  type WebRTCFunction =
    | 'getUserMedia' | 'createOffer' | 'createAnswer' | 'setLocalDescription' | 'setRemoteDescription'
    | 'addIceCandidate' | 'iceConnectionFailure' | 'signalingError' | 'applicationLog';
  type EndpointType = 'peer' | 'server';
  type TransmissionDirection = 'sendonly' | 'receiveonly' | 'sendrecv' | 'inactive';
  type UserIDType = 'local' | 'remote';
  type ReturnStatus = 'success' | 'error';
  type CsError =
    | 'httpError' | 'authError' | 'wsChannelFailure' | 'csProtoError' | 'success'
    | 'appConnectivityError' | 'tokenGenerationError';

  /** Each enum maps every name to itself, frozen. */
  type Enum<T extends string> = { readonly [K in T]: K };

  const fabricUsage: Enum<FabricUsage>;
  const fabricEvent: Enum<FabricEvent>;
  const webRTCFunctions: Enum<WebRTCFunction>;
  const endpointType: Enum<EndpointType>;
  const transmissionDirection: Enum<TransmissionDirection>;
  const userIDType: Enum<UserIDType>;
  const callStatsAPIReturnStatus: Enum<ReturnStatus>;
  const csError: Enum<CsError>;

  /**
   * Every API call answers at once; `error` means nothing was sent, and msg
   * names the argument, or says that initialize() failed and must be called again.
   */
  interface APIResult {
    status: ReturnStatus;
    msg: string;
  }

  /** A userID object: userName is shown to support staff only, aliasName to engineers. */
  interface UserIDObject {
    /** ≤ 128 characters. */
    userName: string;
    /** ≤ 128 characters (and ≤ 256 bytes: it is the ID on the wire). */
    aliasName: string;
    /** ≤ 128 characters. */
    loginID?: string;
  }

  /** A string of at most 256 bytes of UTF-8, or a userID object. */
  type UserID = string | UserIDObject;

  /** `(csError, csErrMsg)` of csInitCallback and pcCallback. */
  type CsCallback = (csError: CsError, csErrMsg: string) => void;

  /**
   * Produces the JWT for third-party authentication. `forceNew` asks for a
   * fresh token (the previous one was refused); call back `(null, token)`,
   * or `(error)` when no token can be made.
   */
  type TokenGenerator = (forceNew: boolean, callback: (error: unknown, token?: string) => void) => void;

  /** Application IDs, each value ≤ 256 bytes. */
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
    /** No fabricTerminated on page unload: the application sends it. */
    disableBeforeUnloadHandler?: boolean;
    /** ≤ 30 characters. */
    applicationVersion?: string;
    /** No pre-call test at initialize(). */
    disablePrecalltest?: boolean;
    /** ≤ 256 bytes. */
    siteID?: string;
    /** Stored with the endpoint; stats are always standard getStats() ones. */
    collectLegacyStats?: boolean;
    additionalIDs?: AdditionalIDs;
    /** false: every IP address is masked (x.x.x.x, x:x:x:x) before it leaves the browser. */
    collectIP?: boolean;
    /** How often getStats() is polled, in ms (default 10000, at least 1000). */
    statsInterval?: number;
    /** The collector's URL; default: the origin callstats.js was loaded from. */
    collectorURL?: string;
    /** Logs what the SDK does with console.debug. */
    debug?: boolean;
    /** The pre-call test's ICE servers (default: none, host candidates only). */
    precallTest?: { iceServers?: RTCIceServer[] };
  }

  interface FabricAttributes {
    /** Default `peer`. */
    remoteEndpointType?: EndpointType;
    /** Default `sendrecv`. */
    fabricTransmissionDirection?: TransmissionDirection;
    [name: string]: unknown;
  }

  /** eventData of sendFabricEvent; for activeDeviceList, `deviceList` holds MediaDeviceInfo objects. */
  interface FabricEventData {
    deviceList?: Array<MediaDeviceInfo | { deviceId: string; kind?: string; label?: string; groupId?: string }>;
    [name: string]: unknown;
  }

  interface Feedback {
    userID: UserID;
    /** 1 (bad) to 5 (excellent). */
    overall: number;
    audio?: number;
    video?: number;
    screen?: number;
    /** ≤ 8 KiB. */
    comment?: string;
  }

  interface CallAttributes {
    callType?: 'inbound' | 'outbound' | 'monitoring';
    role?: 'agent' | 'participant' | 'manager';
    [name: string]: unknown;
  }

  /** One RTP stream of a fabric, as csStatsCallback reports it. */
  interface StreamStats {
    reportType: 'inbound' | 'outbound';
    mediaType?: 'audio' | 'video';
    ssrc: string;
    /** The user producing the stream (from associateMstWithUserID, else local/remote userID). */
    userID?: UserID;
    usageLabel?: string;
    /** Bits per second since the previous poll. */
    bitrate?: number;
    /** Round-trip time, ms. */
    rtt?: number;
    /** Lost fraction, 0 to 1: since the previous poll for inbound streams, as reported by the remote for outbound. */
    fractionLoss?: number;
    /** ms. */
    jitter?: number;
    packetsLost?: number;
    packetsReceived?: number;
    packetsSent?: number;
    framesPerSecond?: number;
    frameWidth?: number;
    frameHeight?: number;
  }

  /** What csStatsCallback receives, once per fabric per poll. */
  interface FabricStats {
    conferenceID: string;
    /** The SDK's id of the peer connection. */
    connectionID: string;
    remoteUserID: UserID;
    fabricUsage: FabricUsage;
    /** When the stats were read, ms since the epoch. */
    timestamp: number;
    iceConnectionState: RTCIceConnectionState;
    connectionState?: RTCPeerConnectionState;
    /** Round-trip time of the selected candidate pair, ms. */
    rtt?: number;
    /** The selected candidate pair. */
    transport?: {
      localCandidateType?: RTCIceCandidateType;
      remoteCandidateType?: RTCIceCandidateType;
      protocol?: string;
      relayProtocol?: string;
    };
    /** Keyed by SSRC (decimal string). */
    streams: { [ssrc: string]: StreamStats };
  }

  type StatsCallback = (stats: FabricStats) => void;
}
