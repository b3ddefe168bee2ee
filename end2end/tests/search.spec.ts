import * as path from 'node:path';
import { expect, gotoReady, login, pathOf, submitLogin, test, waitForReady } from './fixtures';
import { showcase } from './demo';
import {
  expectResults,
  openConference,
  resultLinks,
  searchForm,
  searchURL,
  submitSearch,
} from './pages';
import { engineer, unassigned } from './users';

// Searching the demo conferences through the form and through shared links.
// conferenceIDs are opaque, case-sensitive strings: the search must never fold case.

const screenshotDir = path.join(__dirname, '..', '..', 'docs', 'screenshots');

test('matches a conference ID exactly, upper and lower case included', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, '/search');

  await submitSearch(page, showcase.standupLower);
  await expectResults(page, [showcase.standupLower]);

  await submitSearch(page, showcase.standupCapitalised);
  await expectResults(page, [showcase.standupCapitalised]);
});

test('finds every conference whose ID starts with a prefix', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, '/search');

  await submitSearch(page, showcase.salesPrefix, 'prefix');
  await expect(resultLinks(page).filter({ hasText: showcase.salesPartialFailure })).toHaveCount(1);
  const ids = await resultLinks(page).allTextContents();
  expect(ids).toContain(showcase.salesTotalFailure);
  expect(ids).toContain(showcase.salesPartialFailure);
  for (const id of ids) expect(id.startsWith(showcase.salesPrefix), `${id} starts with the prefix`).toBe(true);

  // The same text as an exact match is no conference's whole ID.
  await submitSearch(page, showcase.salesPrefix, 'exact');
  await expect(page.locator('.empty-state h2')).toHaveText('No conference matches this search');
  await expect(resultLinks(page)).toHaveCount(0);
});

test('follows a shared search link through the sign-in page', async ({ page }) => {
  const shared = searchURL(showcase.japanese);
  await gotoReady(page, shared);
  await expect.poll(() => pathOf(page), 'a signed-out visit is sent to /login').toBe('/login');
  await waitForReady(page);

  await submitLogin(page, engineer.email, engineer.password);
  const url = new URL(page.url());
  expect(url.pathname + url.search, 'back at the shared link after signing in').toBe(shared);
  await expect(searchForm(page).locator('input[name=conferenceID]')).toHaveValue(showcase.japanese);
  await expectResults(page, [showcase.japanese]);
});

test('lists both calls of a reused conference ID and links them to each other', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, searchURL(showcase.reused));
  await expectResults(page, [showcase.reused, showcase.reused]);
  const [newer, older] = await resultLinks(page).evaluateAll((links) =>
    links.map((link) => link.getAttribute('href')),
  );
  expect(newer).not.toBe(older);

  await openConference(page, showcase.reused, 0);
  expect(pathOf(page)).toBe(newer);
  const instances = page.locator('nav.instances');
  await expect(instances).toContainText('used for 2 separate calls');
  await expect(instances.locator('[aria-current=page]')).toHaveCount(1);
  await expect(instances.getByRole('link')).toHaveCount(1);
  await expect(instances.getByRole('link')).toHaveAttribute('href', older ?? '');

  await instances.getByRole('link').click();
  await page.waitForURL((url) => url.pathname === older);
  await waitForReady(page);
  await expect(page.locator('main h1')).toHaveText(showcase.reused);
  await expect(page.locator('nav.instances').getByRole('link')).toHaveAttribute('href', newer ?? '');
});

test('pages to older conferences and back to the newest', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, '/search');
  const shown = () => resultLinks(page).evaluateAll((links) => links.map((link) => link.getAttribute('href')));
  const started = () => page.locator('table.conferences tbody tr td:first-child').allTextContents();
  await expect(resultLinks(page).first()).toBeVisible();
  const newest = await shown();
  const newestStarts = await started();
  await expect(page.locator('a[rel=first]'), 'the first page links to no newer one').toHaveCount(0);

  await page.locator('a[rel=next]').click();
  await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.has('before'));
  await waitForReady(page);
  await expect.poll(shown, 'the next page shows other conferences').not.toEqual(newest);
  const older = await shown();
  expect(older.length, 'the demo has more conferences than fit on one page').toBeGreaterThan(0);
  expect(older.filter((href) => newest.includes(href)), 'no conference is on both pages').toEqual([]);
  // "YYYY-MM-DD HH:MM:SS" sorts as text: the older page starts no later than the first ended.
  const oldestOfNewest = [...newestStarts].sort()[0];
  for (const at of await started()) expect(at <= oldestOfNewest, `${at} <= ${oldestOfNewest}`).toBe(true);

  await page.locator('a[rel=first]').click();
  await page.waitForURL((url) => url.pathname === '/search' && !url.searchParams.has('before'));
  await waitForReady(page);
  await expect.poll(shown, 'back on the first page').toEqual(newest);
});

test('says so when no conference matches', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, searchURL('does-not-exist'));

  await expect(page.locator('.empty-state h2')).toHaveText('No conference matches this search');
  await expect(page.locator('table.conferences')).toHaveCount(0);
  await expect(searchForm(page).locator('input[name=conferenceID]')).toHaveValue('does-not-exist');
});

test('shows an engineer without apps that no conference is recorded yet', async ({ page }, testInfo) => {
  await login(page, unassigned.email, unassigned.password);
  await gotoReady(page, '/search');

  await expect(page.locator('.empty-state h2')).toHaveText('No conferences recorded yet');
  await expect(page.locator('table.conferences')).toHaveCount(0);
  if (testInfo.project.name === 'js') {
    await page.screenshot({ path: path.join(screenshotDir, 'search-empty.png') });
  }
});
