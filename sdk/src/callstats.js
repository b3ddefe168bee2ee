// The public API

import { CS_ERROR, ENUMS, namedValues } from './enums.js';
import { callBack, defaultEnvironment } from './environment.js';
import { apiCall, checkInitializeSucceeded, fabricOf, sessionOf, stateOf } from './instances.js';
import { LIMITS } from './limits.js';
import { deviceList, errorFields, logFields } from './payloads.js';
import { Session } from './session.js';
import { isPlainObject, jsonOrNull, utf8Bytes } from './text.js';
import { checkAppID, checkCallback, checkConfigParams, checkEnum, checkFabricAttributes, checkIdentifier, checkJsonObject, checkMaxBytes, checkPeerConnection, checkRating, checkSdp, checkSsrc, checkString, checkUserID, checkVideoTag, describe, fail } from './validate.js';
import { VERSION } from './version.js';

export class callstats {
  /**
   * initialize(appID, appSecretOrTokenGenerator, localUserID, csInitCallback?,
   * csStatsCallback?, configParams?): authenticates; the outcome comes to csInitCallback.
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
   * addNewFabric(pcObject, remoteUserID, fabricUsage, conferenceID, fabricAttributes?, pcCallback?);
   * also addNewFabric(pcObject, remoteUserID, fabricUsage, conferenceID, pcCallback).
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

  /** reportError(pcObject|null, conferenceID, wrtcFuncName, domError?, localSDP?, remoteSDP?). */
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
      if (fabric && fabric.conference.id !== conferenceID) fabricOf(session, pcObject, conferenceID, 'pcObject');

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
      const sdps = [['localSDP', local, 'localDescription'], ['remoteSDP', remote, 'remoteDescription']];
      for (const [key, given, property] of sdps) {
        // undefined: taken from the pc for a failure; null: the application does not want it collected.
        const fromPc = given === undefined && isFailure && pcObject && pcObject[property];
        const sdp = fromPc ? pcObject[property].sdp : given;
        if (typeof sdp === 'string' && sdp !== '' && utf8Bytes(sdp) <= LIMITS.sdpBytes) fields[key] = session.privacy(sdp);
      }
      session.conference(conferenceID).post('events/error', fields, { label: `reportError ${wrtcFuncName}` });
      return 'error reported';
    });
  }

  /** sendFabricEvent(pcObject, fabricEvent, conferenceID, eventData?). */
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
      const fields = { fabricEvent };
      if (eventData !== undefined && eventData !== null) fields.eventData = deviceList(eventData);
      fabric.post('events/fabric/action', fields, { label: `fabric event ${fabricEvent}` });
      return `${fabricEvent} sent`;
    });
  }

  /** associateMstWithUserID(pcObject, userID, conferenceID, ssrc, usageLabel, associatedVideoTag?). */
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

  /** sendUserFeedback(conferenceID, feedback, pcCallback?): feedback {userID, overall, audio?, video?, screen?, comment?}. */
  sendUserFeedback(conferenceID, feedback, pcCallback) {
    return apiCall(this, () => {
      const session = sessionOf(this);
      checkIdentifier('conferenceID', conferenceID, LIMITS.idBytes);
      if (!isPlainObject(feedback)) fail('feedback', `must be an object {userID, overall, ...}, got ${describe(feedback)}`);
      checkUserID('feedback.userID', feedback.userID);
      const ratings = { overallRating: checkRating('feedback.overall', feedback.overall, true) };
      for (const [key, wire] of [['audio', 'audioQualityRating'], ['video', 'videoQualityRating'], ['screen', 'screenQualityRating']]) {
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
        onRejected: (status, message) => callBack(session.log, pcCallback, CS_ERROR.csProtoError, message),
        onFailed: (csError, message) => callBack(session.log, pcCallback, csError, message),
      });
      return 'feedback queued';
    });
  }

  /** sendCallDetails(pc, conferenceID, callAttributes): contact-centre details of the call. */
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

callstats.version = VERSION;
callstats.prototype.version = VERSION;
for (const name of Object.keys(ENUMS)) {
  callstats[name] = ENUMS[name];
  callstats.prototype[name] = ENUMS[name];
}
