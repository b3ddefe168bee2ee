import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './sdk-demo';

// The three ways an application loads the SDK, each on a small page of its
// own (served by the test, not by callscope), with the SDK itself from the
// server under test: a plain <script> (global `callstats`), an ES module
// (callstats.mjs), and require.js, as the callstats.js reference shows. The
// versioned, minified build (/callstats-<VERSION>.min.js, made by
// scripts/build-sdk.mjs) loads the same ways: a plain <script> and require.js.

const REQUIRE_JS = path.join(__dirname, '..', 'node_modules', 'requirejs', 'require.js');

/** The SDK's VERSION, read from sdk/src/version.js as scripts/build-sdk.mjs reads it. */
const SDK_VERSION = ((): string => {
  const file = path.join(__dirname, '..', '..', 'sdk', 'src', 'version.js');
  const found = /^export const VERSION = '([^'\\\n]*)';$/m.exec(fs.readFileSync(file, 'utf8'));
  if (!found) throw new Error(`${file}: no "export const VERSION = '...';" line`);
  return found[1];
})();

/** The versioned, minified SDK, and its source map beside it. */
const MIN_SDK = `/callstats-${SDK_VERSION}.min.js`;
const MIN_SDK_MAP = `${MIN_SDK}.map`;

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
  'min-script': `<script src="${MIN_SDK}"></script>
    <script>(${PROBE})(callstats);</script>`,
  'min-amd': `<script src="/sdk-loading/require.js"></script>
    <script>
      requirejs.config({ paths: { callstats: '${MIN_SDK.replace(/\.js$/, '')}' } });
      require(['callstats'], ${PROBE});
    </script>`,
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

for (const [style, what] of [
  ['min-script', `a plain <script src="${MIN_SDK}"> (global callstats)`],
  ['min-amd', `require.js (paths: { callstats: '${MIN_SDK.replace(/\.js$/, '')}' })`],
] as const) {
  test(`the minified SDK loads through ${what}`, async ({ page }) => {
    await serveLoadingPages(page);
    await page.goto(`/sdk-loading/${style}.html`);
    const loaded = await page.waitForFunction(() => (window as unknown as { loaded?: object }).loaded);
    expect(await loaded.jsonValue()).toEqual({
      version: SDK_VERSION,
      multiplex: 'multiplex',
      log: 'applicationLog',
    });
  });
}

test('the versioned SDK is served immutable, with a source map naming callstats.js', async ({ page }) => {
  const script = await page.request.get(MIN_SDK);
  expect(script.status(), `GET ${MIN_SDK}`).toBe(200);
  expect(script.headers()['cache-control'], `Cache-Control of ${MIN_SDK}`).toContain('immutable');
  expect(await script.text()).toContain(`//# sourceMappingURL=${path.posix.basename(MIN_SDK_MAP)}`);

  const map = await page.request.get(MIN_SDK_MAP);
  expect(map.status(), `GET ${MIN_SDK_MAP}`).toBe(200);
  const json = (await map.json()) as { sources?: unknown };
  expect(Array.isArray(json.sources), 'the source map has sources').toBe(true);
  expect(json.sources).toContainEqual(expect.stringMatching(/(^|\/)callstats\.js$/));
});
