import * as path from 'node:path';
import type { Locator, Page, Request } from '@playwright/test';
import { expect, gotoReady, javaScriptEnabled, login, pathOf, test, waitForReady } from './fixtures';
import { japanesePeople } from './demo';
import { engineer, unassigned } from './users';

// The report pages: overview, feedback and integration, over the demo data
// (global-setup.ts). The demo's conferences lie in the seven days before the
// day it was loaded, so the specs look at a period wide enough to hold them
// even on a data dir loaded days ago. Exact numbers depend on the demo's
// random draws and on when the server ends its conferences, so the checks are
// about how the figures relate to each other, not about their values.

const screenshotDir = path.join(__dirname, '..', '..', 'docs', 'screenshots');

/** The UTC day `offset` days from today, as `YYYY-MM-DD`. */
function utcDay(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/** A period that holds every demo conference. */
const wide = { from: utcDay(-30), to: utcDay(1) };

/** The filter form of the overview and feedback pages. */
function filterForm(page: Page): Locator {
  return page.locator('form', { has: page.locator('div.report-filters') });
}

/** The figures of a `dl` of dt/dd pairs, by their dt. */
async function figures(list: Locator): Promise<Record<string, string>> {
  return list.locator(':scope > div').evaluateAll((pairs) =>
    Object.fromEntries(
      pairs.map((pair) => [
        (pair.querySelector('dt')?.textContent ?? '').trim(),
        (pair.querySelector('dd')?.textContent ?? '').trim(),
      ]),
    ),
  );
}

/** A figure that must be a whole number. */
function count(figures: Record<string, string>, name: string): number {
  expect(figures[name], `"${name}" is a whole number`).toMatch(/^\d+$/);
  return Number(figures[name]);
}

/** The appID of the demo app, the one non-empty choice of the form's app select. */
async function demoAppID(page: Page): Promise<string> {
  const options = filterForm(page).locator('select[name=app] option:not([value=""])');
  await expect(options, 'the engineer may pick the demo app alone').toHaveCount(1);
  await expect(options).toHaveText(/^Demo .* \(\d+\)$/);
  return (await options.getAttribute('value')) ?? '';
}

/** "12.5 %" for `part` of `whole`, as the pages write shares. */
function share(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(1)} %`;
}

/** Follows a link of the header's main navigation. */
async function navigate(page: Page, name: string, pathname: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.waitForURL((url) => url.pathname === pathname);
  await waitForReady(page);
}

/** What the filter form asks for; `appVersion` only on the feedback page. */
interface Filters {
  app: string;
  from: string;
  to: string;
  appVersion?: string;
}

/**
 * Fills in the filter form, submits it with "Show" and waits until the URL
 * carries the filters and, hydrated, the report (server function `endpoint`)
 * has arrived and shows what loading that URL afresh shows. Hydrated, the
 * router handles the submit and fetches only the report (the page keeps the
 * old one until then); without JavaScript the browser loads the page.
 *
 * The query is compared by its fields, not as a string: hydrated, Leptos'
 * `<Form>` also appends the unnamed submit button, as a trailing `&=`.
 */
async function showFilters(page: Page, endpoint: string, filters: Filters): Promise<void> {
  const form = filterForm(page);
  const pathname = pathOf(page);
  await form.locator('select[name=app]').selectOption(filters.app);
  await form.locator('input[name=from]').fill(filters.from);
  await form.locator('input[name=to]').fill(filters.to);
  if (filters.appVersion !== undefined) {
    await form.locator('select[name=appVersion]').selectOption(filters.appVersion);
  }

  const documents: Request[] = [];
  const onRequest = (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documents.push(request);
  };
  // The report for these filters, not one still loading for the page before.
  const report = javaScriptEnabled()
    ? page.waitForResponse((response) => {
        if (new URL(response.url()).pathname !== `/api/${endpoint}`) return false;
        const { query } = response.request().postDataJSON() ?? {};
        return (
          query?.app === filters.app &&
          query?.from === filters.from &&
          query?.to === filters.to &&
          (query?.app_version ?? undefined) === filters.appVersion
        );
      })
    : undefined;
  page.on('request', onRequest);
  try {
    await form.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForURL(
      (url) =>
        url.pathname === pathname &&
        (['app', 'from', 'to', 'appVersion'] as const).every(
          (name) => (url.searchParams.get(name) ?? '') === (filters[name] ?? ''),
        ),
    );
    await waitForReady(page);
  } finally {
    page.off('request', onRequest);
  }
  if (report) {
    expect(documents, 'hydrated, the filter form is handled without loading a page').toEqual([]);
    expect((await report).status()).toBe(200);
  } else {
    expect(documents, 'without JavaScript the browser submits the form').toHaveLength(1);
  }

  const fresh = await page.context().newPage();
  try {
    await gotoReady(fresh, page.url());
    const expected = await fresh.locator('main').innerText();
    await expect
      .poll(() => page.locator('main').innerText(), { message: 'the page shows the report its URL gives' })
      .toBe(expected);
  } finally {
    await fresh.close();
  }
}

/** Expects the page to hold none of the demo participants' real names, hydration data included. */
async function expectNoRealNames(page: Page): Promise<void> {
  const html = await page.content();
  for (const { userName } of japanesePeople) {
    expect(html, `${pathOf(page)} does not contain the name ${userName}`).not.toContain(userName);
  }
}

test('the overview counts the demo conferences and filters by app', async ({ page }, testInfo) => {
  await login(page, engineer.email, engineer.password);
  const everyApp = `/overview?from=${wide.from}&to=${wide.to}`;
  await gotoReady(page, everyApp);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  const form = filterForm(page);
  await expect(form.locator('select[name=app]')).toHaveValue('');
  await expect(form.locator('input[name=from]')).toHaveValue(wide.from);
  await expect(form.locator('input[name=to]')).toHaveValue(wide.to);

  const shown = await figures(page.locator('dl.overview-figures'));
  expect(Object.keys(shown)).toEqual([
    'Conferences',
    'Ended and summarised',
    'Participants',
    'Failure rate',
    'Total failures',
    'Partial failures',
    'Median quality',
  ]);
  const conferences = count(shown, 'Conferences');
  const summarised = count(shown, 'Ended and summarised');
  const failed = count(shown, 'Total failures') + count(shown, 'Partial failures');
  expect(conferences, 'the demo conferences are in the period').toBeGreaterThan(0);
  expect(summarised).toBeLessThanOrEqual(conferences);
  expect(count(shown, 'Participants')).toBeGreaterThan(0);
  // The demo has a total failure and partial failures, summarised by now.
  expect(failed).toBeGreaterThan(0);
  expect(failed).toBeLessThanOrEqual(summarised);
  await expect(page.locator('dd.failure-rate')).toHaveText(share(failed, summarised));
  expect(shown['Median quality'], 'a MOS from 1.0 to 5.0').toMatch(/^[1-5]\.\d$/);

  await test.step('failures, setup delay, quality and clients', async () => {
    const failures = page.locator('table.counts.failures tbody tr');
    const names = await failures.locator('td:first-child').allTextContents();
    expect(names, 'the demo reports a getUserMedia error').toContain('getUserMedia');
    const counts = (await failures.locator('td.number').allTextContents()).map(Number);
    expect(counts, 'most failures first').toEqual([...counts].sort((a, b) => b - a));
    for (const n of counts) expect(n).toBeGreaterThan(0);

    const delays = await page.locator('table.delays tbody td').allTextContents();
    expect(delays).toHaveLength(7);
    const [connections, ...percentiles] = delays;
    expect(Number(connections), 'connections with a setup delay').toBeGreaterThan(0);
    for (const cell of percentiles) expect(cell).toMatch(/^\d+ ms$/);
    const ms = percentiles.map((cell) => parseInt(cell, 10));
    expect(ms, 'min ≤ median ≤ 90th ≤ 95th ≤ 99th ≤ max').toEqual([...ms].sort((a, b) => a - b));

    await expect(page.locator('figure.chart svg[role=img][aria-label="Conferences by quality"]')).toBeVisible();
    await expect(page.locator('table.counts.browsers tbody tr').first()).toBeVisible();
    await expect(page.locator('table.counts.versions tbody tr').first()).toBeVisible();
  });

  await test.step('the same figures for the demo app, chosen in the form', async () => {
    await navigate(page, 'Overview', '/overview');
    const appID = await demoAppID(page);
    await showFilters(page, 'get_overview', { app: appID, ...wide });
    await expect(filterForm(page).locator('select[name=app]')).toHaveValue(appID);
    // The engineer sees the demo app alone: every app is that app.
    expect(await figures(page.locator('dl.overview-figures'))).toEqual(shown);
    if (testInfo.project.name === 'js') {
      await page.screenshot({ path: path.join(screenshotDir, 'overview.png'), fullPage: true });
    }
  });
});

test('the feedback page shows ratings, their trend and comments, by app version', async ({ page }, testInfo) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, '/search');
  await navigate(page, 'Feedback', '/feedback');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Feedback');
  const appID = await demoAppID(page);
  await showFilters(page, 'get_feedback_report', { app: appID, ...wide });

  const figureList = page.locator('dl.feedback-figures');
  await expect(figureList).toBeVisible();
  const all = await figures(figureList);
  const rated = count(all, 'Rated feedback');
  const dissatisfied = count(all, 'Dissatisfied (a 1 or 2)');
  expect(rated, 'the demo sends feedback').toBeGreaterThan(0);
  expect(dissatisfied, 'the demo has unhappy users').toBeGreaterThan(0);
  expect(dissatisfied).toBeLessThanOrEqual(rated);
  await expect(page.locator('dd.dissatisfied-share')).toHaveText(share(dissatisfied, rated));

  await test.step('a distribution chart per kind of rating and the daily trend', async () => {
    const distributions = page.locator('figure.chart.distribution');
    await expect(distributions).toHaveCount(4);
    expect(await distributions.evaluateAll((charts) => charts.map((chart) => chart.getAttribute('data-kind')))).toEqual([
      'overall',
      'audio',
      'video',
      'screen',
    ]);
    for (const chart of await distributions.all()) await expect(chart.locator('svg[role=img]')).toBeVisible();
    await expect(page.locator('figure.chart.trend svg[role=img]')).toBeVisible();

    const days = await page.locator('table.trend tbody tr').evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())),
    );
    expect(days.length, 'the demo spreads its feedback over several days').toBeGreaterThan(1);
    for (const [day, mean] of days) {
      expect(day >= wide.from && day <= wide.to, `${day} is in the period`).toBe(true);
      expect(mean).toMatch(/^[1-5]\.\d\d$/);
    }
    expect(days.map(([day]) => day), 'oldest day first').toEqual(days.map(([day]) => day).sort());
    const sum = (column: number) => days.reduce((total, row) => total + Number(row[column]), 0);
    expect(sum(2), 'the days add up to the rated feedback').toBe(rated);
    expect(sum(3), 'the days add up to the dissatisfied').toBe(dissatisfied);
  });

  await test.step('comments link to their conferences', async () => {
    const comments = page.locator('ul.comments li');
    await expect(comments.first()).toBeVisible();
    for (const text of await comments.locator('blockquote').allTextContents()) expect(text.trim()).not.toBe('');
    const links = comments.locator('a');
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBe(await comments.count());
    for (const href of new Set(hrefs)) {
      expect(href).toMatch(/^\/conferences\/\d+$/);
      expect((await page.request.get(href)).status(), `${href} opens`).toBe(200);
    }
    if (testInfo.project.name === 'js') {
      await page.screenshot({ path: path.join(screenshotDir, 'feedback.png'), fullPage: true });
    }

    const first = links.first();
    const conferenceID = await first.textContent();
    await first.click();
    await page.waitForURL((url) => url.pathname === hrefs[0]);
    await waitForReady(page);
    await expect(page.locator('main h1')).toHaveText(conferenceID ?? '');
    await page.goBack();
    await waitForReady(page);
    await expect(figureList).toBeVisible();
  });

  await test.step('filters by app version', async () => {
    const versions = filterForm(page).locator('select[name=appVersion] option:not([value=""])');
    await expect(versions.first(), 'the demo endpoints report an applicationVersion').toBeAttached();
    const version = (await versions.first().getAttribute('value')) ?? '';
    await showFilters(page, 'get_feedback_report', { app: appID, ...wide, appVersion: version });
    await expect(filterForm(page).locator('select[name=appVersion]')).toHaveValue(version);

    const ofVersion = await figures(figureList);
    const ratedOfVersion = count(ofVersion, 'Rated feedback');
    const dissatisfiedOfVersion = count(ofVersion, 'Dissatisfied (a 1 or 2)');
    expect(ratedOfVersion, 'the version sent feedback').toBeGreaterThan(0);
    expect(ratedOfVersion, 'one version has no more feedback than all').toBeLessThanOrEqual(rated);
    expect(dissatisfiedOfVersion).toBeLessThanOrEqual(Math.min(dissatisfied, ratedOfVersion));
    await expect(page.locator('dd.dissatisfied-share')).toHaveText(share(dissatisfiedOfVersion, ratedOfVersion));
  });
});

test('the reports never show an engineer the participants’ real names', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  for (const report of ['/overview', '/feedback']) {
    await gotoReady(page, `${report}?from=${wide.from}&to=${wide.to}`);
    // The Japanese showcase call is in the period, so its people are counted.
    await expect(page.locator('dl.summary')).toBeVisible();
    await expectNoRealNames(page);
  }
});

test('the integration page shows which steps the demo app was seen making', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, '/search');
  await navigate(page, 'Integration', '/integration');

  const choice = page.locator('form[aria-label="Choose an app"] select[name=app] option');
  await expect(choice).toHaveCount(1);
  const [, appName, appID] = /^(.*) \((\d+)\)$/.exec((await choice.textContent()) ?? '') ?? [];
  expect(appName, 'the app is offered as "Name (appID)"').toMatch(/^Demo /);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Integration of ${appName}`);

  // The demo talks to the collector as the SDK does, so it made every required call.
  const notice = page.locator('p.notice[role=status]');
  await expect(notice).toHaveText('5 of 5 required steps seen.');
  await expect(notice).toHaveClass(/\bdone\b/);
  for (const step of ['authenticate', 'userJoined', 'addNewFabric', 'fabricSetup', 'stats']) {
    const row = page.locator(`table.integration tr.step[data-step="${step}"]`);
    await expect(row, `${step} was seen`).toHaveClass(/\bseen\b/);
    await expect(row.locator('td.status')).toHaveText('seen');
    await expect(row.locator('td.nowrap').first(), 'when it was last seen').toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await expect(row.locator('td.hint').last(), 'nothing to do').toHaveText('');
  }

  // The demo runs no pre-call test: an optional step, with what to do about it.
  const precall = page.locator('table.integration tr.step[data-step="precallTest"]');
  await expect(precall).toHaveClass(/\boptional\b/);
  await expect(precall.locator('td.status')).toHaveText('not yet (optional)');
  await expect(precall.locator('td.hint').last()).toContainText('configParams.precallTest.iceServers');

  // Choosing the app in the form (a plain GET form) shows the same app.
  await page.locator('form[aria-label="Choose an app"]').getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/integration' && url.search === `?app=${appID}`);
  await waitForReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Integration of ${appName}`);
  await expect(notice).toHaveText('5 of 5 required steps seen.');
});

test('shows an engineer without apps empty reports', async ({ page }) => {
  await login(page, unassigned.email, unassigned.password);

  await gotoReady(page, `/overview?from=${wide.from}&to=${wide.to}`);
  await expect(filterForm(page).locator('select[name=app] option')).toHaveText(['every app I may see']);
  await expect(page.locator('.empty-state h2')).toHaveText('No conferences in this period');
  await expect(page.locator('dl.overview-figures')).toHaveCount(0);

  await navigate(page, 'Feedback', '/feedback');
  await expect(page.locator('.empty-state h2')).toHaveText('No feedback in this period');
  await expect(page.locator('dl.feedback-figures')).toHaveCount(0);

  await navigate(page, 'Integration', '/integration');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Integration');
  await expect(page.locator('.empty-state h2')).toHaveText('No app to show');
  await expect(page.locator('.empty-state p')).toHaveText('No app is shared with you yet. Ask an admin to grant you one.');
  await expect(page.locator('table.integration')).toHaveCount(0);
});
