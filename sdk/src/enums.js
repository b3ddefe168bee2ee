// Enums (api-reference-v3 "API Enums" and "csError Types")

/** @import { CallAttributes, CsError, EndpointType, Enum, FabricEvent, FabricUsage, ReturnStatus, TransmissionDirection, UserIDType, WebRTCFunction } from './types.js' */

/**
 * The enum of `names`: each name maps to itself, frozen.
 * @template {string} T
 * @param {readonly T[]} names
 * @returns {Enum<T>}
 */
export function namedValues(names) {
  const values = /** @type {Record<T, T>} */ ({});
  for (const name of names) values[name] = name;
  return /** @type {Enum<T>} */ (Object.freeze(values));
}

/**
 * The enums of the API, each typed by its union in types.js: tsc finds a
 * name missing here (the enum would not be an Enum of the whole union) and,
 * as each list satisfies its union, a name that is not in it.
 * @typedef {object} Enums
 * @property {Enum<FabricUsage>} fabricUsage
 * @property {Enum<FabricEvent>} fabricEvent
 * @property {Enum<WebRTCFunction>} webRTCFunctions
 * @property {Enum<EndpointType>} endpointType
 * @property {Enum<TransmissionDirection>} transmissionDirection
 * @property {Enum<UserIDType>} userIDType
 * @property {Enum<ReturnStatus>} callStatsAPIReturnStatus
 * @property {Enum<CsError>} csError
 */

/** @type {Readonly<Enums>} */
export const ENUMS = Object.freeze({
  fabricUsage: namedValues(/** @satisfies {FabricUsage[]} */ (['multiplex', 'audio', 'video', 'screen', 'data', 'unbundled'])),
  fabricEvent: namedValues(/** @satisfies {FabricEvent[]} */ ([
    'fabricHold', 'fabricResume', 'audioMute', 'audioUnmute', 'videoPause', 'videoResume',
    'fabricTerminated', 'screenShareStart', 'screenShareStop', 'dominantSpeaker', 'activeDeviceList',
  ])),
  webRTCFunctions: namedValues(/** @satisfies {WebRTCFunction[]} */ ([
    'getUserMedia', 'createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription',
    'addIceCandidate', 'iceConnectionFailure', 'signalingError', 'applicationLog',
  ])),
  endpointType: namedValues(/** @satisfies {EndpointType[]} */ (['peer', 'server'])),
  transmissionDirection: namedValues(/** @satisfies {TransmissionDirection[]} */ (['sendonly', 'receiveonly', 'sendrecv', 'inactive'])),
  userIDType: namedValues(/** @satisfies {UserIDType[]} */ (['local', 'remote'])),
  callStatsAPIReturnStatus: namedValues(/** @satisfies {ReturnStatus[]} */ (['success', 'error'])),
  csError: namedValues(/** @satisfies {CsError[]} */ ([
    'httpError', 'authError', 'wsChannelFailure', 'csProtoError', 'success',
    'appConnectivityError', 'tokenGenerationError',
  ])),
});
export const CS_ERROR = ENUMS.csError;
