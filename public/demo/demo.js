// The SDK demo: Alice calls Bob inside this page.
//
// Each side is an RTCPeerConnection monitored by its own callstats instance,
// exactly as two browsers in a real call would be; only the signalling is
// local (the offer, the answer and the ICE candidates are handed over
// directly instead of through a signalling server). The buttons act for
// Alice, the user of the page; Bob sends his camera back so that both
// connections carry media both ways.
//
// `window.demo` records what the page did (every fabric event with the time
// it was sent, the SDK's answers) so that the browser tests can compare it
// with what the collector stored.

import { sdpSsrcs } from './sdp.js';
import { showStream } from './stats-table.js';

const STORAGE = { appID: 'callscope-demo-app-id', secret: 'callscope-demo-app-secret' };
const query = new URLSearchParams(location.search);

/** The two users, as userID objects: support sees userName, engineers aliasName. */
const PEOPLE = {
  alice: { userName: 'Alice Example', aliasName: 'alice' },
  bob: { userName: 'Bob Example', aliasName: 'bob' },
};
/** Bob's <video> shows Alice's camera: the SDK measures time to first media there. */
const BOB_VIDEO_TAG = 'bob-video';

const demo = {
  started: false,
  ended: false,
  conferenceID: '',
  /** connectionState of each side's peer connection. */
  connection: { alice: 'new', bob: 'new' },
  /** Every sendFabricEvent call: {side, event, before, after} (ms since the epoch). */
  actions: [],
  /** Every API call's answer and every callback: {side, source, csError (or status), message, at}. */
  answers: [],
  /** csStatsCallback calls per side. */
  statsReports: { alice: 0, bob: 0 },
  /** Unexpected failures of the page itself. */
  errors: [],
};
window.demo = demo;

/** The running call: {conferenceID, alice, bob, camera, screen, muted, held}; null before the first start. */
let call = null;

const $ = (id) => document.getElementById(id);

// ---- the log of SDK answers ----------------------------------------------

function log(side, source, csError, message) {
  const at = Date.now();
  demo.answers.push({ side, source, csError, message, at });
  const item = document.createElement('li');
  if (csError !== 'success') item.className = 'error';
  const time = document.createElement('time');
  time.dateTime = new Date(at).toISOString();
  time.textContent = new Date(at).toLocaleTimeString();
  item.append(time, ` ${side} · ${source}: ${csError}${message ? ` — ${message}` : ''}`);
  $('log').prepend(item);
}

/** A csInitCallback / pcCallback that writes to the log. */
const callbackFor = (side, source) => (csError, csErrMsg) => log(side.name, source, csError, csErrMsg);

/** Logs the immediate answer of an API call: {status, msg}. */
function checked(side, method, result) {
  log(side.name, method, result.status, result.msg);
}

function pageError(what, error) {
  demo.errors.push(`${what}: ${error}`);
  log('page', what, 'error', String(error));
}

// ---- settings --------------------------------------------------------------

function restoreSettings() {
  $('app-id').value = sessionStorage.getItem(STORAGE.appID) ?? '';
  $('app-secret').value = sessionStorage.getItem(STORAGE.secret) ?? '';
  $('conference-id').value = `demo-${crypto.randomUUID().slice(0, 8)}`;
  $('collector-url').placeholder = location.origin;
}

function readSettings() {
  const appID = $('app-id').value.trim();
  const secret = $('app-secret').value;
  sessionStorage.setItem(STORAGE.appID, appID);
  sessionStorage.setItem(STORAGE.secret, secret);
  // The conferenceID is used byte for byte, as the collector stores it.
  return { appID, secret, conferenceID: $('conference-id').value };
}

/** configParams for initialize(); `?statsInterval=ms` in the page URL shortens the stats period. */
function configParams() {
  const params = {
    collectorURL: $('collector-url').value.trim() || location.origin,
    collectIP: $('collect-ip').checked,
    // What an application tells about itself; the dashboard shows and filters on it.
    applicationVersion: 'demo-1.0',
    siteID: 'demo-page',
    additionalIDs: { productName: 'callscope demo', sessionID: `demo-${Date.now()}` },
  };
  const interval = Number(query.get('statsInterval'));
  if (interval > 0) params.statsInterval = interval;
  return params;
}

