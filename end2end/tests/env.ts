// Environment shared by playwright.config.ts and global-setup.ts.
// Both run in the Playwright runner process; tests themselves do not need it.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3100';

/** Repository root: the server and the CLI run there, so `Leptos.toml` and
 * the relative `target/site` are found as with a plain `callscope serve`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Reads a required environment variable or throws an error that says what to set. */
export function requireEnv(name: string, what: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `end2end: environment variable ${name} is not set (${what}). ` +
        'Run the suite through the Makefile, or set it yourself (see end2end/README.md).',
    );
  }
  return value;
}

/** Absolute path of the built callscope binary (env CALLSCOPE_BIN, relative
 * paths taken from the current directory), checked to be executable. */
export function callscopeBin(): string {
  const bin = path.resolve(requireEnv('CALLSCOPE_BIN', 'path to the built callscope binary'));
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(`end2end: CALLSCOPE_BIN=${bin} is not an executable file (build it first).`);
  }
  return bin;
}

/** Absolute data directory for the server under test (env CALLSCOPE_E2E_DATA_DIR).
 * Keep it short: the private PostgreSQL puts its Unix socket there. */
export function e2eDataDir(): string {
  return path.resolve(
    requireEnv('CALLSCOPE_E2E_DATA_DIR', 'scratch data directory for the server under test'),
  );
}

export function baseURL(): string {
  return (process.env.CALLSCOPE_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** host:port for CALLSCOPE_ADDR, derived from the base URL (default ports filled in). */
export function listenAddr(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.hostname}:${port}`;
}
