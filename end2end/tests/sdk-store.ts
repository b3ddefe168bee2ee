import { spawnSync } from 'node:child_process';
import { isIPv4, isIPv6 } from 'node:net';
import { REPO_ROOT, callscopeBin, e2eDataDir } from './env';

// What the SDK specs read from callscope's store, through the CLI on the
// server's data directory: `callscope app create` for a fresh app and
// `callscope db exec` running psql for queries. The CLI attaches to the
// private cluster the server under test already runs.

export interface App {
  appID: string;
  secret: string;
}

/** Runs `$CALLSCOPE_BIN args…` in the repository root on the e2e data dir; returns stdout. */
export function runCli(args: string[]): string {
  const result = spawnSync(callscopeBin(), args, {
    cwd: REPO_ROOT,
    env: { ...process.env, CALLSCOPE_DATA_DIR: e2eDataDir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`callscope ${args.slice(0, 2).join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
  }
  return result.stdout;
}

/** Creates an app with the CLI, as an admin would, and returns its appID and secret. */
export function createApp(name: string): App {
  return JSON.parse(runCli(['app', 'create', '--name', name, '--json'])) as App;
}

/** A SQL string literal. */
export const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Runs a query through psql and returns its rows as JSON objects. */
export function queryRows<T>(query: string): T[] {
  const json = `select coalesce(json_agg(q), '[]') from (${query}) q`;
  const out = runCli(['db', 'exec', '--', 'sh', '-c', 'psql "$DATABASE_URL" -XAt -v ON_ERROR_STOP=1 -c "$1"', '_', json]);
  return JSON.parse(out) as T[];
}

/** One conference of one app, as stored: the endpoints and fabrics are
 * named by alias (the demo's "alice" and "bob"). */
export class StoredConference {
  constructor(
    readonly appID: string,
    readonly conferenceID: string,
  ) {}

  /** CTEs `endpoint` and `fabric` (with `side`, the alias of its endpoint) for this conference. */
  private get scope(): string {
    return `with endpoint as (
        select e.* from endpoints e
          join conference_instances ci on ci.id = e.instance_id
          join apps a on a.id = ci.app_id
         where a.public_id = ${literal(this.appID)} and ci.conference_id = ${literal(this.conferenceID)}
      ), fabric as (
        select f.*, e.alias_name as side from fabrics f join endpoint e on e.id = f.endpoint_id
      )`;
  }

  endpoints() {
    return queryRows<{
      user_id: string; user_name: string; alias_name: string;
      application_version: string | null; site_id: string | null; product_name: string | null;
    }>(
      `${this.scope} select user_id, user_name, alias_name, application_version, site_id,
         config_params->'additionalIDs'->>'productName' as product_name
         from endpoint order by alias_name`,
    );
  }

  /** What the detectors found on the conference's connections: kind, who, instance. */
  issues() {
    return queryRows<{ kind: string; who: string; instance_id: number }>(
      `${this.scope} select fi.kind, fi.who, fi.instance_id from fabric_issues fi join fabric f on f.id = fi.fabric_id
         order by fi.kind, fi.who`,
    );
  }

  fabrics() {
    return queryRows<{ side: string; remote_alias_name: string; state: string; setup_delay_ms: number | null }>(
      `${this.scope} select side, remote_alias_name, state, setup_delay_ms from fabric order by side`,
    );
  }

  /** Events on the fabrics, in the order they happened; `at` is the client timestamp in ms. */
  events() {
    return queryRows<{ side: string; kind: string; at: number; payload: Record<string, unknown> }>(
      `${this.scope}
       select f.side, fe.kind, extract(epoch from fe.occurred_at) * 1000 as at, fe.payload
         from fabric_events fe join fabric f on f.id = fe.fabric_id
        order by fe.occurred_at, fe.id`,
    );
  }

  /** Stats samples of the fabrics: sample time (ms), packets, RTT. Bounded
   * by each fabric's start, so only the daily partitions it can be in are read. */
  stats() {
    return queryRows<{ side: string; at: number; packets_received: number | null; packets_sent: number | null; rtt_ms: number | null }>(
      `${this.scope}
       select f.side, extract(epoch from s.sampled_at) * 1000 as at, s.packets_received, s.packets_sent, s.rtt_ms
         from stats_samples s join fabric f on f.id = s.fabric_id
        where s.sampled_at >= f.added_at - interval '1 minute'
        order by s.sampled_at`,
    );
  }

  ssrcMaps() {
    return queryRows<{ side: string; ssrc: number; alias_name: string; usage_label: string; associated_video_tag: string | null }>(
      `${this.scope}
       select f.side, m.ssrc, m.alias_name, m.usage_label, m.associated_video_tag
         from ssrc_maps m join fabric f on f.id = m.fabric_id order by f.side, m.ssrc`,
    );
  }

  errors() {
    return queryRows<{ side: string; wrtc_func_name: string; dom_error: { name?: string } | null; local_sdp: string | null; remote_sdp: string | null }>(
      `${this.scope}
       select e.alias_name as side, r.wrtc_func_name, r.dom_error, r.local_sdp, r.remote_sdp
         from reported_errors r join endpoint e on e.id = r.endpoint_id order by r.occurred_at`,
    );
  }

  feedback() {
    return queryRows<{ side: string; overall_rating: number; audio_rating: number | null; video_rating: number | null; comment: string | null }>(
      `${this.scope}
       select e.alias_name as side, fb.overall_rating, fb.audio_rating, fb.video_rating, fb.comment
         from feedback fb join endpoint e on e.id = fb.endpoint_id`,
    );
  }

  precallTests() {
    return queryRows<{ side: string; connectivity: boolean; rtt_ms: number | null; duration_ms: number | null; message: string }>(
      `${this.scope}
       select e.alias_name as side, p.connectivity, p.rtt_ms, p.duration_ms, p.message
         from precall_tests p join endpoint e on e.id = p.endpoint_id order by e.alias_name`,
    );
  }

  /** Every stored row of the conference that can hold text from the browser,
   * each as its JSON text, labelled with its table. The endpoint's browser
   * version is left out: Chromium's reduced user agent gives it as e.g.
   * `156.0.0.0`, an IPv4 literal in shape but no address. */
  texts() {
    const rows = (table: string, alias: string, where: string) =>
      `select '${table}' as "table", to_jsonb(${alias})::text as text from ${table} ${alias} where ${where}`;
    const ofEndpoint = `endpoint_id in (select id from endpoint)`;
    const ofFabric = `fabric_id in (select id from fabric)`;
    return queryRows<{ table: string; text: string }>(
      `${this.scope}
       select 'endpoints' as "table", (to_jsonb(e) #- '{endpoint_info,version}')::text as text
         from endpoints e where id in (select id from endpoint)
       union all select 'fabrics', to_jsonb(f)::text from fabrics f where id in (select id from fabric)
       union all ${rows('fabric_events', 'fe', ofEndpoint)}
       union all ${rows('ice_candidates', 'ic', ofFabric)}
       union all ${rows('sdps', 'sd', ofFabric)}
       union all ${rows('ssrc_maps', 'sm', ofFabric)}
       union all ${rows('stats_samples', 'ss', ofFabric)}
       union all ${rows('reported_errors', 're', ofEndpoint)}
       union all ${rows('precall_tests', 'pt', ofEndpoint)}`,
    );
  }
}

/** The IPv4 and IPv6 literals in `text`, as node:net recognises them.
 * IPv4: four dotted numbers, not part of a longer dotted run (a port after a
 * colon is fine). IPv6: runs of hex digits, colons and dots; look-alikes such
 * as DTLS fingerprints (32 colon-separated bytes) or clock times are not
 * addresses, and neither are the SDK's masks `x.x.x.x` and `x:x:x:x`. */
export function ipLiterals(text: string): string[] {
  const v4 = text.match(/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)/g) ?? [];
  const runs = text.match(/[0-9A-Fa-f:.]+/g) ?? [];
  const v6 = runs.map((run) => run.replace(/\.+$/, '')).filter((run) => run.includes(':'));
  return [...v4.filter((s) => isIPv4(s)), ...v6.filter((s) => isIPv6(s))];
}
