// The public API

import { checkConfigParams } from './config.js';
import { CS_ERROR, ENUMS, namedValues } from './enums.js';
import { callBack, defaultEnvironment } from './environment.js';
import { apiCall, checkInitializeSucceeded, fabricOf, sessionOf, stateOf } from './instances.js';
import { LIMITS } from './limits.js';
import { deviceList, errorFields, logFields } from './payloads.js';
import { Session } from './session.js';
import { isPlainObject, jsonOrNull, utf8Bytes } from './text.js';
import { checkAppID, checkCallback, checkEnum, checkFabricAttributes, checkIdentifier, checkJsonObject, checkMaxBytes, checkPeerConnection, checkRating, checkSdp, checkSsrc, checkString, checkUserID, checkVideoTag, describe, fail } from './validate.js';
import { VERSION } from './version.js';

/** @import { APIResult, CallAttributes, ConfigParams, CsCallback, CsError, EndpointType, Enum, FabricAttributes, FabricEvent, FabricEventData, FabricUsage, Feedback, ReturnStatus, StatsCallback, TokenGenerator, TransmissionDirection, UserID, UserIDType, WebRTCFunction } from './types.js' */

/**
 * The callstats.js API. Each instance has its own session, started by
 * initialize(), and monitors the peer connections added to it; every method
 * answers at once with an APIResult and never throws.
 */
export class callstats {
  /**
   * The SDK version (semver), also on instances.
   * @readonly @type {string}
   */
  static version = VERSION;
  /**
   * What a fabric carries: addNewFabric's fabricUsage.
   * @readonly @type {Enum<FabricUsage>}
   */
  static fabricUsage = ENUMS.fabricUsage;
  /**
   * sendFabricEvent's fabricEvent.
   * @readonly @type {Enum<FabricEvent>}
   */
  static fabricEvent = ENUMS.fabricEvent;
  /**
   * The WebRTC function that failed: reportError's wrtcFuncName.
   * @readonly @type {Enum<WebRTCFunction>}
   */
  static webRTCFunctions = ENUMS.webRTCFunctions;
  /**
   * fabricAttributes.remoteEndpointType.
   * @readonly @type {Enum<EndpointType>}
   */
  static endpointType = ENUMS.endpointType;
  /**
   * fabricAttributes.fabricTransmissionDirection.
   * @readonly @type {Enum<TransmissionDirection>}
   */
  static transmissionDirection = ENUMS.transmissionDirection;
  /**
   * Whether a user is the local or a remote one.
   * @readonly @type {Enum<UserIDType>}
   */
  static userIDType = ENUMS.userIDType;
  /**
   * APIResult's status.
   * @readonly @type {Enum<ReturnStatus>}
   */
  static callStatsAPIReturnStatus = ENUMS.callStatsAPIReturnStatus;
  /**
   * The csError of csInitCallback and pcCallback.
   * @readonly @type {Enum<CsError>}
   */
  static csError = ENUMS.csError;

  // The same values on instances, read through the prototype, as
  // callstats.io's SDK offers them (`new callstats().fabricUsage`).

  /** The SDK version (semver), also `callstats.version`. */
  get version() { return VERSION; }
  get fabricUsage() { return ENUMS.fabricUsage; }
  get fabricEvent() { return ENUMS.fabricEvent; }
  get webRTCFunctions() { return ENUMS.webRTCFunctions; }
  get endpointType() { return ENUMS.endpointType; }
  get transmissionDirection() { return ENUMS.transmissionDirection; }
  get userIDType() { return ENUMS.userIDType; }
  get callStatsAPIReturnStatus() { return ENUMS.callStatsAPIReturnStatus; }
  get csError() { return ENUMS.csError; }

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
      if (typeof credential !== 'function') {
        checkString('appSecret', credential);
        if (credential === '') fail('appSecret', 'must not be empty');
      }
      const localID = checkUserID('localUserID', localUserID);
      checkCallback('csInitCallback', csInitCallback);
      checkCallback('csStatsCallback', csStatsCallback);
      const config = checkConfigParams(configParams);

