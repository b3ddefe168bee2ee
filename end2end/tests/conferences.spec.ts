import * as path from 'node:path';
import { expect, gotoReady, javaScriptEnabled, login, pathOf, test } from './fixtures';
import { showcase } from './demo';
import { expectResults, openConference, resultLinks, section, submitSearch } from './pages';
import { engineer } from './users';

// The main support flow: find a conference by the ID a customer gives, open
// it, open one of its connections and read its quality charts. Runs in both
// projects; the `js` run also refreshes the screenshots in docs/screenshots.

const screenshotDir = path.join(__dirname, '..', '..', 'docs', 'screenshots');

test('finds a conference by its ID, opens it and one of its connections', async ({ page }, testInfo) => {
  const takeScreenshots = testInfo.project.name === 'js';
  const id = showcase.salesPartialFailure;
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, '/search');
  await expect(resultLinks(page).first(), 'the demo conferences are listed').toBeVisible();
  if (takeScreenshots) {
    await page.screenshot({ path: path.join(screenshotDir, 'search.png'), fullPage: true });
  }

  // Hydrated, the router handles the GET form: the page (and this marker) stays.
  if (javaScriptEnabled()) {
    await page.evaluate(() => ((window as unknown as { searchMarker: string }).searchMarker = 'same page'));
  }
  const documents = await submitSearch(page, id);
  if (javaScriptEnabled()) {
    expect(documents.map((request) => request.url()), 'no full page load').toEqual([]);
    const marker = await page.evaluate(() => (window as unknown as { searchMarker?: string }).searchMarker);
    expect(marker, 'the window survived the search').toBe('same page');
  } else {
    expect(documents.map((request) => [request.method(), new URL(request.url()).pathname])).toEqual([
      ['GET', '/search'],
    ]);
  }
  await expectResults(page, [id]);

  await openConference(page, id);
  await expect(page.locator('dl.summary')).toContainText('partialFailure');
  await expect(section(page, 'Errors').locator('ul.errors > li').first()).toBeVisible();
  // SDPs are not inlined: each error links to its own page, which shows them.
  await expect(section(page, 'Errors').locator('a.error-detail', { hasText: /local SDP, \d+ K?B/ }).first()).toHaveAttribute(
    'href',
    /^\/conferences\/\d+\/errors\/\d+$/,
  );
  await expect(section(page, 'Feedback').locator('table tbody tr').first()).toBeVisible();
  // The poor call's diagnosis: one sentence per problem, each linking to its moment on its connection.
  const problems = section(page, 'Diagnosis').locator('ol.diagnosis > li');
  await expect(problems.first()).toContainText(/(major|minor) .+, (at|from) \d\d:\d\d:\d\d/);
  await expect(problems.first().getByRole('link', { name: 'See the moment' })).toHaveAttribute(
    'href',
    /^\/conferences\/\d+\/fabrics\/\d+#t\d+$/,
  );
  if (takeScreenshots) {
    await page.screenshot({ path: path.join(screenshotDir, 'conference.png'), fullPage: true });
  }

  // A connection that was set up (it has a setup delay), so it has statistics.
  const connections = section(page, 'Connections').locator('table tbody tr');
  await expect(connections.filter({ hasText: 'failed' }), 'the partial failure shows failed connections').not.toHaveCount(0);
  const setUp = connections.filter({ has: page.locator('td.number', { hasText: /^\d+ ms$/ }) }).first();
  const connectionID = (await setUp.getByRole('link').textContent()) ?? '';
  const fromTo = (await setUp.locator('td.person').textContent()) ?? '';
  expect(connectionID).toMatch(/\S/);
  expect(fromTo).toContain('→');
  const conferencePath = pathOf(page);
  await setUp.getByRole('link', { name: connectionID, exact: true }).click();
  await page.waitForURL((url) => url.pathname.startsWith(`${conferencePath}/fabrics/`));

  await expect(page.locator('main h1')).toHaveText(fromTo);
  await expect(page.locator('dl.summary')).toContainText(connectionID);
  await expect(page.locator('.strip').first()).toBeVisible();
  await expect(page.locator('table.timeline tbody tr').first()).toBeVisible();
  // Each chart is an image of its own, drawn with its axes and units.
  for (const [title, unit] of [
    ['Round-trip time', 'RTT (ms)'],
    ['Jitter', 'jitter (ms)'],
    ['Packet loss', 'loss (%)'],
  ]) {
    const chart = page.locator(`figure.chart img[alt="${title}"]`);
    await expect(chart).toBeVisible();
    const drawnWidth = () => chart.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
    await expect.poll(drawnWidth, `${title} is drawn`).toBeGreaterThan(0);
    const svg = await page.request.get((await chart.getAttribute('src')) ?? '');
    expect(svg.headers()['content-type']).toBe('image/svg+xml');
    const text = await svg.text();
    expect(text, 'the chart has its axis labels').toContain('time (UTC)');
    expect(text).toContain(unit);
  }
  if (takeScreenshots) {
    await page.screenshot({ path: path.join(screenshotDir, 'fabric.png'), fullPage: true });
  }
});
