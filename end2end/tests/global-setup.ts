import { spawnSync } from 'node:child_process';
import type { FullConfig } from '@playwright/test';
import { REPO_ROOT, callscopeBin, e2eDataDir } from './env';
import { allUsers, type TestUser } from './users';

// Creates the test accounts with the callscope CLI, against the data dir of
// the server that webServer has already started. Idempotent: an account that
// already exists (CLI says "... exists") is fine.

function createUser(bin: string, dataDir: string, user: TestUser): void {
  const args = ['user', 'create', '--email', user.email, '--role', user.role, '--json'];
  const result = spawnSync(bin, args, {
    input: user.password + '\n',
    cwd: REPO_ROOT, // same as the server's, so Leptos.toml is found
    env: { ...process.env, CALLSCOPE_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const cmd = `${bin} ${args.join(' ')}`;
  // An EPIPE error alone is fine: the CLI may exit (e.g. "already exists")
  // before reading the password from stdin. Judge by the exit status then.
  if (result.error && result.status === null) {
    throw new Error(`end2end global setup: could not run \`${cmd}\`: ${result.error.message}`);
  }
  const stderr = (result.stderr ?? '').trim();
  const stdout = (result.stdout ?? '').trim();
  if (result.status === 0) {
    console.log(`[global-setup] created ${user.role} ${user.email}`);
    return;
  }
  if (/exists/i.test(stderr) || /exists/i.test(stdout)) {
    console.log(`[global-setup] ${user.email} already exists`);
    return;
  }
  const how = result.status !== null ? `exit status ${result.status}` : `signal ${result.signal}`;
  throw new Error(
    `end2end global setup: \`${cmd}\` failed (${how}).\n` +
      `stderr:\n${stderr || '(empty)'}` +
      (stdout ? `\nstdout:\n${stdout}` : ''),
  );
}

export default async function globalSetup(_config: FullConfig): Promise<void> {
  const bin = callscopeBin();
  const dataDir = e2eDataDir();
  for (const user of allUsers) createUser(bin, dataDir, user);
}
