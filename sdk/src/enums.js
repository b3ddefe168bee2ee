// Enums (api-reference-v3 "API Enums" and "csError Types")


export function namedValues(names) {
  const values = {};
  for (const name of names) values[name] = name;
  return Object.freeze(values);
}

export const ENUMS = Object.freeze({
  fabricUsage: namedValues(['multiplex', 'audio', 'video', 'screen', 'data', 'unbundled']),
  fabricEvent: namedValues([
    'fabricHold', 'fabricResume', 'audioMute', 'audioUnmute', 'videoPause', 'videoResume',
    'fabricTerminated', 'screenShareStart', 'screenShareStop', 'dominantSpeaker', 'activeDeviceList',
  ]),
  webRTCFunctions: namedValues([
    'getUserMedia', 'createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription',
    'addIceCandidate', 'iceConnectionFailure', 'signalingError', 'applicationLog',
  ]),
  endpointType: namedValues(['peer', 'server']),
  transmissionDirection: namedValues(['sendonly', 'receiveonly', 'sendrecv', 'inactive']),
  userIDType: namedValues(['local', 'remote']),
  callStatsAPIReturnStatus: namedValues(['success', 'error']),
  csError: namedValues([
    'httpError', 'authError', 'wsChannelFailure', 'csProtoError', 'success',
    'appConnectivityError', 'tokenGenerationError',
  ]),
});
export const CS_ERROR = ENUMS.csError;

/** configParams keys the collector stores; the others only steer the SDK. */
export const SERVER_CONFIG_KEYS = [
  'applicationVersion', 'siteID', 'additionalIDs', 'disableBeforeUnloadHandler',
  'disablePrecalltest', 'collectLegacyStats', 'collectIP',
];
export const SDK_CONFIG_KEYS = ['statsInterval', 'collectorURL', 'debug', 'precallTest'];
