import { clientJwt } from './client-jwt';
import { expectDone, form, submitForm } from './admin-helpers';
import { baseURL } from './env';
import { expect, gotoReady, login, test } from './fixtures';
import { createApp, literal, queryRows } from './sdk-store';
import { admin, engineer } from './users';

// One person's data (docs/privacy.md): an admin finds a person by their real
// name, downloads the export and erases them after typing the name again;
// an engineer gets a 403. Runs in both projects (plain HTML forms), each on
// its own app and person.

/** Joins a conference of `appID` as `userID` with a real name, through the collector. */
async function joinAs(appID: string, secret: string, userID: string, userName: string): Promise<void> {
  const code = clientJwt(appID, secret, userID);
  const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: `${userID}@${appID}`, code });
  const token = await fetch(`${baseURL()}/authenticate`, { method: 'POST', body: form });
  expect(token.ok, 'the collector grants a token').toBe(true);
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  const joined = await fetch(`${baseURL()}/v1/apps/${appID}/conferences/${encodeURIComponent(`room of ${userID}`)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      localID: userID, deviceID: 'laptop', timestamp: Date.now(),
      endpointInfo: { type: 'browser', name: 'Chrome', os: 'Linux' },
      userID: { userName, aliasName: `${userID}-alias` },
    }),
  });
  expect(joined.status, 'the person joins').toBe(200);
}

test('an admin erases a person found by name, after downloading their data', async ({ page }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const { appID, secret } = createApp(`E2E subject ${run}`);
  const userID = `subject-${run}`;
  const userName = `Erasable Person ${run}`;
  await joinAs(appID, secret, userID, userName);
  const path = `/admin/apps/${appID}/subject`;

  await login(page, admin.email, admin.password);
  await gotoReady(page, `/admin/apps/${appID}`);
  await page.getByRole('link', { name: 'export or erase it', exact: true }).click();
  await expect(page).toHaveURL((url) => url.pathname === path);
  await gotoReady(page, path);

  await test.step('finds the person by real name', async () => {
    const find = form(page, 'Find a person');
    await find.locator('select[name=by]').selectOption('userName');
    await find.locator('input[name=value]').fill(userName);
    await find.getByRole('button', { name: 'Find', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('value') === userName);
    await gotoReady(page, page.url());
    await expect(page.locator('table.subject-people tbody tr')).toHaveCount(1);
    await expect(page.locator('table.subject-people')).toContainText(userID);
  });

  await test.step('downloads everything stored about them', async () => {
    const download = page.waitForEvent('download');
    await form(page, 'Export').getByRole('button', { name: 'Download export (JSON)', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(new RegExp(`^callscope-${appID}-subject-.*\\.json$`));
    const stream = await file.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const exported = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { userIDs: string[]; endpoints: { user_name: string }[] };
    expect(exported.userIDs).toEqual([userID]);
    expect(exported.endpoints[0].user_name).toBe(userName);
  });

  await test.step('asks for the name again, then erases', async () => {
    await gotoReady(page, `${path}?by=userName&value=${encodeURIComponent(userName)}`);
    const erase = form(page, 'Erase');
    await erase.locator('input[name=confirm]').fill('not the name');
    const refused = await submitForm(page, erase, 'Erase this person');
    expect(refused.status()).toBe(422);
    await expect(page.locator('[data-field="confirm"]')).toBeVisible();

    await form(page, 'Erase').locator('input[name=confirm]').fill(userName);
    await submitForm(page, form(page, 'Erase'), 'Erase this person');
    expectDone(page, path, 'erase_subject');
    await expect(page.locator('.notice.done')).toContainText('Erased');
  });

  const left = queryRows<{ user_id: string; user_name: string | null }>(
    `select e.user_id, e.user_name from endpoints e join apps a on a.id = e.app_id where a.public_id = ${literal(appID)}`,
  );
  expect(left).toHaveLength(1);
  expect(left[0].user_id).toMatch(/^erased-[0-9a-f]{16}$/);
  expect(left[0].user_name).toBeNull();
  const audit = queryRows<{ action: string; details: string }>(
    `select action, details::text from audit_log l join apps a on a.id = l.app_id
      where a.public_id = ${literal(appID)} and action like 'subject.%' order by l.id`,
  );
  expect(audit.map((record) => record.action)).toEqual(['subject.export', 'subject.erase']);
  for (const record of audit) expect(record.details).not.toContain(userName);
});

test('an engineer gets a 403 from the page of a person’s data', async ({ page }) => {
  const { appID } = createApp(`E2E subject guarded ${Date.now()}`);
  await login(page, engineer.email, engineer.password);
  const response = await gotoReady(page, `/admin/apps/${appID}/subject?by=userID&value=anyone`);
  expect(response?.status()).toBe(403);
  await expect(page.locator('body')).toContainText('Forbidden');
  await expect(page.locator('form[aria-label="Erase"]')).toHaveCount(0);
});
