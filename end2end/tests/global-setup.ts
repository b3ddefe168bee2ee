import { spawnSync } from 'node:child_process';
import type { FullConfig } from '@playwright/test';
import { REPO_ROOT, callscopeBin, e2eDataDir } from './env';
import { DEMO_CONFERENCES } from './demo';
import { allUsers, demoViewers, type TestUser } from './users';

// Prepares the server that webServer has already started, through the
// callscope CLI on the same data dir:
//
//  1. creates the test accounts (an account that already exists is fine);
//  2. loads the demo conferences (`callscope demo`), unless a demo app is
//     already there from an earlier run on the same data dir;
//  3. lets the engineer and the support user see the demo app (admins see
//     every app; `unassigned` sees none). Granting twice is harmless.

interface CliResult {
  cmd: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `$CALLSCOPE_BIN args…` in the repository root on the e2e data dir. */
function runCli(bin: string, dataDir: string, args: string[], input?: string): CliResult {
  const result = spawnSync(bin, args, {
    input,
    cwd: REPO_ROOT, // same as the server's, so Leptos.toml is found
    env: { ...process.env, CALLSCOPE_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 300_000, // the demo plays its conferences over HTTP
  });
  const cmd = `${bin} ${args.join(' ')}`;
  // An EPIPE error alone is fine: the CLI may exit (e.g. "already exists")
  // before reading stdin. Judge by the exit status then.
  if (result.error && result.status === null) {
    throw new Error(`end2end global setup: could not run \`${cmd}\`: ${result.error.message}`);
  }
  return {
    cmd,
    status: result.status,
    stdout: (result.stdout ?? '').trim(),
    stderr: (result.stderr ?? '').trim(),
  };
}

/** The error for a CLI run that failed, with everything it printed. */
function failure(result: CliResult): Error {
  const how = result.status !== null ? `exit status ${result.status}` : 'a signal (timeout?)';
  return new Error(
    `end2end global setup: \`${result.cmd}\` failed (${how}).\n` +
      `stderr:\n${result.stderr || '(empty)'}` +
      (result.stdout ? `\nstdout:\n${result.stdout}` : ''),
  );
}

/** Runs a `--json` command that must succeed and parses its last stdout line. */
function runJson(bin: string, dataDir: string, args: string[]): unknown {
  const result = runCli(bin, dataDir, args);
  if (result.status !== 0) throw failure(result);
  const last = result.stdout.split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`end2end global setup: \`${result.cmd}\` printed no JSON:\n${result.stdout}`);
  }
}

function createUser(bin: string, dataDir: string, user: TestUser): void {
  const args = ['user', 'create', '--email', user.email, '--role', user.role, '--json'];
  const result = runCli(bin, dataDir, args, user.password + '\n');
  if (result.status === 0) {
    console.log(`[global-setup] created ${user.role} ${user.email}`);
    return;
  }
  if (/exists/i.test(result.stderr) || /exists/i.test(result.stdout)) {
    console.log(`[global-setup] ${user.email} already exists`);
    return;
  }
  throw failure(result);
}

/** appID of a demo app left by an earlier run on this data dir, if any. */
function existingDemoApp(bin: string, dataDir: string): string | undefined {
  const apps = runJson(bin, dataDir, ['app', 'list', '--json']);
  if (!Array.isArray(apps)) return undefined;
  const demo = apps.find(
    (app): app is { appID: string } =>
      typeof app?.appID === 'string' && typeof app?.name === 'string' && app.name.startsWith('Demo '),
  );
  return demo?.appID;
}

/** Loads the demo conferences (once per data dir) and returns the demo app's appID. */
function loadDemo(bin: string, dataDir: string): string {
  const existing = existingDemoApp(bin, dataDir);
  if (existing) {
    console.log(`[global-setup] demo data already loaded (app ${existing})`);
    return existing;
  }
  const args = ['demo', '--conferences', String(DEMO_CONFERENCES), '--json'];
  const summary = runJson(bin, dataDir, args) as { appID?: unknown; conferences?: unknown };
  if (typeof summary?.appID !== 'string') {
    throw new Error(`end2end global setup: \`callscope demo\` reported no appID: ${JSON.stringify(summary)}`);
  }
  console.log(`[global-setup] loaded ${summary.conferences} demo conferences into app ${summary.appID}`);
  return summary.appID;
}

function grantApp(bin: string, dataDir: string, user: TestUser, appID: string): void {
  runJson(bin, dataDir, ['user', 'grant', '--email', user.email, '--app', appID, '--json']);
  console.log(`[global-setup] ${user.email} may see app ${appID}`);
}

export default async function globalSetup(_config: FullConfig): Promise<void> {
  const bin = callscopeBin();
  const dataDir = e2eDataDir();
  for (const user of allUsers) createUser(bin, dataDir, user);
  const appID = loadDemo(bin, dataDir);
  for (const user of demoViewers) grantApp(bin, dataDir, user, appID);
}
