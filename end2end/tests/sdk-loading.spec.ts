import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './sdk-demo';

// The three ways an application loads the SDK, each on a small page of its
// own (served by the test, not by callscope), with the SDK itself from the
// server under test: a plain <script> (global `callstats`), an ES module
// (callstats.mjs), and require.js, as the callstats.js reference shows.

const REQUIRE_JS = path.join(__dirname, '..', 'node_modules', 'requirejs', 'require.js');

/** What each page puts into window.loaded from a fresh SDK instance. */
const PROBE = `(callstats) => {
  const sdk = new callstats();
  window.loaded = { version: sdk.version, multiplex: sdk.fabricUsage.multiplex, log: sdk.webRTCFunctions.applicationLog };
}`;

const PAGES: Record<string, string> = {
  script: `<script src="/callstats.js"></script>
    <script>(${PROBE})(callstats);</script>`,
  module: `<script type="module">
      import callstats from '/callstats.mjs';
      (${PROBE})(callstats);
    </script>`,
  amd: `<script src="/sdk-loading/require.js"></script>
    <script>
      requirejs.config({ paths: { callstats: '/callstats' } });
      require(['callstats'], ${PROBE});
    </script>`,
  // An app that has require.js for other things and includes the SDK as usual.
  mixed: `<script src="/sdk-loading/require.js"></script>
    <script src="/callstats.js"></script>
    <script>(${PROBE})(callstats);</script>`,
};

async function serveLoadingPages(page: Page): Promise<void> {
  await page.route('**/sdk-loading/require.js', (route) => route.fulfill({ path: REQUIRE_JS, contentType: 'text/javascript' }));
  await page.route('**/sdk-loading/*.html', (route) => {
    const name = path.basename(new URL(route.request().url()).pathname, '.html');
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>${PAGES[name]}</head><body></body></html>`;
    return route.fulfill({ body, contentType: 'text/html; charset=utf-8' });
  });
}

for (const [style, what] of [
  ['script', 'a plain <script src="/callstats.js"> (global callstats)'],
  ['module', "an ES module (import callstats from '/callstats.mjs')"],
  ['amd', "require.js (require(['callstats']))"],
  ['mixed', 'a plain <script> on a page that also has require.js'],
] as const) {
  test(`the SDK loads through ${what}`, async ({ page }) => {
    await serveLoadingPages(page);
    await page.goto(`/sdk-loading/${style}.html`);
    const loaded = await page.waitForFunction(() => (window as unknown as { loaded?: object }).loaded);
    expect(await loaded.jsonValue()).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      multiplex: 'multiplex',
      log: 'applicationLog',
    });
  });
}
