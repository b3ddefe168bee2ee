import { test as base, expect, type BrowserContext, type Page, type Response } from '@playwright/test';

// Shared test setup for the callscope browser tests.
//
//  * `test` fails any test during which the browser logged a console error or
//    threw an uncaught exception (hydration mismatches, panics in WASM, 404ing
//    assets, ...), and, separately, any test during which a page reported a
//    Content-Security-Policy violation (`watchCsp`, also used by the SDK specs).
//  * `gotoReady(page, url)` navigates and waits until the page is usable:
//    hydrated (body[data-hydrated]) when the project runs with JavaScript,
//    loaded when it runs without.
//  * `login(page, email, password)` signs in through the real login form;
//    `submitLogin` does the same on a login page the browser was sent to.

export { expect };

/** Whether the current test's project runs with JavaScript (the `js` vs `nojs` project). */
export function javaScriptEnabled(): boolean {
  return base.info().project.use.javaScriptEnabled !== false;
}

/** Waits until the current page is ready: loaded, and hydrated when JavaScript is on. */
export async function waitForReady(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  if (javaScriptEnabled()) {
    await expect(
      page.locator('body'),
      'the app should hydrate and set body[data-hydrated]',
    ).toHaveAttribute('data-hydrated');
  }
}

/** Navigates to `url` (relative to baseURL) and waits until the page is ready. */
export async function gotoReady(page: Page, url: string): Promise<Response | null> {
  const response = await page.goto(url);
  await waitForReady(page);
  return response;
}

/** Signs in through /login and waits until the app has navigated away from it. */
export async function login(page: Page, email: string, password: string): Promise<void> {
  await gotoReady(page, '/login');
  await submitLogin(page, email, password);
}

/** Fills in and submits the login form the page is showing (e.g. after a
 * signed-out visit was sent there) and waits until the app has left /login. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.waitForURL((url) => url.pathname !== '/login');
  await waitForReady(page);
}

/** Path part of the page's current URL, for `expect.poll(() => pathOf(page))`. */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

// Chromium reports every HTTP error response as a console error
// ("Failed to load resource: the server responded with a status of 404 ...").
// For a main-frame document the test asserts that status itself (403/404
// pages), so those are not counted; failing sub-resources still are.
const FAILED_LOAD = /^Failed to load resource: the server responded with a status of \d+/;

/** Content-Security-Policy violations a page reported, by the DOM's
 * `securitypolicyviolation` event (with JavaScript on) and by Chromium's
 * console message (also with JavaScript off, where no event can be seen). */
export class CspViolations {
  readonly seen: string[] = [];

  /** Starts watching every page of `context`; call before the first navigation. */
  static async watch(context: BrowserContext): Promise<CspViolations> {
    const violations = new CspViolations();
    await context.exposeBinding('__cspViolation', (_source, report: string) => {
      violations.seen.push(`securitypolicyviolation: ${report}`);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = `${event.effectiveDirective} refused ${event.blockedURI || 'inline'} ` +
          `(${event.sourceFile}:${event.lineNumber}) ${event.sample}`;
        (window as unknown as { __cspViolation(report: string): void }).__cspViolation(report);
      });
    });
    context.on('console', (message) => {
      if (CSP_MESSAGE.test(message.text())) violations.seen.push(`console: ${message.text()}`);
    });
    return violations;
  }

  /** Fails the test if any violation was reported. */
  assertNone(): void {
    expect(this.seen, 'the page reported Content-Security-Policy violations').toEqual([]);
  }
}

/** How Chromium words a CSP refusal in the console. */
const CSP_MESSAGE = /Refused to .*Content Security Policy|Content Security Policy directive/i;

export const test = base.extend<{ browserErrors: string[]; cspViolations: CspViolations }>({
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
      const consoleErrors: { text: string; url: string; line: number }[] = [];
      const pageErrors: string[] = [];
      const errorDocuments = new Set<string>();

      page.on('response', (response) => {
        const request = response.request();
        if (
          response.status() >= 400 &&
          request.isNavigationRequest() &&
          request.frame() === page.mainFrame()
        ) {
          errorDocuments.add(response.url());
        }
      });
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const { url, lineNumber } = message.location();
        consoleErrors.push({ text: message.text(), url, line: lineNumber });
      });
      page.on('pageerror', (error) => {
        pageErrors.push(`uncaught page error: ${error.stack || error.message}`);
      });

      const errors: string[] = [];
      await use(errors);

      // Filtered only now, so the order of response and console events does not matter.
      for (const { text, url, line } of consoleErrors) {
        if (FAILED_LOAD.test(text) && errorDocuments.has(url)) continue;
        const where = url ? ` (${url}${line ? `:${line}` : ''})` : '';
        errors.push(`console error: ${text}${where}`);
      }
      errors.push(...pageErrors);
      expect(errors, 'the browser logged errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});
