import { createHash, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditRecords, expectDone, form, signOut, submitForm } from './admin-helpers';
import { REPO_ROOT } from './env';
import { expect, gotoReady, javaScriptEnabled, login, pathOf, test } from './fixtures';
import { admin } from './users';

// What an admin does to onboard a customer, through the admin pages alone:
// create an app and copy its secret, whitelist an origin, add a public key,
// create an engineer who may see the app, who then signs in; every step is in
// the audit log. Runs in both projects (the forms are plain HTML forms), on
// the same server and data dir, so every name is unique to the project and run.

const screenshotDir = path.join(__dirname, '..', '..', 'docs', 'screenshots');

const readFixture = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', name), 'utf8');
const es256Pem = readFixture('es256-public.pem');
const rs256Pem = readFixture('rs256-public.pem');

/** What the page shows as a key's fingerprint: SHA-256 of its DER SubjectPublicKeyInfo. */
const es256Fingerprint = createHash('sha256')
  .update(createPublicKey(es256Pem).export({ type: 'spki', format: 'der' }))
  .digest('hex');

/** A secret as the server makes them: 32 random bytes, base64url without padding. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

test('an admin sets up an app and an engineer who may see it', async ({ page, context, baseURL }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const appName = `E2E admin ${run}`;
  const engineer = { email: `engineer-${run}@e2e.test`, password: 'e2e-made-by-admin-Passw0rd!' };
  const keyID = `e2e-key-${run}`;
  let appID = '';
  let secret = '';

  await login(page, admin.email, admin.password);

  await test.step('creates an app and shows its secret once', async () => {
    await gotoReady(page, '/admin');
    const create = form(page, 'Create an app');
    await create.locator('input[name=name]').fill(appName);
    const response = await submitForm(page, create, 'Create app');
    expect(response.status()).toBe(200);
    expect(pathOf(page)).toBe('/admin');

    const row = page.locator('table.admin-apps tbody tr').filter({
      has: page.getByRole('link', { name: appName, exact: true }),
    });
    await expect(row).toHaveCount(1);
    appID = (await row.locator('code').textContent()) ?? '';
    expect(appID, 'the new app has an appID').not.toBe('');
    await expect(row.getByRole('link', { name: appName, exact: true })).toHaveAttribute('href', `/admin/apps/${appID}`);

    const shown = page.locator('section.secret-once');
    await expect(shown).toContainText(`New secret for app ${appID}`);
    const field = shown.locator('input#new-secret');
    await expect(field).toHaveAttribute('readonly');
    secret = await field.inputValue();
    expect(secret, 'the secret is 32 bytes in base64url').toMatch(SECRET);

    const copy = shown.locator('button.copy');
    if (javaScriptEnabled()) {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
      await expect(copy).toHaveText('Copy');
      await copy.click();
      await expect(copy).toHaveText('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText()), 'the clipboard holds the secret').toBe(secret);
    } else {
      await expect(copy, 'without JavaScript there is nothing to copy with: the field is there to select').toHaveCount(0);
    }

    for (const url of ['/admin', `/admin/apps/${appID}`]) {
      await gotoReady(page, url);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await page.content(), `${url} no longer shows the secret`).not.toContain(secret);
    }
  });

  const appPath = `/admin/apps/${appID}`;

  await test.step('whitelists an origin, normalised, and refuses one without a scheme', async () => {
    await gotoReady(page, appPath);
    const addOrigin = form(page, 'Add an origin');
    await addOrigin.locator('input[name=origin]').fill('https://Meet.Example.com:443/');
    expect((await submitForm(page, addOrigin, 'Add origin')).status()).toBe(200);
    expectDone(page, appPath, 'add_origin');
    await expect(page.locator('p.notice.done')).toHaveText('Origin whitelisted.');
    await expect(page.locator('table.admin-origins tbody td code')).toHaveText(['https://meet.example.com']);

    await addOrigin.locator('input[name=origin]').fill('meet.example.com');
    expect((await submitForm(page, addOrigin, 'Add origin')).status()).toBe(422);
    expect(pathOf(page)).toBe(appPath);
    await expect(addOrigin.locator('span.field-error[data-field="origin"]')).toContainText('scheme://host[:port]');
    await expect(addOrigin.locator('input[name=origin]'), 'the form keeps what was typed').toHaveValue('meet.example.com');
    await expect(page.locator('table.admin-origins tbody tr'), 'nothing was added').toHaveCount(1);
  });

  await test.step('adds a P-256 public key and refuses an RSA key', async () => {
    const addKey = form(page, 'Add a public key');
    await addKey.locator('input[name=keyID]').fill(keyID);
    await addKey.locator('textarea[name=pem]').fill(es256Pem);
    expect((await submitForm(page, addKey, 'Add key')).status()).toBe(200);
    expectDone(page, appPath, 'add_key');
    await expect(page.locator('p.notice.done')).toHaveText('Public key added.');
    const keys = page.locator('table.admin-keys tbody tr');
    await expect(keys).toHaveCount(1);
    await expect(keys.locator('td').first()).toHaveText(keyID);
    await expect(keys.locator('code.fingerprint')).toHaveText(es256Fingerprint);
    if (testInfo.project.name === 'js') {
      await page.screenshot({ path: path.join(screenshotDir, 'admin-app.png'), fullPage: true });
    }

    await addKey.locator('input[name=keyID]').fill(`${keyID}-rsa`);
    await addKey.locator('textarea[name=pem]').fill(rs256Pem);
    expect((await submitForm(page, addKey, 'Add key')).status()).toBe(422);
    expect(pathOf(page)).toBe(appPath);
    await expect(addKey.locator('span.field-error[data-field="pem"]')).toContainText('P-256');
    await expect(keys, 'nothing was added').toHaveCount(1);
  });

  await test.step('sets how long the app keeps its data, and refuses samples kept past their conference', async () => {
    await gotoReady(page, appPath);
    const retention = form(page, 'Retention');
    await expect(retention.locator('input[name=statsDays]')).toHaveAttribute('placeholder', '30 (default)');
    await expect(page.locator('p.retention-run')).not.toBeEmpty();
    await retention.locator('input[name=statsDays]').fill('7');
    await retention.locator('input[name=detailDays]').fill('90');
    expect((await submitForm(page, retention, 'Save retention')).status()).toBe(200);
    expectDone(page, appPath, 'retention');
    await expect(page.locator('p.notice.done')).toHaveText('Retention saved: the retention job applies it at its next run.');
    await expect(retention.locator('input[name=statsDays]')).toHaveValue('7');
    await expect(retention.locator('input[name=detailDays]')).toHaveValue('90');
    await expect(retention.locator('input[name=webhookDays]'), 'empty: the default').toHaveValue('');

    await retention.locator('input[name=statsDays]').fill('120');
    expect((await submitForm(page, retention, 'Save retention')).status()).toBe(422);
    expect(pathOf(page)).toBe(appPath);
    await expect(retention.locator('span.field-error[data-field="statsDays"]')).toContainText('longer');
    await expect(retention.locator('input[name=statsDays]'), 'the form keeps what was typed').toHaveValue('120');
    await gotoReady(page, appPath);
    await expect(retention.locator('input[name=statsDays]'), 'nothing was saved').toHaveValue('7');
  });

  await test.step('creates an engineer and grants them the app', async () => {
    await gotoReady(page, '/admin/users');
    const create = form(page, 'Create a user');
    await create.locator('input[name=email]').fill(engineer.email);
    await create.locator('select[name=role]').selectOption('engineer');
    await create.locator('input[name=password]').fill(engineer.password);
    expect((await submitForm(page, create, 'Create user')).status()).toBe(200);
    expectDone(page, '/admin/users', 'create_user');

    const row = page.locator('table.admin-users tbody tr').filter({
      has: page.locator('span.user-email', { hasText: engineer.email }),
    });
    await expect(row).toHaveCount(1);
    await expect(row.locator('ul.grants li'), 'a new user sees no app').toHaveCount(0);

    const grant = form(page, `Grant an app to ${engineer.email}`);
    await grant.locator('select[name=app]').selectOption(appID);
    expect((await submitForm(page, grant, 'Grant')).status()).toBe(200);
    expectDone(page, '/admin/users', 'grant');
    // Each granted app is listed with a button that withdraws it.
    const granted = row.locator('ul.grants li');
    await expect(granted).toHaveCount(1);
    await expect(granted).toContainText(appName);
    await expect(granted.getByRole('button', { name: `Withdraw ${appName} from ${engineer.email}` })).toBeVisible();
  });

  await test.step('the engineer signs in and cannot open the admin pages', async () => {
    await signOut(page);
    await login(page, engineer.email, engineer.password);
    expect(pathOf(page)).toBe('/search');
    const header = page.locator('header.topbar');
    await expect(header.locator('.user-email')).toHaveText(engineer.email);
    await expect(header.locator('.user-role')).toHaveText('engineer');
    await expect(header.getByRole('navigation').getByRole('link', { name: 'Search', exact: true })).toBeVisible();
    await expect(header.getByRole('navigation').getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);

    for (const url of ['/admin', '/admin/users', '/admin/audit', appPath]) {
      const response = await gotoReady(page, url);
      expect(response?.status(), `${url} is for admins`).toBe(403);
      await expect(page.getByText('Forbidden').first()).toBeVisible();
    }
  });

  await test.step('the audit log has every change, and filters by app and action', async () => {
    await signOut(page);
    await login(page, admin.email, admin.password);
    await gotoReady(page, '/admin/audit');
    const ours = (await auditRecords(page)).filter(
      (record) => record.app === appID || record.details.includes(engineer.email),
    );
    // Refused posts (the bad origin, the RSA key) leave no record.
    expect(ours.map((record) => record.action).sort()).toEqual(
      ['app.create', 'app.key.add', 'app.origin.add', 'app.retention', 'user.create', 'user.grant'],
    );
    for (const record of ours) expect(record.who, `${record.action} was done by`).toBe(admin.email);

    const filter = form(page, 'Filter the audit log');
    await filter.locator('select[name=app]').selectOption(appID);
    await filter.locator('select[name=action]').selectOption('app.key');
    expect((await submitForm(page, filter, 'Filter')).status()).toBe(200);
    const query = new URL(page.url()).searchParams;
    expect([pathOf(page), query.get('app'), query.get('action')]).toEqual(['/admin/audit', appID, 'app.key']);
    const filtered = await auditRecords(page);
    expect(filtered.map((record) => [record.action, record.app, record.who])).toEqual([
      ['app.key.add', appID, admin.email],
    ]);
    expect(filtered[0].details).toContain(es256Fingerprint);
  });
});