// ---- the two sides -----------------------------------------------------------

/** One side of the call: its SDK instance, initialised now, and (later) its peer connection. */
function createSide(name, settings) {
  const side = { name, userID: PEOPLE[name], sdk: new callstats(), pc: null, pendingCandidates: [] };
  checked(side, 'initialize', side.sdk.initialize(
    settings.appID, settings.secret, side.userID,
    callbackFor(side, 'csInitCallback'), statsCallbackFor(side), configParams(),
  ));
  return side;
}

/** Creates the side's peer connection and has the SDK monitor it right away (setup delay starts here). */
function connectSide(side, peer) {
  side.pc = new RTCPeerConnection();
  const { sdk } = side;
  const attributes = {
    remoteEndpointType: sdk.endpointType.peer,
    fabricTransmissionDirection: sdk.transmissionDirection.sendrecv,
  };
  checked(side, 'addNewFabric', sdk.addNewFabric(
    side.pc, peer.userID, sdk.fabricUsage.multiplex, call.conferenceID, attributes, callbackFor(side, 'pcCallback'),
  ));
  side.pc.addEventListener('icecandidate', ({ candidate }) => candidate && deliverCandidate(peer, candidate));
  side.pc.addEventListener('connectionstatechange', () => {
    demo.connection[side.name] = side.pc.connectionState;
    showCallState();
  });
}

/** Sends a fabric event for a side and records when it was sent. */
function sendEvent(side, event) {
  const before = Date.now();
  const result = side.sdk.sendFabricEvent(side.pc, side.sdk.fabricEvent[event], call.conferenceID);
  demo.actions.push({ side: side.name, event, before, after: Date.now() });
  checked(side, `sendFabricEvent(${event})`, result);
}

/** Reports a failed WebRTC call of a side (pc is null before the connection exists). */
function reportFailure(side, functionName, error, localSDP, remoteSDP) {
  log(side.name, functionName, 'error', `${error.name}: ${error.message}`);
  checked(side, 'reportError', side.sdk.reportError(
    side.pc, call.conferenceID, side.sdk.webRTCFunctions[functionName], error, localSDP, remoteSDP,
  ));
}

// ---- signalling, in-page --------------------------------------------------------

/** Hands a candidate to the other side, holding it until that side has a remote description. */
function deliverCandidate(to, candidate) {
  if (to.pc.remoteDescription) addCandidate(to, candidate);
  else to.pendingCandidates.push(candidate);
}

function addCandidate(side, candidate) {
  side.pc.addIceCandidate(candidate).catch((error) => reportFailure(side, 'addIceCandidate', error));
}

function flushCandidates(side) {
  for (const candidate of side.pendingCandidates.splice(0)) addCandidate(side, candidate);
}

/** Runs one WebRTC step; a failure is reported to the SDK under that function's name. */
async function step(side, functionName, run) {
  try {
    return await run();
  } catch (error) {
    const { localDescription, remoteDescription } = side.pc;
    reportFailure(side, functionName, error, localDescription?.sdp, remoteDescription?.sdp);
    throw error;
  }
}

async function negotiate(caller, callee) {
  const offer = await step(caller, 'createOffer', () => caller.pc.createOffer());
  await step(caller, 'setLocalDescription', () => caller.pc.setLocalDescription(offer));
  await step(callee, 'setRemoteDescription', () => callee.pc.setRemoteDescription(offer));
  flushCandidates(callee);
  const answer = await step(callee, 'createAnswer', () => callee.pc.createAnswer());
  await step(callee, 'setLocalDescription', () => callee.pc.setLocalDescription(answer));
  await step(caller, 'setRemoteDescription', () => caller.pc.setRemoteDescription(answer));
  flushCandidates(caller);
}

// ---- SSRCs ----------------------------------------------------------------------------

