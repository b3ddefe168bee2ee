import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { test, expect, gotoReady, javaScriptEnabled, login } from './fixtures';
import { clientJwt } from './client-jwt';
import { REPO_ROOT, callscopeBin, e2eDataDir } from './env';
import { admin } from './users';

// A conference that is still running: its page says so and, hydrated,
// refreshes on its own (every 10 s) as participants join and leave —
// driven here through the real collector API, as an SDK would.

interface App {
  appID: string;
  secret: string;
}

/** Creates an app with the CLI, like an admin would. */
function createApp(name: string): App {
  const result = spawnSync(callscopeBin(), ['app', 'create', '--name', name, '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, CALLSCOPE_DATA_DIR: e2eDataDir() },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`app create failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as App;
}

/** One SDK endpoint in a conference. */
class Endpoint {
  private constructor(
    private readonly request: APIRequestContext,
    private readonly url: string,
    private readonly token: string,
    readonly userID: string,
  ) {}

  static async join(request: APIRequestContext, app: App, conferenceID: string, userID: string): Promise<Endpoint> {
    const auth = await request.post('/authenticate', {
      form: { grant_type: 'authorization_code', client_id: `${userID}@${app.appID}`, code: clientJwt(app.appID, app.secret, userID) },
    });
    expect(auth.status()).toBe(200);
    const token = (await auth.json()).access_token as string;
    const base = `/v1/apps/${app.appID}/conferences/${encodeURIComponent(conferenceID)}`;
    const joined = await request.post(base, {
      headers: { Authorization: `Bearer ${token}` },
      data: { localID: userID, deviceID: 'e2e', timestamp: Date.now(), endpointInfo: { type: 'browser', name: 'Chromium', os: 'Linux' } },
    });
    expect(joined.status()).toBe(200);
    return new Endpoint(request, `${base}/${(await joined.json()).ucID}`, token, userID);
  }

  async leave(): Promise<void> {
    const left = await this.request.post(`${this.url}/events/user/left`, {
      headers: { Authorization: `Bearer ${this.token}` },
      data: { localID: this.userID, deviceID: 'e2e', timestamp: Date.now() },
    });
    expect(left.status()).toBe(200);
  }
}

test('a running conference is marked live and its page follows joins and the end without a reload', async ({ page, request }) => {
  test.setTimeout(90_000);
  const app = createApp(`Live ${randomUUID().slice(0, 8)}`);
  const conferenceID = `live-${randomUUID().slice(0, 8)}`;
  const alice = await Endpoint.join(request, app, conferenceID, 'alice-live');

  await login(page, admin.email, admin.password);
  await gotoReady(page, `/search?conferenceID=${conferenceID}`);
  const row = page.locator('table.conferences tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row.locator('.badge.live')).toBeVisible();
  await row.getByRole('link', { name: conferenceID }).click();
  await page.waitForURL(/\/conferences\/\d+$/);
  await expect(page.locator('.notice')).toContainText('still running');
  const participants = page.locator('table.data').first();
  await expect(participants).toContainText('alice-live');

  const bob = await Endpoint.join(request, app, conferenceID, 'bob-live');
  if (!javaScriptEnabled()) {
    // Without JavaScript nothing refreshes; a reload shows the newcomer.
    await page.reload();
    await expect(participants).toContainText('bob-live');
    return;
  }
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await expect(participants).toContainText('bob-live', { timeout: 25_000 });

  await alice.leave();
  await bob.leave();
  await expect(page.locator('.notice')).toHaveCount(0, { timeout: 25_000 });
  await expect(page.locator('dl.summary')).toContainText('allLeft');
  await expect(page.locator('.badge.live')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});