      const state = stateOf(this);
      const signature = jsonOrNull([app, localUserID, configParams || {}]);
      if (state.session && signature !== null && state.signature === signature && state.credential === credential) {
        state.session.callbacks = { init: csInitCallback, stats: csStatsCallback };
        return 'already initialized with these arguments';
      }
      if (state.session) state.session.close();
      const env = Object.assign(defaultEnvironment(), state.environment || {});
      const session = new Session(env, {
        appID: app, localUserID, localID, credential, csInitCallback, csStatsCallback, config,
      });
      if (config.unknown.length > 0) session.log.warn(`configParams: ignored unknown keys ${config.unknown.join(', ')}`);
      Object.assign(state, { session, signature, credential });
      session.start();
      return 'authenticating';
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
      if (typeof fabricAttributes === 'function' && pcCallback === undefined) {
        pcCallback = fabricAttributes;
        fabricAttributes = undefined;
      }
      checkPeerConnection('pcObject', pcObject);
      const remoteID = checkUserID('remoteUserID', remoteUserID);
      checkEnum('fabricUsage', fabricUsage, ENUMS.fabricUsage);
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      const attributes = checkFabricAttributes(fabricAttributes);
      checkCallback('pcCallback', pcCallback);
      checkInitializeSucceeded(session, pcCallback);
      const existing = session.fabrics.get(pcObject);
      if (existing) {
        if (existing.conference.id === conferenceID) return `already monitoring this pcObject as ${existing.connectionID}`;
        fail('pcObject', `is already monitored in conference ${JSON.stringify(existing.conference.id)}`);
      }
      const fabric = session.addFabric(pcObject, conferenceID, { userID: remoteUserID, wireID: remoteID },
        fabricUsage, attributes, pcCallback);
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
      if (pcObject !== null && pcObject !== undefined) checkPeerConnection('pcObject', pcObject);
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      checkEnum('wrtcFuncName', wrtcFuncName, ENUMS.webRTCFunctions);
      const local = checkSdp('localSDP', localSDP);
      const remote = checkSdp('remoteSDP', remoteSDP);
      checkInitializeSucceeded(session);
      const fabric = pcObject ? session.fabrics.get(pcObject) : undefined;
      if (fabric && fabric.conference.id !== conferenceID) {
        // A fabric was found, so pcObject is one.
        fabricOf(session, /** @type {RTCPeerConnection} */ (pcObject), conferenceID, 'pcObject');
      }