const USAGE_LABELS = { audio: 'mic', video: 'front-camera' };

/** Tells a side's SDK who produces each stream: itself for what it sends, the peer for what it receives. */
function mapStreams(side, peer, videoTag) {
  const associate = (userID, { kind, ssrc }, tag) => checked(side, 'associateMstWithUserID', side.sdk.associateMstWithUserID(
    side.pc, userID, call.conferenceID, ssrc, USAGE_LABELS[kind] ?? kind, tag,
  ));
  for (const stream of sdpSsrcs(side.pc.localDescription.sdp)) associate(side.userID, stream);
  for (const stream of sdpSsrcs(side.pc.remoteDescription.sdp)) {
    associate(peer.userID, stream, stream.kind === 'video' ? videoTag : undefined);
  }
}

// ---- statistics -------------------------------------------------------------------------

function statsCallbackFor(side) {
  return (stats) => {
    demo.statsReports[side.name] += 1;
    for (const [ssrc, stream] of Object.entries(stats?.streams ?? {})) showStream($('stats'), side.name, ssrc, stream);
    $('stats-empty').hidden = $('stats').tBodies[0].rows.length > 0;
  };
}

// ---- the call --------------------------------------------------------------------------

function showCallState() {
  const { alice, bob } = demo.connection;
  $('call-state').textContent = demo.ended ? 'ended' : `Alice: ${alice} · Bob: ${bob}`;
}

function setRunning(running) {
  for (const input of $('settings').elements) input.disabled = running;
  $('controls').disabled = !running;
}

function showDashboardLink(conferenceID) {
  const link = $('dashboard-link');
  const base = $('collector-url').value.trim() || location.origin;
  link.href = new URL(`/search?conferenceID=${encodeURIComponent(conferenceID)}`, base).href;
  link.textContent = conferenceID;
  $('dashboard').hidden = false;
}

function resetControls() {
  for (const id of ['mute', 'hold', 'share']) $(id).setAttribute('aria-pressed', 'false');
  $('mute').textContent = 'Mute';
  $('hold').textContent = 'Hold';
  $('share').textContent = 'Share screen';
}

