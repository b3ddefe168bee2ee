import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientJwt } from './client-jwt';
import type { FleetStore, Instance } from './fleet-instances';

// What talks to a fleet from outside: endpoints reporting through the
// collector API as an SDK would (and moving to another instance when theirs
// stops answering, as behind a load balancer), and a webhook receiver that
// records every request it gets, duplicates included.

export interface App {
  appID: string;
  secret: string;
}

/** Creates an app with the CLI, as an admin would. */
export function createApp(store: FleetStore, name: string): App {
  return JSON.parse(store.cli(['app', 'create', '--name', name, '--json'])) as App;
}

/** Adds an individual failedConferences webhook to `url`; returns its signing secret. */
export function addWebhook(store: FleetStore, app: App, url: string): string {
  const args = ['app', 'webhook', 'add', '--app', app.appID, '--url', url, '--reason', 'failedConferences', '--trigger', 'individual', '--json'];
  return (JSON.parse(store.cli(args)) as { secret: string }).secret;
}

/** A submission an instance acknowledged (answered 200). */
export interface Ack {
  conferenceID: string;
  kind: 'stats' | 'audioMute' | 'audioUnmute';
  /** Its client timestamp, ms: what identifies it in the store. */
  at: number;
  /** The instance that answered. */
  via: string;
  /** When the answer came (this machine's clock). */
  answeredAt: number;
}

/** One endpoint (a ucID) of a conference, reporting through one instance of
 * `route` and moving on to the next when its instance stops answering; a
 * request cut off is sent again, with the same Idempotency-Key. */
export class Reporter {
  readonly acks: Ack[] = [];
  private current = 0;
  private lastAt = 0;

  private constructor(
    readonly conferenceID: string,
    private readonly userID: string,
    private readonly route: Instance[],
    private readonly path: string,
    private readonly token: string,
  ) {}

  /** Authenticates and joins through `route[0]`. */
  static async join(app: App, conferenceID: string, userID: string, route: Instance[]): Promise<Reporter> {
    const [home] = route;
    const auth = await fetch(`${home.url}/authenticate`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: `${userID}@${app.appID}`, code: clientJwt(app.appID, app.secret, userID) }),
    });
    if (!auth.ok) throw new Error(`${home.name}: /authenticate answered ${auth.status}: ${await auth.text()}`);
    const token = ((await auth.json()) as { access_token: string }).access_token;
    const conference = `/v1/apps/${app.appID}/conferences/${encodeURIComponent(conferenceID)}`;
    const joining = new Reporter(conferenceID, userID, route, conference, token);
    const joined = await joining.post('', { endpointInfo: { type: 'browser', name: 'Chromium', os: 'Linux' } });
    const ucID = ((await joined.json()) as { ucID: string }).ucID;
    return new Reporter(conferenceID, userID, route, `${conference}/${ucID}`, token);
  }

  /** The instance it reports through now. */
  get via(): Instance {
    return this.route[this.current];
  }

  /** A client timestamp after every earlier one of this endpoint. */
  private now(): number {
    this.lastAt = Math.max(this.lastAt + 1, Date.now());
    return this.lastAt;
  }

  /** POSTs `fields` (with the common header) under the endpoint; throws unless answered 200. */
  private async post(suffix: string, fields: object, at = this.now()): Promise<Response> {
    const body = JSON.stringify({ localID: this.userID, deviceID: 'fleet', timestamp: at, ...fields });
    const headers = { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() };
    for (let tries = 0; tries < this.route.length; tries++) {
      const instance = this.via;
      let response: Response;
      try {
        response = await fetch(`${instance.url}${this.path}${suffix}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      } catch {
        // No answer: the instance is gone. The next one gets the same
        // request (unless a request sent beside this one moved on already).
        if (this.via === instance) this.current = (this.current + 1) % this.route.length;
        continue;
      }
      if (response.status !== 200) {
        throw new Error(`${instance.name} answered ${response.status} to ${suffix || 'join'}: ${await response.text()}`);
      }
      return response;
    }
    throw new Error(`no instance answered ${suffix || 'join'} of ${this.conferenceID}`);
  }

  /** fabricSetup or fabricSetupFailed of its one connection. */
  async fabric(eventType: 'fabricSetup' | 'fabricSetupFailed', remoteID = 'peer'): Promise<void> {
    const failure = eventType === 'fabricSetupFailed' ? { reason: 'TransportFailure' } : {};
    await this.post('/events/fabric', { eventType, connectionID: 'pc1', remoteID, delay: 120, ...failure });
  }

  /** fabricTerminated of its one connection. */
  async terminate(remoteID = 'peer'): Promise<void> {
    await this.post('/events/fabric', { eventType: 'fabricTerminated', connectionID: 'pc1', remoteID });
  }

  /** One getStats() poll of its connection: a track and the candidate pair. */
  async stats(): Promise<void> {
    const at = this.now();
    await this.post('/stats', {
      connectionID: 'pc1',
      remoteID: 'peer',
      stats: {
        timestamp: at,
        tracks: [{ id: 'in-audio', type: 'inbound-rtp', kind: 'audio', ssrc: '1234', jitter: 0.01, packetsLost: 1, packetsReceived: 480 }],
        candidatePairs: [{ id: 'CP1', currentRoundTripTime: 0.04, state: 'succeeded' }],
      },
    }, at);
    this.acks.push({ conferenceID: this.conferenceID, kind: 'stats', at, via: this.via.name, answeredAt: Date.now() });
  }

  /** A mute or unmute of its connection (sendFabricEvent). */
  async action(kind: 'audioMute' | 'audioUnmute'): Promise<void> {
    const at = this.now();
    await this.post('/events/fabric/action', { connectionID: 'pc1', remoteID: 'peer', fabricEvent: kind }, at);
    this.acks.push({ conferenceID: this.conferenceID, kind, at, via: this.via.name, answeredAt: Date.now() });
  }

  /** userLeft. */
  async leave(): Promise<void> {
    await this.post('/events/user/left', {});
  }
}

/** A notification as the receiver got it. */
export interface Received {
  delivery: string;
  appID: string;
  conferenceID: string;
  /** Whether its X-Callscope-Signature verified under its webhook's secret. */
  signed: boolean;
}

/** Records every POST to /callscope-webhook and answers 204. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Signing secrets by appID. */
  readonly secrets = new Map<string, string>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        receiver.record(Buffer.concat(chunks), String(request.headers['x-callscope-delivery']), String(request.headers['x-callscope-signature']));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callscope-webhook`;
  }

  /** The conferenceIDs notified for app `appID`, one per request, sorted. */
  conferencesOf(appID: string): string[] {
    return this.received.filter((r) => r.appID === appID).map((r) => r.conferenceID).sort();
  }

  private record(raw: Buffer, delivery: string, signature: string): void {
    const body = JSON.parse(raw.toString('utf8')) as { appId: string; url: string };
    const conferenceID = new URL(body.url).searchParams.get('conferenceID') ?? '';
    const secret = this.secrets.get(body.appId) ?? '';
    this.received.push({ delivery, appID: body.appId, conferenceID, signed: verify(signature, raw, secret) });
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** docs/webhooks.md, section 5: `t=…,v1=…`, HMAC-SHA256 of `t.` and the body under the whole secret. */
function verify(header: string, raw: Buffer, secret: string): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !v1 || !secret) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
