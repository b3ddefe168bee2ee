import { randomUUID } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { gotoReady, login } from './fixtures';
import { FleetStore, Instance, type Samples } from './fleet-instances';
import { Reporter, WebhookReceiver, addWebhook, createApp, type Ack, type App } from './fleet-clients';
import { participantCells, resultLinks } from './pages';
import { BrowserErrors, DemoPage, STATS_INTERVAL_MS, expect, test } from './sdk-demo';
import { literal } from './sdk-store';

// Two `callscope serve` processes, A and B, on one database, as behind a load
// balancer (docs/operations.md, "Running several instances"): a real call
// reports through A while B's dashboard follows it; what runs in the
// background is done once across the two; and when A is killed mid-load, B
// carries on and loses nothing A acknowledged.

test.describe.configure({ mode: 'serial' });

const fleetAdmin = { email: 'fleet-admin@e2e.test', password: 'fleet-admin-Passw0rd!' };
const unique = () => randomUUID().slice(0, 8);

let store: FleetStore;
let a: Instance;
let b: Instance;
let receiver: WebhookReceiver;

test.beforeAll(async () => {
  store = FleetStore.create();
  [a, b] = await Promise.all([Instance.start('A', store), Instance.start('B', store)]);
  store.cli(['user', 'create', '--email', fleetAdmin.email, '--role', 'admin', '--json'], `${fleetAdmin.password}\n`);
  receiver = await WebhookReceiver.start();
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await receiver?.close();
  store?.drop();
});

/** A page signed in to the dashboard of `instance`, in a browser context of
 * its own, and the browser errors it logs. */
async function dashboardOn(browser: Browser, instance: Instance): Promise<{ viewer: Page; errors: BrowserErrors }> {
  const context = await browser.newContext({ baseURL: instance.url });
  const viewer = await context.newPage();
  const errors = new BrowserErrors(viewer);
  await login(viewer, fleetAdmin.email, fleetAdmin.password);
  return { viewer, errors };
}