async function startCall(event) {
  event.preventDefault();
  const settings = readSettings();
  call = { conferenceID: settings.conferenceID, camera: null, screen: null, muted: false, held: false };
  Object.assign(demo, { started: false, ended: false, conferenceID: call.conferenceID, connection: { alice: 'new', bob: 'new' } });
  setRunning(true);
  resetControls();
  showCallState();

  const alice = createSide('alice', settings);
  const bob = createSide('bob', settings);
  Object.assign(call, { alice, bob });
  try {
    call.camera = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (error) {
    reportFailure(alice, 'getUserMedia', error);
    setRunning(false);
    return;
  }
  connectSide(alice, bob);
  connectSide(bob, alice);
  for (const track of call.camera.getTracks()) {
    alice.pc.addTrack(track, call.camera);
    bob.pc.addTrack(track.clone());
  }
  $('alice-video').srcObject = call.camera;
  bob.pc.addEventListener('track', ({ streams: [stream] }) => {
    const video = $(BOB_VIDEO_TAG);
    if (video.srcObject !== stream) video.srcObject = stream;
  });
  demo.started = true;
  $('feedback-fields').disabled = false;
  showDashboardLink(call.conferenceID);

  try {
    await negotiate(alice, bob);
  } catch (error) {
    pageError('negotiation', error);
    return;
  }
  mapStreams(alice, bob);
  mapStreams(bob, alice, BOB_VIDEO_TAG);
}

function toggleMute() {
  call.muted = !call.muted;
  for (const track of call.camera.getAudioTracks()) track.enabled = !call.muted && !call.held;
  sendEvent(call.alice, call.muted ? 'audioMute' : 'audioUnmute');
  $('mute').setAttribute('aria-pressed', String(call.muted));
  $('mute').textContent = call.muted ? 'Unmute' : 'Mute';
}

/** On hold Alice sends nothing; resuming keeps her microphone muted if it was. */
function toggleHold() {
  call.held = !call.held;
  for (const { track } of call.alice.pc.getSenders()) {
    if (track) track.enabled = !call.held && !(track.kind === 'audio' && call.muted);
  }
  sendEvent(call.alice, call.held ? 'fabricHold' : 'fabricResume');
  $('hold').setAttribute('aria-pressed', String(call.held));
  $('hold').textContent = call.held ? 'Resume' : 'Hold';
}

const videoSender = (side) => side.pc.getSenders().find((sender) => sender.track?.kind === 'video');

async function startSharing() {
  let screen;
  try {
    [screen] = (await navigator.mediaDevices.getDisplayMedia({ video: true })).getVideoTracks();
  } catch (error) {
    // Reported on Alice's connection, so it shows on the call's timeline.
    reportFailure(call.alice, 'getUserMedia', error);
    return;
  }
  screen.enabled = !call.held;
  await videoSender(call.alice).replaceTrack(screen);
  // The browser's own "Stop sharing" button ends the track.
  screen.addEventListener('ended', guarded('stop sharing', stopSharing));
  call.screen = screen;
  sendEvent(call.alice, 'screenShareStart');
  $('share').setAttribute('aria-pressed', 'true');
  $('share').textContent = 'Stop sharing';
}

async function stopSharing() {
  const { screen } = call;
  if (!screen || demo.ended) return;
  call.screen = null;
  screen.stop();
  await videoSender(call.alice).replaceTrack(call.camera.getVideoTracks()[0]);
  sendEvent(call.alice, 'screenShareStop');
  $('share').setAttribute('aria-pressed', 'false');
  $('share').textContent = 'Share screen';
}

const toggleSharing = () => (call.screen ? stopSharing() : startSharing());

/** A real failing WebRTC call: Alice's remote description without its first
 * line ("v=0") cannot be parsed, so it is refused before it changes anything. */
async function reportBrokenDescription() {
  const { pc } = call.alice;
  const broken = pc.remoteDescription.sdp.replace(/^v=0\r\n/, '');
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: broken });
  } catch (error) {
    reportFailure(call.alice, 'setRemoteDescription', error, pc.localDescription.sdp, broken);
    return;
  }
  pageError('report an error', 'the broken description was accepted');
}

function hangUp() {
  const sides = [call.alice, call.bob];
  const tracks = [...call.camera.getTracks(), ...sides.flatMap((side) => side.pc.getSenders().map((s) => s.track))];
  for (const side of sides) {
    sendEvent(side, 'fabricTerminated');
    side.pc.close();
  }
  for (const track of tracks) track?.stop();
  demo.ended = true;
  showCallState();
  setRunning(false);
}

function sendFeedback(event) {
  event.preventDefault();
  const form = new FormData($('feedback'));
  const feedback = { userID: call.alice.userID, overall: Number(form.get('overall')) };
  for (const kind of ['audio', 'video']) {
    if (form.get(kind)) feedback[kind] = Number(form.get(kind));
  }
  const comment = form.get('comment').trim();
  if (comment) feedback.comment = comment;
  checked(call.alice, 'sendUserFeedback', call.alice.sdk.sendUserFeedback(
    call.conferenceID, feedback, callbackFor(call.alice, 'feedback'),
  ));
}

/** Runs a handler (synchronously up to its first await, so preventDefault
 * still works), turning an unexpected failure into a logged page error. */
const guarded = (name, handler) => (event) => {
  (async () => handler(event))().catch((error) => pageError(name, error));
};

restoreSettings();
$('settings').addEventListener('submit', guarded('start call', startCall));
$('mute').addEventListener('click', guarded('mute', toggleMute));
$('hold').addEventListener('click', guarded('hold', toggleHold));
$('share').addEventListener('click', guarded('share screen', toggleSharing));
$('report-error').addEventListener('click', guarded('report an error', reportBrokenDescription));
$('hang-up').addEventListener('click', guarded('hang up', hangUp));
$('feedback').addEventListener('submit', guarded('feedback', sendFeedback));
