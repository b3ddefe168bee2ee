import type { Page, Request } from '@playwright/test';
import { expect, gotoReady, test } from './fixtures';
import { support } from './users';

// What a browser downloads to show the dashboard: a signed-in /search from
// a cold cache, counted in bytes on the wire (compressed bodies and
// headers), then a reload, which must fetch no script, wasm or stylesheet
// again. Runs in the `js` project only: without JavaScript no bundle loads.

/** First load, everything included (aim: 300 KB, see docs/benchmarks.md). */
const FIRST_LOAD_LIMIT = 450 * 1024;

type Kind = 'document' | 'script' | 'wasm' | 'stylesheet' | 'fetch' | 'image' | 'other';

function kind(request: Request): Kind {
  const url = new URL(request.url());
  if (url.pathname.endsWith('.wasm')) return 'wasm';
  const type = request.resourceType();
  if (type === 'document' || type === 'script' || type === 'stylesheet' || type === 'fetch' || type === 'image') {
    return type;
  }
  return 'other';
}

interface Transfer {
  kind: Kind;
  url: string;
  status: number;
  /** Received over the wire, headers and (compressed) body: Chromium's
   * encodedDataLength, which Playwright splits into these two sizes. 0 for
   * an answer from the browser's cache. */
  bytes: number;
}

/** Records every finished request of `page`: its kind and wire size. */
function recordTransfers(page: Page): () => Promise<Transfer[]> {
  const finished: Request[] = [];
  page.on('requestfinished', (request) => finished.push(request));
  return async () =>
    Promise.all(
      finished.map(async (request) => {
        const sizes = await request.sizes();
        const response = await request.response();
        return {
          kind: kind(request),
          url: new URL(request.url()).pathname,
          status: response?.status() ?? 0,
          bytes: sizes.responseBodySize + sizes.responseHeadersSize,
        };
      }),
    );
}

test('a cold signed-in /search downloads under 450 KB, and a reload no bundle again', async ({ page, baseURL }) => {
  // Signed in without loading any page, so the cache stays cold.
  const signIn = await page.request.post('/login', {
    form: { email: support.email, password: support.password, next: '/search' },
    headers: { origin: new URL(baseURL ?? '').origin },
    maxRedirects: 0,
  });
  expect(signIn.status(), 'signed in').toBe(303);

  const firstLoad = recordTransfers(page);
  await gotoReady(page, '/search');
  const first = await firstLoad();
  const byKind = new Map<Kind, number>();
  for (const transfer of first) byKind.set(transfer.kind, (byKind.get(transfer.kind) ?? 0) + transfer.bytes);
  const total = first.reduce((sum, transfer) => sum + transfer.bytes, 0);
  console.log(
    `first load: ${(total / 1024).toFixed(1)} KB — ` +
      [...byKind].map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`).join(', '),
  );
  for (const bundle of ['wasm', 'script', 'stylesheet'] as const) {
    expect(byKind.get(bundle) ?? 0, `the ${bundle} was downloaded`).toBeGreaterThan(0);
  }
  expect(total, 'bytes on the wire for the first load').toBeLessThanOrEqual(FIRST_LOAD_LIMIT);

  const reloaded = recordTransfers(page);
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated');
  const again = await reloaded();
  for (const transfer of again.filter((transfer) => ['wasm', 'script', 'stylesheet'].includes(transfer.kind))) {
    expect(transfer.status === 304 || transfer.bytes === 0, `${transfer.url} came from the cache`).toBe(true);
  }
});
