import { clientJwt } from './client-jwt';
import { baseURL } from './env';
import { createApp, literal, queryRows, runCli } from './sdk-store';
import { hostileEngineer, hostileSupport } from './users';

// What hostile.spec.ts plants: markup and script in every field a client
// can send, sent to the collector over HTTP as a browser running the SDK
// would, plus an app and a webhook whose name and URL hold the same, made
// with the CLI as an operator would. Nothing of it may run in a dashboard.

/** Would run if a page wrote it as markup; each sets `window.__x`. */
export const SCRIPT = '<script>window.__x=1</script>';
export const IMG = '"><img src=x onerror=window.__x=1>';
export const TITLE = '</title><script>window.__x=1</script>';
/** Fits a 20-byte field (an ssrc map's usageLabel). */
export const SVG = '<svg onload=__x=1>';
/** `IMG` without spaces, for a URL. */
const URL_IMG = '"><img/src=x/onerror=window.__x=1>';

/** Everything planted for one run, as the dashboard should show it. */
export interface Planted {
  appID: string;
  appName: string;
  conferenceID: string;
  /** The conference instance's id, for /conferences/{id}. */
  instance: number;
  /** Its fabrics' ids, for /conferences/{id}/fabrics/{fid}. */
  fabrics: number[];
  connectionID: string;
  /** alice's userID (localID): what engineers see of her. */
  userID: string;
  userName: string;
  webhookID: number;
  webhookURL: string;
}

/** An SDK session of one user in one conference. */
class Endpoint {
  private constructor(
    private readonly appID: string,
    private readonly conferenceID: string,
    readonly localID: string,
    private readonly token: string,
    private ucID = '',
  ) {}

  static async authenticate(appID: string, secret: string, conferenceID: string, localID: string): Promise<Endpoint> {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: `${localID}@${appID}`,
      code: clientJwt(appID, secret, localID),
    });
    const answer = await fetch(`${baseURL()}/authenticate`, { method: 'POST', body: form });
    if (!answer.ok) throw new Error(`/authenticate answered ${answer.status}: ${await answer.text()}`);
    const { access_token: token } = (await answer.json()) as { access_token: string };
    return new Endpoint(appID, conferenceID, localID, token);
  }

  private url(suffix: string[]): string {
    const segments = ['v1', 'apps', this.appID, 'conferences', this.conferenceID, ...suffix];
    return `${baseURL()}/${segments.map(encodeURIComponent).join('/')}`;
  }

  /** POSTs `fields` with the common header; fails unless the collector took it. */
  async post(suffix: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const path = suffix ? [this.ucID, ...suffix.split('/')] : [];
    const body = { localID: this.localID, deviceID: `device ${IMG}`, timestamp: Date.now(), ...fields };
    const answer = await fetch(this.url(path), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`${suffix || 'join'} answered ${answer.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  async join(fields: Record<string, unknown>): Promise<void> {
    const answer = await this.post('', fields);
    this.ucID = String(answer.ucID);
  }
}

/** Plants one conference of two users, an app and a webhook, all hostile;
 * `run` keeps the IDs of separate runs apart. */
export async function plant(run: string): Promise<Planted> {
  const appName = `App ${TITLE}${IMG} ${run}`;
  const { appID, secret } = createApp(appName);
  for (const user of [hostileEngineer, hostileSupport]) runCli(['user', 'grant', '--email', user.email, '--app', appID, '--json']);
  const webhookURL = `https://hooks.example/${TITLE}${URL_IMG}`;
  const hook = JSON.parse(
    runCli(['app', 'webhook', 'add', '--app', appID, '--url', webhookURL, '--reason', 'failedConferences', '--trigger', 'individual', '--json']),
  ) as { webhookID: number };

  const conferenceID = `conf ${TITLE}${IMG} ${run}`;
  const connectionID = `pc ${TITLE}${IMG}`;
  const aliasName = `alias ${SCRIPT}${IMG}`;
  const userName = `Name ${TITLE}${SCRIPT}`;
  const alice = await Endpoint.authenticate(appID, secret, conferenceID, `alice ${SCRIPT}${IMG}`);
  const bob = await Endpoint.authenticate(appID, secret, conferenceID, `bob ${TITLE}`);
  const endpointInfo = { type: 'browser', name: `Chrome ${SCRIPT}`, os: `Linux ${IMG}`, version: '1', appVersion: `v ${TITLE}` };
  const configParams = { applicationVersion: SCRIPT, siteID: `site ${TITLE}${IMG}` };
  await alice.join({ endpointInfo, configParams, userID: { userName, aliasName } });
  await bob.join({ endpointInfo, configParams, userID: { userName: `Bob ${IMG}`, aliasName: `bob ${TITLE}` } });

  const fabric = { connectionID, remoteID: bob.localID };
  await alice.post('events/fabric/added', { ...fabric, fabricUsage: 'multiplex' });
  const ssrc = { ssrc: '42', streamType: 'outbound', msid: `msid ${IMG}`, mslabel: SCRIPT, label: `label ${TITLE}`, usageLabel: SVG, associatedVideoTag: `tag ${IMG}` };
  await alice.post('events/ssrcmap', { ...fabric, ssrcData: [ssrc] });
  await alice.post('events/fabric', { ...fabric, eventType: 'fabricSetup', delay: 120 });
  await alice.post('events/devices/list', {
    eventType: 'connectedDeviceList',
    mediaDeviceList: [{ mediaDeviceID: `mic ${IMG}`, kind: 'audioinput', label: `Mic ${SCRIPT}${TITLE}`, groupID: IMG }],
  });
  const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=${SCRIPT}\r\na=${IMG}\r\na=${TITLE}\r\n`;
  await alice.post('events/sdp', { ...fabric, localSDP: sdp, remoteSDP: sdp });
  await alice.post('events/error', {
    ...fabric,
    wrtcFuncName: 'setRemoteDescription',
    domError: { name: `Error${IMG}`, message: `message ${TITLE}`, stack: `stack ${SCRIPT}\n at ${IMG}` },
    localSDP: sdp,
    remoteSDP: sdp,
  });
  await alice.post('events/error', { ...fabric, wrtcFuncName: 'applicationLog', message: `log ${SCRIPT}\n${TITLE}\n${IMG}` });
  await bob.post('events/feedback', {
    remoteID: alice.localID,
    feedback: { overallRating: 1, audioQualityRating: 2, comments: `comment ${TITLE}${IMG}${SCRIPT}` },
  });
  await bob.post('events/user/left', {});

  const [instance] = queryRows<{ id: number }>(
    `select ci.id from conference_instances ci join apps a on a.id = ci.app_id
      where a.public_id = ${literal(appID)} and ci.conference_id = ${literal(conferenceID)}`,
  );
  const fabrics = queryRows<{ id: number }>(
    `select f.id from fabrics f join endpoints e on e.id = f.endpoint_id where e.instance_id = ${instance.id} order by f.id`,
  ).map((row) => row.id);
  return {
    appID, appName, conferenceID, instance: instance.id, fabrics, connectionID, userID: alice.localID, userName,
    webhookID: hook.webhookID, webhookURL,
  };
}
