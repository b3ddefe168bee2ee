import * as path from 'node:path';
import { expect, gotoReady, login, pathOf, test } from './fixtures';
import { admin, engineer, support } from './users';

// Every test runs in both projects (`js`: hydrated app, `nojs`: server-rendered
// HTML only); `test` from ./fixtures fails on any browser console error.
//
// Screenshots for the docs, taken in the `js` project only (one copy is enough).
const screenshotDir = path.join(__dirname, '..', '..', 'docs', 'screenshots');

test('signs in with email and password and lands on search', async ({ page }) => {
  await login(page, admin.email, admin.password);

  await expect.poll(() => pathOf(page)).toBe('/search');
  const nav = page.getByRole('navigation');
  for (const name of ['Search', 'Overview', 'Feedback', 'Admin']) {
    await expect(nav.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await expect(page.locator('header').first()).toContainText(admin.email);
});

test('refuses a wrong password and stays signed out', async ({ page }, testInfo) => {
  await gotoReady(page, '/login');
  if (testInfo.project.name === 'js') {
    await page.screenshot({ path: path.join(screenshotDir, 'login.png') });
  }

  await page.locator('input[name=email]').fill(admin.email);
  await page.locator('input[name=password]').fill(admin.password + '-wrong');
  await page.locator('button[type=submit]').click();

  await expect(
    page.getByRole('alert').filter({ hasText: 'Wrong email or password' }),
  ).toBeVisible();
  expect(pathOf(page)).toBe('/login');

  await gotoReady(page, '/search');
  await expect.poll(() => pathOf(page), 'a signed-out visit to /search is sent to /login').toBe('/login');
});

test('hides the admin link from engineers and forbids the admin page', async ({ page }) => {
  await login(page, engineer.email, engineer.password);

  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Search', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);

  const response = await gotoReady(page, '/admin');
  expect(response, 'navigation to /admin should get a response').not.toBeNull();
  expect(response!.status()).toBe(403);
  await expect(page.getByText('Forbidden').first()).toBeVisible();
});

test('signs out', async ({ page }) => {
  await login(page, support.email, support.password);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect.poll(() => pathOf(page)).toBe('/login');

  await gotoReady(page, '/search');
  await expect.poll(() => pathOf(page), 'after signing out /search is sent to /login').toBe('/login');
});

test('answers unknown pages with a 404 page', async ({ page }) => {
  await login(page, admin.email, admin.password);

  const response = await gotoReady(page, '/no-such-page');
  expect(response, 'navigation to /no-such-page should get a response').not.toBeNull();
  expect(response!.status()).toBe(404);
  await expect(page.getByText('Page not found').first()).toBeVisible();
});

test('keeps the session across page loads', async ({ page }) => {
  await login(page, engineer.email, engineer.password);

  // A fresh page load: the session lives in the cookie, not in page state.
  await gotoReady(page, '/search');
  expect(pathOf(page), 'a signed-in visit to /search stays there').toBe('/search');
  await expect(page.locator('header').first()).toContainText(engineer.email);
});