      /** @type {Record<string, unknown>} */
      const fields = { wrtcFuncName };
      if (fabric) Object.assign(fields, { connectionID: fabric.connectionID, remoteID: fabric.remoteID });
      if (wrtcFuncName === ENUMS.webRTCFunctions.applicationLog) {
        Object.assign(fields, logFields(session, domError));
      } else {
        const object = errorFields(domError);
        if (object) {
          checkJsonObject('domError', object);
          fields.domError = session.privacy(object);
        }
      }
      const isFailure = wrtcFuncName !== ENUMS.webRTCFunctions.applicationLog;
      /** @type {Array<[string, string | null | undefined, 'localDescription' | 'remoteDescription']>} */
      const sdps = [['localSDP', local, 'localDescription'], ['remoteSDP', remote, 'remoteDescription']];
      for (const [key, given, property] of sdps) {
        // undefined: taken from the pc for a failure; null: the application does not want it collected.
        const fromPc = given === undefined && isFailure && pcObject ? pcObject[property] : null;
        const sdp = fromPc ? fromPc.sdp : given;
        if (typeof sdp === 'string' && sdp !== '' && utf8Bytes(sdp) <= LIMITS.sdpBytes) fields[key] = session.privacy(sdp);
      }
      session.conference(conferenceID).post('events/error', fields, { label: `reportError ${wrtcFuncName}` });
      return 'error reported';
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
      checkPeerConnection('pcObject', pcObject);
      checkEnum('fabricEvent', fabricEvent, ENUMS.fabricEvent);
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      if (eventData !== undefined && eventData !== null) checkJsonObject('eventData', eventData);
      checkInitializeSucceeded(session);
      if (fabricEvent === ENUMS.fabricEvent.fabricTerminated && session.ended.has(pcObject)) {
        return 'monitoring of this pcObject had already ended';
      }
      const fabric = fabricOf(session, pcObject, conferenceID, 'pcObject');
      if (fabricEvent === ENUMS.fabricEvent.fabricTerminated) {
        session.endFabric(fabric, session.env.now());
        return 'fabric terminated; monitoring stopped';
      }
      /** @type {Record<string, unknown>} */
      const fields = { fabricEvent };
      if (eventData !== undefined && eventData !== null) fields.eventData = deviceList(eventData);
      fabric.post('events/fabric/action', fields, { label: `fabric event ${fabricEvent}` });
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
      checkPeerConnection('pcObject', pcObject);
      checkUserID('userID', userID);
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      const decimal = checkSsrc('ssrc', ssrc);
      checkString('usageLabel', usageLabel);
      checkMaxBytes('usageLabel', usageLabel, LIMITS.usageLabelBytes);
      checkVideoTag('associatedVideoTag', associatedVideoTag);
      checkInitializeSucceeded(session);
      const fabric = fabricOf(session, pcObject, conferenceID, 'pcObject');
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
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      if (!isPlainObject(feedback)) fail('feedback', `must be an object {userID, overall, ...}, got ${describe(feedback)}`);
      checkUserID('feedback.userID', feedback.userID);
      /** @type {Record<string, unknown>} */
      const ratings = { overallRating: checkRating('feedback.overall', feedback.overall, true) };
      /** @type {Array<['audio' | 'video' | 'screen', string]>} */
      const optional = [['audio', 'audioQualityRating'], ['video', 'videoQualityRating'], ['screen', 'screenQualityRating']];
      for (const [key, wire] of optional) {
        const rating = checkRating(`feedback.${key}`, feedback[key], false);
        if (rating !== undefined) ratings[wire] = rating;
      }
      if (feedback.comment !== undefined && feedback.comment !== null && feedback.comment !== '') {
        checkString('feedback.comment', feedback.comment);
        checkMaxBytes('feedback.comment', feedback.comment, LIMITS.commentBytes);
        ratings.comments = feedback.comment;
      }
      checkCallback('pcCallback', pcCallback);
      checkInitializeSucceeded(session, pcCallback);
      session.conference(conferenceID).post('events/feedback', { remoteID: '', feedback: ratings }, {
        label: 'user feedback',
        onSuccess: () => callBack(session.log, pcCallback, CS_ERROR.success, 'feedback stored'),
        onRejected: (/** @type {unknown} */ status, /** @type {string} */ message) =>
          callBack(session.log, pcCallback, CS_ERROR.csProtoError, message),
        onFailed: (/** @type {CsError} */ csError, /** @type {string} */ message) =>
          callBack(session.log, pcCallback, csError, message),
      });
      return 'feedback queued';
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
      checkPeerConnection('pc', pc);
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      checkJsonObject('callAttributes', callAttributes);
      if (callAttributes.callType !== undefined) {
        checkEnum('callAttributes.callType', callAttributes.callType, namedValues(['inbound', 'outbound', 'monitoring']));
      }
      if (callAttributes.role !== undefined) {
        checkEnum('callAttributes.role', callAttributes.role, namedValues(['agent', 'participant', 'manager']));
      }
      checkInitializeSucceeded(session);
      const fabric = session.fabrics.get(pc);
      /** @type {Record<string, unknown>} */
      const fields = { callAttributes };
      if (fabric) {
        fabricOf(session, pc, conferenceID, 'pc');
        fields.connectionID = fabric.connectionID;
      }
      session.conference(conferenceID).post('events/calldetails', fields, { label: 'call details' });
      return 'call details queued';
    });
  }
}
