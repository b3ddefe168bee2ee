import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { REPO_ROOT, callscopeBin, e2eDataDir } from './env';

// A fleet of `callscope serve` processes on one database of their own: what
// several instances behind a load balancer share, and nothing more — the
// database and the master key (CALLSCOPE_MASTER_KEY). The database is made
// on the PostgreSQL server the server under test uses (its private cluster,
// or DATABASE_URL), so no instance of the fleet owns the cluster and
// killing one leaves the store to the others.

/** The bearer token each instance's /metrics asks for. */
const METRICS_TOKEN = `fleet-${randomBytes(12).toString('hex')}`;
const START_TIMEOUT_MS = 60_000;

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, env, input, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    const what = [command, ...args.slice(0, 2)].join(' ');
    throw new Error(`${what} failed (${result.status ?? result.signal}): ${result.stderr}${result.error ?? ''}`);
  }
  return result.stdout;
}

/** The fleet's database and the environment every instance and CLI call of the fleet gets. */
export class FleetStore {
  private constructor(
    private readonly serverURL: string,
    readonly name: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Makes a fresh database beside the server under test's. */
  static create(): FleetStore {
    const serverURL = run(callscopeBin(), ['db', 'exec', '--', 'printenv', 'DATABASE_URL'], {
      ...process.env,
      CALLSCOPE_DATA_DIR: e2eDataDir(),
    }).trim();
    const name = `callscope_fleet_${randomBytes(4).toString('hex')}`;
    run('psql', [serverURL, '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', `create database ${name}`], process.env);
    const url = new URL(serverURL);
    url.pathname = `/${name}`;
    return new FleetStore(serverURL, name, {
      ...process.env,
      DATABASE_URL: url.href,
      CALLSCOPE_MASTER_KEY: randomBytes(32).toString('hex'),
      CALLSCOPE_METRICS_TOKEN: METRICS_TOKEN,
      CALLSCOPE_WEBHOOK_ALLOW_NETWORKS: '127.0.0.0/8',
      // No load balancer to wait for: SIGTERM drains at once.
      CALLSCOPE_DRAIN_DELAY_SECS: '0',
    });
  }

  /** Runs the callscope CLI on the fleet's database; returns what it printed. */
  cli(args: string[], input?: string): string {
    return run(callscopeBin(), args, this.env, input);
  }

  /** Runs a query and returns its rows as JSON objects. */
  query<T>(sql: string): T[] {
    const json = `select coalesce(json_agg(q), '[]') from (${sql}) q`;
    return JSON.parse(run('psql', [this.env.DATABASE_URL ?? '', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', json], process.env)) as T[];
  }

  /** Drops the database, whoever is still connected. */
  drop(): void {
    run('psql', [this.serverURL, '-XAtq', '-c', `drop database if exists ${this.name} with (force)`], process.env);
  }
}

/** Prometheus samples, by series (`name{labels}`). */
export type Samples = Map<string, number>;

/** The samples of a text exposition. */
export function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = line.match(/^([a-z_]+(?:\{[^}]*\})?) (\S+)$/);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** One `callscope serve` of the fleet, on a port of its own. */
export class Instance {
  private output = '';
  url = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  /** Starts it and waits until `/readyz` answers 200. */
  static async start(name: string, store: FleetStore): Promise<Instance> {
    const child = spawn(callscopeBin(), ['serve'], {
      cwd: REPO_ROOT,
      env: { ...store.env, CALLSCOPE_ADDR: '127.0.0.1:0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance = new Instance(name, child);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (instance.exited) throw new Error(`instance ${name} exited at start:\n${instance.output}`);
      instance.url ||= instance.output.match(/callscope is listening on (http:\/\/[0-9.:]+)/)?.[1] ?? '';
      if (instance.url && (await instance.ready())) return instance;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await instance.kill();
    throw new Error(`instance ${name} was not ready within ${START_TIMEOUT_MS} ms:\n${instance.output}`);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Whether `/readyz` answers 200. */
  async ready(): Promise<boolean> {
    return fetch(`${this.url}/readyz`).then((response) => response.ok, () => false);
  }

  /** Its counters and gauges, as `/metrics` answers them now. */
  async metrics(): Promise<Samples> {
    const response = await fetch(`${this.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    if (!response.ok) throw new Error(`${this.name}: /metrics answered ${response.status}`);
    return parseMetrics(await response.text());
  }

  /** Kills it with SIGKILL: no drain, no goodbye to the database. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Stops it with SIGTERM, as a deploy would. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.exited) return;
    const exit = once(this.child, 'exit');
    this.child.kill(signal);
    await exit;
  }

  /** What it printed, for failure messages. */
  get log(): string {
    return this.output;
  }
}
