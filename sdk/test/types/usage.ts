// Compiled (never run) by `make sdk-unit` with tsc --strict: an application's
// use of the callstats.js API must type-check against public/callstats.d.ts,
// and misuse must not (the @ts-expect-error lines fail the check if it does).
import callstats = require('../../../public/callstats');

const sdk = new callstats();
const version: string = sdk.version;

const config: callstats.ConfigParams = {
  applicationVersion: '1.0',
  siteID: 'hq',
  additionalIDs: { customerID: 'acme' },
  collectIP: false,
  disableBeforeUnloadHandler: true,
};
const started: callstats.APIResult = sdk.initialize(
  '123456789',
  'secret',
  { userName: 'Ada Lovelace', aliasName: 'ada' },
  (csError, message) => console.log(csError, message),
  (stats) => {
    for (const [ssrc, stream] of Object.entries(stats.streams)) console.log(ssrc, stream.reportType, stream.rtt);
  },
  config,
);
const tokens: callstats.TokenGenerator = (forcenew, callback) => callback(null, forcenew ? 'new' : 'cached');
sdk.initialize(123456789, tokens, 'ada');

const pc = new RTCPeerConnection();
sdk.addNewFabric(pc, 'bob', sdk.fabricUsage.multiplex, 'conf', {
  remoteEndpointType: sdk.endpointType.peer,
  fabricTransmissionDirection: sdk.transmissionDirection.sendrecv,
});
sdk.addNewFabric(pc, 'bob', callstats.fabricUsage.audio, 'conf', (csError) => console.log(csError));
sdk.reportError(null, 'conf', sdk.webRTCFunctions.getUserMedia, new DOMException('denied'));
sdk.sendFabricEvent(pc, sdk.fabricEvent.audioMute, 'conf');
sdk.associateMstWithUserID(pc, 'bob', 'conf', '1234', 'camera', 'remote-video');
sdk.sendUserFeedback('conf', { userID: 'ada', overall: 4, comment: 'fine' });
sdk.sendCallDetails(pc, 'conf', { callType: 'inbound', role: 'agent' });
const ok: boolean = started.status === sdk.callStatsAPIReturnStatus.success;

// The version and the enums are on the constructor too; both forms of
// addNewFabric take null for what they leave out.
const sameVersion: boolean = callstats.version === version;
const failed: callstats.CsError = callstats.csError.authError;
sdk.addNewFabric(pc, 'bob', 'video', 'conf', null, (csError: callstats.CsError, message: string) => console.log(csError, message));
sdk.reportError(pc, 'conf', callstats.webRTCFunctions.applicationLog, 'a log line', null, undefined);
interface Extended extends callstats.ConfigParams { appOwn?: string }
const extended: Extended = { debug: true, appOwn: 'x' };
sdk.initialize('123456789', 'secret', 'ada', null, null, extended);

// @ts-expect-error fabricUsage is an enum value, not any string
sdk.addNewFabric(pc, 'bob', 'everything', 'conf');
// @ts-expect-error feedback needs an overall rating
sdk.sendUserFeedback('conf', { userID: 'ada' });
// @ts-expect-error the enums are read-only
callstats.fabricUsage.audio = 'video';
// @ts-expect-error an instance's enums cannot be replaced
sdk.fabricEvent = callstats.fabricEvent;
// @ts-expect-error a fabric event is one of the enum's values
sdk.sendFabricEvent(pc, 'mute', 'conf');

export { version, ok, sameVersion, failed };
