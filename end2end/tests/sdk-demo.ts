import { test as base, expect, type Page } from '@playwright/test';
import { CspViolations } from './fixtures';
import type { App } from './sdk-store';

// The SDK specs' `test` and the demo page (/demo/) driven like a user would.

/** Browser errors of one test. Like tests/fixtures.ts, any console error or
 * uncaught page error fails the test, except those a test declares expected:
 * a collector outage makes Chromium log every refused request. */
export class BrowserErrors {
  private readonly seen: string[] = [];
  private readonly expected: RegExp[] = [];

  constructor(page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.seen.push(`console error: ${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => this.seen.push(`uncaught page error: ${error.stack || error.message}`));
  }

  /** Lets console errors matching `pattern` pass. */
  expect(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  unexpected(): string[] {
    return this.seen.filter((error) => !this.expected.some((pattern) => pattern.test(error)));
  }
}

export const test = base.extend<{ browserErrors: BrowserErrors; cspViolations: CspViolations }>({
  // As in tests/fixtures.ts: a CSP violation on the demo page fails the test.
  cspViolations: [
    async ({ context }, use) => {
      const violations = await CspViolations.watch(context);
      await use(violations);
      violations.assertNone();
    },
    { auto: true },
  ],
  browserErrors: [
    async ({ page }, use) => {
      const errors = new BrowserErrors(page);
      await use(errors);
      expect(errors.unexpected(), 'the browser logged errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** One fabric event the demo sent: `before` ≤ its SDK timestamp ≤ `after` (ms). */
export interface DemoAction {
  side: 'alice' | 'bob';
  event: string;
  before: number;
  after: number;
}

/** What the specs read of the page's `window.demo` (public/demo/demo.js). */
interface DemoState {
  actions: DemoAction[];
  statsReports: { alice: number; bob: number };
  errors: string[];
}

export interface CallSettings {
  app: App;
  conferenceID: string;
  /** Default: the server under test. */
  collectorURL?: string;
  collectIP?: boolean;
}

/** The SDK's stats period the specs ask for (`?statsInterval=`), instead of 10 s. */
export const STATS_INTERVAL_MS = 2_000;

export class DemoPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto(`/demo/?statsInterval=${STATS_INTERVAL_MS}`);
  }

  private state(): Promise<DemoState> {
    return this.page.evaluate(() => (window as unknown as { demo: DemoState }).demo);
  }

  /** Fills in the settings, starts the call and waits until both sides are connected. */
  async startCall(settings: CallSettings): Promise<void> {
    const { page } = this;
    await page.getByLabel('AppID').fill(settings.app.appID);
    await page.getByLabel('AppSecret').fill(settings.app.secret);
    await page.getByLabel('conferenceID').fill(settings.conferenceID);
    await page.getByLabel('Collector URL').fill(settings.collectorURL ?? '');
    await page.getByLabel('Send IP addresses').setChecked(settings.collectIP ?? true);
    await page.getByRole('button', { name: 'Start call' }).click();
    await expect(page.getByTestId('call-state')).toHaveText('Alice: connected · Bob: connected', { timeout: 20_000 });
  }

  /** Waits until each side's csStatsCallback has been called `count` more times. */
  async waitForStats(count: number): Promise<void> {
    const start = (await this.state()).statsReports;
    await expect
      .poll(async () => {
        const now = (await this.state()).statsReports;
        return Math.min(now.alice - start.alice, now.bob - start.bob);
      }, { timeout: count * STATS_INTERVAL_MS + 15_000 })
      .toBeGreaterThanOrEqual(count);
  }

  async actions(): Promise<DemoAction[]> {
    return (await this.state()).actions;
  }

  /** Failures of the page itself (not of the SDK), for a clear message when a step broke. */
  async pageErrors(): Promise<string[]> {
    return (await this.state()).errors;
  }

  /** Clicks a call control by its current name (Mute/Unmute, Hold/Resume, …). */
  async press(name: string): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
  }

  /** The demo makes setRemoteDescription fail for real and reports it. */
  async reportError(): Promise<void> {
    await this.press('Report an error');
    await expect(this.page.getByTestId('log')).toContainText('setRemoteDescription');
  }

  async sendFeedback(feedback: { overall: number; audio?: number; comment?: string }): Promise<void> {
    const { page } = this;
    await page.getByLabel('Overall').selectOption(String(feedback.overall));
    if (feedback.audio) await page.getByLabel('Audio').selectOption(String(feedback.audio));
    if (feedback.comment) await page.getByLabel('Comment').fill(feedback.comment);
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await expect(page.getByTestId('log')).toContainText(/alice · feedback: success/);
  }
}
