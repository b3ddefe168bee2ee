import type { Page } from '@playwright/test';
import { expect, gotoReady, javaScriptEnabled, login, test } from './fixtures';
import { plant, type Planted } from './hostile-data';
import { searchURL } from './pages';
import { admin, hostileEngineer, hostileSupport, type TestUser } from './users';

// Everything a client can send is hostile: hostile-data.ts plants markup
// and script in every field the collector takes (and in an app's name and a
// webhook's URL), then every dashboard page is opened as each role, with
// JavaScript on and off (the two projects). No planted script may run, and
// the text is shown as it was sent. The fixture fails the test on any
// Content-Security-Policy violation: planted markup that reached the page as
// markup would be refused by the policy, and reported.

let planted: Planted;

test.beforeAll(async ({}, info) => {
  planted = await plant(`${info.project.name}-${Date.now()}`);
});

/** The pages `user` may open, each with the texts it must show literally. */
function pagesFor(user: TestUser): { path: string; texts: string[] }[] {
  const { appID, appName, conferenceID, instance, fabrics, connectionID, userID, userName } = planted;
  // Engineers never see a userName (they see the userID); support and admins do.
  const person = user.role === 'engineer' ? userID : userName;
  const report = `app=${encodeURIComponent(appID)}`;
  const pages = [
    { path: searchURL(conferenceID), texts: [conferenceID] },
    { path: `/conferences/${instance}`, texts: [conferenceID, person] },
    ...fabrics.map((fabric) => ({ path: `/conferences/${instance}/fabrics/${fabric}`, texts: [connectionID] })),
    { path: `/overview?${report}`, texts: [appName] },
    { path: `/feedback?${report}`, texts: [appName] },
    { path: `/integration?${report}`, texts: [appName] },
  ];
  if (user.role === 'admin') {
    pages.push(
      { path: '/admin', texts: [appName] },
      { path: `/admin/apps/${appID}`, texts: [appName, planted.webhookURL] },
      { path: `/admin/apps/${appID}/webhooks/${planted.webhookID}`, texts: [] },
      { path: '/admin/users', texts: [] },
      { path: `/admin/audit?${report}`, texts: [appName] },
    );
  }
  return pages;
}

/** Nothing planted became markup, and nothing of it ran. */
async function expectNothingRan(page: Page, path: string): Promise<void> {
  // Only scripts the app wrote: none whose whole text is a planted one.
  await expect(page.locator('script').filter({ hasText: /^\s*window\.__x=1\s*$/ }), path).toHaveCount(0);
  await expect(page.locator('[onerror], [onload]'), `${path}: a planted event handler`).toHaveCount(0);
  await expect(page.locator('img[src="x"]'), `${path}: a planted image`).toHaveCount(0);
  await expect(page.locator('head title'), `${path}: one title`).toHaveCount(1);
  if (javaScriptEnabled()) {
    expect(await page.evaluate(() => (window as unknown as { __x?: unknown }).__x), `${path}: window.__x`).toBeUndefined();
  }
}

for (const user of [admin, hostileSupport, hostileEngineer]) {
  test(`no planted markup runs for ${user.role}, and it is shown as sent`, async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await login(page, user.email, user.password);
    for (const { path, texts } of pagesFor(user)) {
      await test.step(path, async () => {
        const response = await gotoReady(page, path);
        expect(response?.status(), path).toBe(200);
        await expectNothingRan(page, path);
        const body = page.locator('body');
        for (const text of texts) await expect(body, `${path} shows ${JSON.stringify(text)}`).toContainText(text);
      });
    }
    expect(dialogs, 'no dialog was opened').toEqual([]);
  });
}

test('page titles and form fields show hostile names as text', async ({ page }) => {
  await login(page, admin.email, admin.password);
  await gotoReady(page, `/conferences/${planted.instance}`);
  await expect(page).toHaveTitle(`Conference ${planted.conferenceID} · callscope`);
  await gotoReady(page, `/conferences/${planted.instance}/fabrics/${planted.fabrics[0]}`);
  await expect(page).toHaveTitle(`Connection ${planted.connectionID} · callscope`);
  await gotoReady(page, `/admin/apps/${planted.appID}`);
  await expect(page).toHaveTitle(`Admin · ${planted.appName} · callscope`);
  await gotoReady(page, `/admin/apps/${planted.appID}/webhooks/${planted.webhookID}`);
  await expect(page.locator('input[name=url]'), 'the webhook form holds the URL as sent').toHaveValue(planted.webhookURL);
  await expectNothingRan(page, 'titles');
});
