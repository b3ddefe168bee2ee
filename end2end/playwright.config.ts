import { defineConfig } from '@playwright/test';
import {
  REPO_ROOT,
  baseURL as readBaseURL,
  callscopeBin,
  e2eDataDir,
  listenAddr,
} from './tests/env';

// Browser tests for callscope. Normally started by the Makefile (`make e2e`),
// which builds the binary and sets the environment; see README.md.
//
//   CALLSCOPE_BIN           built binary (required); started as `$CALLSCOPE_BIN serve`
//   CALLSCOPE_E2E_DATA_DIR  scratch data dir for that server (required)
//   CALLSCOPE_BASE_URL      where it listens (default http://127.0.0.1:3100); the
//                           SDK spec starts a second collector on the next port
//
// Everything else in the environment (LEPTOS_SITE_ROOT, RUST_LOG, ...) is
// passed through to the server unchanged. The server runs in the repository
// root, so the default `Leptos.toml` and `target/site` resolve as usual.

const baseURL = readBaseURL();
const bin = callscopeBin();
const dataDir = e2eDataDir();

/** Single-quotes a string for the POSIX shell that runs webServer.command. */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** process.env without undefined values (webServer.env wants plain strings). */
const inheritedEnv = Object.fromEntries(
  Object.entries(process.env).filter((kv): kv is [string, string] => kv[1] !== undefined),
);

// Debian's Chromium (apt package `chromium`); Playwright's own browsers are not
// downloadable here, so `npx playwright install` is never needed.
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** The specs of the `sdk` project: the SDK's, and the fleet's (a real call through one of two instances). */
const SDK_SPECS = /\/(sdk[^/]*|fleet)\.spec\.ts$/;
/** Specs about the browser bundle, which loads only with JavaScript. */
const JS_ONLY_SPECS = /\/delivery\.spec\.ts$/;

export default defineConfig({
  testDir: 'tests',
  // Runs after the webServer below is up (Playwright starts webServer first).
  globalSetup: './tests/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results',

  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: chromium,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },

  // Every dashboard test runs twice: hydrated app, and plain server-rendered
  // HTML. The SDK specs (sdk*.spec.ts, fleet.spec.ts) make real WebRTC
  // calls, so they run once, with JavaScript and a fake camera and
  // microphone that need no permission prompt.
  projects: [
    { name: 'js', testIgnore: SDK_SPECS, use: { javaScriptEnabled: true } },
    { name: 'nojs', testIgnore: [SDK_SPECS, JS_ONLY_SPECS], use: { javaScriptEnabled: false } },
    {
      name: 'sdk',
      testMatch: SDK_SPECS,
      use: {
        javaScriptEnabled: true,
        launchOptions: {
          ...chromium,
          args: [...chromium.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
        },
      },
    },
  ],

  webServer: {
    // `exec` so the signal below reaches the server itself, not only the shell.
    command: `exec ${shellQuote(bin)} serve`,
    cwd: REPO_ROOT,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      ...inheritedEnv,
      CALLSCOPE_ADDR: listenAddr(baseURL),
      CALLSCOPE_DATA_DIR: dataDir,
      // No load balancer to wait for: SIGTERM drains at once.
      CALLSCOPE_DRAIN_DELAY_SECS: '0',
      // The webhook specs point at loopback, which webhooks may not reach by default.
      CALLSCOPE_WEBHOOK_ALLOW_NETWORKS: process.env.CALLSCOPE_WEBHOOK_ALLOW_NETWORKS ?? '127.0.0.0/8,::1/128',
    },
  },
});