/** A counter's value for app `appID` (its public appID) in one process's samples. */
function perApp(samples: Samples, metric: string, appID: string): number {
  const info = [...samples.keys()].find((series) => series.startsWith('callscope_app_info{') && series.includes(`public_id="${appID}"`));
  const app = info?.match(/[{,]app="(\d+)"/)?.[1];
  return samples.get(`${metric}{app="${app}"}`) ?? 0;
}

/** Conferences ended for `app`, counted by each running process; sums to what the fleet ended. */
async function endedCounts(app: App, instances: Instance[]): Promise<number[]> {
  const samples = await Promise.all(instances.map((instance) => instance.metrics()));
  return samples.map((s) => perApp(s, 'callscope_conferences_ended_total', app.appID));
}

/** Webhook attempts that delivered, counted by each running process. */
async function deliveredCounts(instances: Instance[]): Promise<number[]> {
  const samples = await Promise.all(instances.map((instance) => instance.metrics()));
  return samples.map((s) => s.get('callscope_webhook_attempts_total{outcome="delivered"}') ?? 0);
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const appScope = (app: App) => `app_id = (select id from apps where public_id = ${literal(app.appID)})`;

/** The app's deliveries as stored: each one's status and number of attempts. */
function deliveries(app: App) {
  return store.query<{ status: string; attempts: number }>(
    `select d.status, (select count(*) from webhook_attempts t where t.delivery_id = d.id)::int as attempts
       from webhook_deliveries d join webhooks w on w.id = d.webhook_id where w.${appScope(app)}`,
  );
}

/** Whether every summarised conference of the app is rolled up into its day. */
function rolledUp(app: App): boolean {
  const [{ due }] = store.query<{ due: number }>(
    `select count(*)::int as due from conference_instances where ${appScope(app)}
        and (summarized_at is null or rolled_up_summary_at is distinct from summarized_at)`,
  );
  return due === 0;
}

/** The app's days, added up: conferences, and those that were total failures. */
function dayTotals(app: App) {
  const [totals] = store.query<{ conferences: number; total_failures: number }>(
    `select coalesce(sum((d.tallies->>'conferences')::int), 0)::int as conferences,
            coalesce(sum((select sum((g->>1)::int) from jsonb_array_elements(d.tallies->'failureGroups') g
                            where g->>0 = 'totalFailure')), 0)::int as total_failures
       from daily_conferences d where d.${appScope(app)}`,
  );
  return totals;
}

test('a real call reported through A is live on B, whose conference page follows it to its end without a reload', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const app = createApp(store, `Fleet call ${unique()}`);
  const conferenceID = `fleet-call-${unique()}`;
  const demo = new DemoPage(page);
  // The call starts on A's demo page while the viewer signs in to B.
  const [{ viewer, errors }] = await Promise.all([
    dashboardOn(browser, b),
    page.goto(`${a.url}/demo/?statsInterval=${STATS_INTERVAL_MS}`).then(() => demo.startCall({ app, conferenceID, collectorURL: a.url })),
  ]);
  const [{ id }] = store.query<{ id: number }>(`select id from conference_instances where conference_id = ${literal(conferenceID)}`);
  const openedOnB = async () => {
    await gotoReady(viewer, `/conferences/${id}`);
    await expect(viewer.locator('h1 .badge.live')).toBeVisible();
    await expect(viewer.locator('.notice')).toContainText('still running');
    await expect(participantCells(viewer), 'both sides, as they joined through A').toHaveCount(2);
  };
  await Promise.all([demo.waitForStats(1), openedOnB()]);
  await viewer.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  await demo.press('Hang up');
  await expect(viewer.locator('.notice'), 'B refreshes the page on its own').toHaveCount(0, { timeout: 25_000 });
  await expect(viewer.locator('dl.summary')).toContainText('fabricsEnded');
  await expect(viewer.locator('.badge.live')).toHaveCount(0);
  expect(await viewer.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  expect(errors.unexpected(), 'B\'s dashboard logged no browser errors').toEqual([]);
  expect(await demo.pageErrors()).toEqual([]);

  expect(await endedCounts(app, [a, b]), 'the call ended once, through A').toEqual([1, 0]);
  await viewer.context().close();
});

test('background work runs once across A and B: each conference ended and rolled up once, each notification delivered once, upkeep run once', async () => {
  test.setTimeout(60_000);
  const app = createApp(store, `Fleet once ${unique()}`);
  receiver.secrets.set(app.appID, addWebhook(store, app, receiver.url));
  const run = unique();
  const conferences = Array.from({ length: 8 }, (_, i) => ({ id: `fleet-once-${run}-${i}`, failed: i % 2 === 1 }));
  const deliveredBefore = sum(await deliveredCounts([a, b]));

  // Alice reports through A, Bob through B; they hang up at the same moment.
  // Half the calls never connect: total failures, each one notified.
  await Promise.all(conferences.map(async ({ id, failed }) => {
    const [alice, bob] = await Promise.all([Reporter.join(app, id, 'alice', [a]), Reporter.join(app, id, 'bob', [b])]);
    const event = failed ? 'fabricSetupFailed' : 'fabricSetup';
    await Promise.all([alice.fabric(event, 'bob'), bob.fabric(event, 'alice')]);
    await Promise.all([alice.terminate('bob'), bob.terminate('alice')]);
  }));

  const ended = await endedCounts(app, [a, b]);
  expect(sum(ended), `each conference ended once (A ended ${ended[0]}, B ${ended[1]})`).toBe(conferences.length);

  const failed = conferences.filter((c) => c.failed).map((c) => c.id).sort();
  await expect
    .poll(() => deliveries(app), { timeout: 20_000, message: 'each notification delivered at the first attempt' })
    .toEqual(failed.map(() => ({ status: 'delivered', attempts: 1 })));
  expect(receiver.conferencesOf(app.appID), 'each failed conference notified once').toEqual(failed);
  expect(receiver.received.every((r) => r.signed), 'every notification is signed').toBe(true);
  const delivered = sum(await deliveredCounts([a, b])) - deliveredBefore;
  expect(delivered, 'the two deliverers made one attempt per notification').toBe(failed.length);

  await expect.poll(() => rolledUp(app), { timeout: 20_000, message: 'the lifecycle workers roll the conferences up' }).toBe(true);
  expect(dayTotals(app), 'each conference counted once in its day').toEqual({ conferences: conferences.length, total_failures: failed.length });

  const upkeep = store.query<{ run_count: number }>(`select run_count::int from job_leases where name = 'upkeep'`);
  expect(upkeep, 'both instances asked for the upkeep at start; one ran it').toEqual([{ run_count: 1 }]);
});

test('A killed mid-load: B acknowledges every endpoint, its dashboard answers, it ends and notifies A\'s conferences, and nothing acknowledged is lost', async ({ browser }) => {
  test.setTimeout(90_000);
  const app = createApp(store, `Fleet kill ${unique()}`);
  receiver.secrets.set(app.appID, addWebhook(store, app, receiver.url));
  const run = unique();
  const { viewer, errors } = await dashboardOn(browser, b);

  // Calls through A whose one connection failed: they are still running when A dies.
  const stranded = await Promise.all([0, 1, 2].map(async (i) => {
    const reporter = await Reporter.join(app, `fleet-stranded-${run}-${i}`, 'carol', [a, b]);
    await reporter.fabric('fabricSetupFailed');
    return reporter;
  }));
  // The load: six endpoints, three through each instance, each moving to the
  // other one when its own stops answering.
  const load = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => {
    const reporter = await Reporter.join(app, `fleet-load-${run}-${i}`, `user-${i}`, i % 2 === 0 ? [a, b] : [b, a]);
    await reporter.fabric('fabricSetup');
    return reporter;
  }));
  let loading = true;
  const loops = load.map(async (reporter) => {
    for (let n = 0; loading; n++) {
      await Promise.all([reporter.stats(), reporter.action(n % 2 === 0 ? 'audioMute' : 'audioUnmute')]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  const failedLoad = Promise.all(loops).then(() => undefined, (error: unknown) => error);

  const through = (name: string, after = 0) => load.map((r) => r.acks.filter((ack) => ack.via === name && ack.answeredAt > after).length);
  await expect.poll(() => Math.min(...through('A').filter((_, i) => i % 2 === 0)), { message: 'A acknowledges its endpoints' }).toBeGreaterThanOrEqual(4);
  await a.kill();
  const killedAt = Date.now();

  await expect
    .poll(() => Math.min(...through('B', killedAt)), { timeout: 20_000, message: 'B acknowledges every endpoint, A\'s too' })
    .toBeGreaterThanOrEqual(6);
  expect(await b.ready(), 'B is ready').toBe(true);
  await gotoReady(viewer, `/search?conferenceID=fleet-load-${run}-&match=prefix`);
  await expect(resultLinks(viewer), 'B\'s dashboard answers, listing the calls of both').toHaveCount(load.length);
  loading = false;
  expect(await failedLoad, 'every submission was acknowledged, by A or by B').toBeUndefined();

  await Promise.all([...stranded, ...load].map((reporter) => reporter.leave()));
  expect(stranded.every((reporter) => reporter.via === b), 'A\'s endpoints report through B').toBe(true);
  expect(await endedCounts(app, [b]), 'B ended every conference, A\'s included').toEqual([stranded.length + load.length]);

  const strandedIDs = stranded.map((r) => r.conferenceID).sort();
  await expect
    .poll(() => deliveries(app), { timeout: 20_000, message: 'B delivers each notification at the first attempt' })
    .toEqual(strandedIDs.map(() => ({ status: 'delivered', attempts: 1 })));
  expect(receiver.conferencesOf(app.appID), 'B notified each of A\'s failed calls once').toEqual(strandedIDs);
  await expect.poll(() => rolledUp(app), { timeout: 20_000, message: 'B rolls the conferences up' }).toBe(true);
  expect(dayTotals(app)).toEqual({ conferences: stranded.length + load.length, total_failures: stranded.length });

  // Every acknowledged submission is stored once, A's included; nothing else is.
  const acks: Ack[] = load.flatMap((reporter) => reporter.acks);
  expect(acks.filter((ack) => ack.via === 'A').length, 'A acknowledged some before it died').toBeGreaterThan(0);
  const key = (r: { conferenceID: string; kind: string; at: number }) => `${r.conferenceID} ${r.kind} ${r.at}`;
  const stored = store.query<{ conferenceID: string; kind: string; at: number }>(
    `select ci.conference_id as "conferenceID", fe.kind, (extract(epoch from fe.occurred_at) * 1000)::bigint as at
       from fabric_events fe join endpoints e on e.id = fe.endpoint_id join conference_instances ci on ci.id = e.instance_id
      where ci.${appScope(app)} and fe.kind in ('audioMute', 'audioUnmute')
     union all
     select ci.conference_id, 'stats', (extract(epoch from s.sampled_at) * 1000)::bigint
       from stats_samples s join fabrics f on f.id = s.fabric_id join conference_instances ci on ci.id = f.instance_id
      where ci.${appScope(app)} and s.sampled_at >= f.added_at - interval '1 minute' and s.stat_key = 'CP1'`,
  );
  expect(stored.map(key).sort()).toEqual(acks.map(key).sort());
  expect(errors.unexpected(), 'B\'s dashboard logged no browser errors').toEqual([]);
  await viewer.context().close();
});
