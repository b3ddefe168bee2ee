import { expectDone, form, submitForm } from './admin-helpers';
import { expect, gotoReady, login, pathOf, test } from './fixtures';
import { admin } from './users';

// An admin manages an app's webhooks through the admin pages alone: adds one
// and copies its signing secret, is told what is wrong with a bad URL, edits
// and disables it, rotates its secret, and removes it. Runs in both projects
// (the forms are plain HTML forms), on the same server and data dir, so each
// run makes its own app. Nothing listens on the webhook's URL (port 9,
// discard), and an interval webhook of an hour notifies nothing in a test.

/** A webhook signing secret as the server makes them: `whsec_` and 32 bytes in base64url. */
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9_-]{43}$/;

const hookURL = 'http://127.0.0.1:9/hook';

test('an admin adds, edits, rotates and removes a webhook', async ({ page }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const appName = `E2E webhooks ${run}`;
  let appID = '';
  let webhookID = '';
  let secret = '';

  await login(page, admin.email, admin.password);

  await test.step('creates an app, which has no webhook', async () => {
    await gotoReady(page, '/admin');
    const create = form(page, 'Create an app');
    await create.locator('input[name=name]').fill(appName);
    expect((await submitForm(page, create, 'Create app')).status()).toBe(200);
    const row = page.locator('table.admin-apps tbody tr').filter({
      has: page.getByRole('link', { name: appName, exact: true }),
    });
    await expect(row).toHaveCount(1);
    appID = (await row.locator('code').textContent()) ?? '';
    expect(appID, 'the new app has an appID').not.toBe('');

    await gotoReady(page, `/admin/apps/${appID}`);
    await expect(page.getByText('No webhooks: nothing is notified.')).toBeVisible();
  });

  const appPath = `/admin/apps/${appID}`;
  const webhooks = page.locator('table.admin-webhooks tbody tr');

  await test.step('adds an interval webhook and shows its signing secret once', async () => {
    const add = form(page, 'Add a webhook');
    await expect(add.locator('input[name=reasons][value=failedConferences]')).toBeChecked();
    await expect(add.locator('input[name=reasons][value=dissatisfactoryUserFeedback]')).not.toBeChecked();
    await expect(add.locator('select[name=triggerType]')).toHaveValue('interval');
    await expect(add.locator('input[name=enabled]'), 'a new webhook is enabled').toBeChecked();

    await add.locator('input[name=url]').fill(hookURL);
    await add.locator('select[name=triggerType]').selectOption('interval');
    await add.locator('input[name=threshold]').fill('10');
    await add.locator('input[name=interval]').fill('60');
    expect((await submitForm(page, add, 'Add webhook')).status()).toBe(200);
    expect(pathOf(page)).toBe(appPath);

    await expect(webhooks).toHaveCount(1);
    const link = webhooks.getByRole('link', { name: hookURL, exact: true });
    const href = (await link.getAttribute('href')) ?? '';
    const match = href.match(/^\/admin\/apps\/[^/]+\/webhooks\/(\d+)$/);
    expect(match, `${href} is the webhook's page`).not.toBeNull();
    webhookID = match?.[1] ?? '';
    expect(href).toBe(`${appPath}/webhooks/${webhookID}`);
    await expect(webhooks.locator('td').nth(2)).toHaveText('interval · > 10 % per 60 min');
    await expect(webhooks.locator('td').nth(3)).toHaveText('enabled');

    const shown = page.locator('section.secret-once');
    await expect(shown).toContainText(`New signing secret for webhook ${webhookID}`);
    await expect(shown).toContainText('X-Callscope-Signature');
    const field = shown.locator('input#new-secret');
    await expect(field).toHaveAttribute('readonly');
    await expect(field).toHaveAttribute('aria-label', 'New webhook secret');
    secret = await field.inputValue();
    expect(secret, 'the secret starts with whsec_').toMatch(WEBHOOK_SECRET);
    await expect(webhooks.locator('td code')).toHaveText(`…${secret.slice(-4)}`);

    for (const url of [appPath, `${appPath}/webhooks/${webhookID}`]) {
      await gotoReady(page, url);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('section.secret-once')).toHaveCount(0);
      expect(await page.content(), `${url} no longer shows the secret`).not.toContain(secret);
    }
  });

  await test.step('refuses a URL that is not http(s), keeping what was typed', async () => {
    await gotoReady(page, appPath);
    const add = form(page, 'Add a webhook');
    await add.locator('input[name=url]').fill('ftp://x');
    expect((await submitForm(page, add, 'Add webhook')).status()).toBe(422);
    expect(pathOf(page)).toBe(appPath);
    await expect(add.locator('span.field-error[data-field="url"]')).toContainText('http:// or https://');
    await expect(add.locator('input[name=url]'), 'the form keeps what was typed').toHaveValue('ftp://x');
    await expect(add.locator('input[name=threshold]')).toHaveValue('10');
    await expect(page.locator('section.secret-once'), 'no secret was made').toHaveCount(0);
    await expect(webhooks, 'nothing was added').toHaveCount(1);
  });

  const webhookPath = `${appPath}/webhooks/${webhookID}`;

  await test.step('edits the webhook: a higher threshold, disabled', async () => {
    await gotoReady(page, webhookPath);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Webhook ${webhookID}`);
    await expect(page.locator('p.crumbs').getByRole('link', { name: appName, exact: true })).toHaveAttribute(
      'href',
      appPath,
    );
    const edit = form(page, 'Edit webhook');
    await expect(edit.locator('input[name=url]')).toHaveValue(hookURL);
    await expect(edit.locator('input[name=threshold]')).toHaveValue('10');
    await expect(edit.locator('input[name=interval]')).toHaveValue('60');
    await expect(edit.locator('input[name=enabled]')).toBeChecked();

    await edit.locator('input[name=threshold]').fill('25');
    await edit.locator('input[name=enabled]').uncheck();
    expect((await submitForm(page, edit, 'Save')).status()).toBe(200);
    expectDone(page, webhookPath, 'update_webhook');
    await expect(page.locator('p.notice.done')).toHaveText('Webhook saved.');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('disabled');
    await expect(edit.locator('input[name=threshold]')).toHaveValue('25');
    await expect(edit.locator('input[name=enabled]')).not.toBeChecked();

    await gotoReady(page, appPath);
    await expect(webhooks).toHaveCount(1);
    await expect(webhooks.locator('td').nth(2)).toHaveText('interval · > 25 % per 60 min');
    await expect(webhooks.locator('td').nth(3)).toHaveText('disabled');
  });

  await test.step('rotates the signing secret and shows the new one once', async () => {
    await gotoReady(page, webhookPath);
    await expect(page.getByText('No notifications yet.')).toBeVisible();
    const rotate = form(page, 'Rotate secret');
    await expect(rotate.locator('code')).toHaveText(`…${secret.slice(-4)}`);
    expect((await submitForm(page, rotate, 'Rotate secret')).status()).toBe(200);
    expect(pathOf(page)).toBe(webhookPath);

    const shown = page.locator('section.secret-once');
    await expect(shown).toContainText(`New signing secret for webhook ${webhookID}`);
    const rotated = await shown.locator('input#new-secret').inputValue();
    expect(rotated).toMatch(WEBHOOK_SECRET);
    expect(rotated, 'a new secret').not.toBe(secret);
    await expect(rotate.locator('code'), 'the page names the new secret').toHaveText(`…${rotated.slice(-4)}`);
    await expect(page.getByText('No notifications yet.')).toBeVisible();
  });

  await test.step('removes the webhook from the app page', async () => {
    await gotoReady(page, appPath);
    const label = `Remove webhook ${webhookID}`;
    const remove = page.locator('table.admin-webhooks form').filter({ has: page.getByRole('button', { name: label }) });
    expect((await submitForm(page, remove, label)).status()).toBe(200);
    expectDone(page, appPath, 'remove_webhook');
    await expect(page.locator('p.notice.done')).toHaveText('Webhook removed: it notifies nothing more.');
    await expect(page.locator('table.admin-webhooks')).toHaveCount(0);
    await expect(page.getByText('No webhooks: nothing is notified.')).toBeVisible();

    const gone = await gotoReady(page, webhookPath);
    expect(gone?.status(), 'the removed webhook has no page').toBe(404);
  });
});
