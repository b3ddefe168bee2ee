import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { login } from './fixtures';
import { Collector, secondCollectorURL } from './sdk-collector';
import { DemoPage, expect, test, type DemoAction } from './sdk-demo';
import { StoredConference, createApp, ipLiterals, queryRows } from './sdk-store';
import { admin } from './users';

// The SDK on a real call: the demo page (/demo/) calls Bob from Alice inside
// Chromium with a fake camera and microphone, each side monitored by its own
// callstats instance, and the tests read what reached the store. Each test
// uses its own app and conferenceID.

const screenshotDir = path.join(__dirname, '..', '..', 'docs', 'screenshots');

const unique = () => randomUUID().slice(0, 8);

/** The fabric events the demo's buttons send (sendFabricEvent). */
const SENT_EVENTS = new Set([
  'audioMute', 'audioUnmute', 'fabricHold', 'fabricResume', 'screenShareStart', 'screenShareStop', 'fabricTerminated',
]);

/** Sides whose fabric has a stored fabricTerminated. */
function terminatedSides(conference: StoredConference): string[] {
  return conference.events().filter((e) => e.kind === 'fabricTerminated').map((e) => e.side).sort();
}

/** The sent events of one side as stored, oldest first. */
function storedSentEvents(conference: StoredConference, side: string) {
  return conference.events().filter((e) => e.side === side && SENT_EVENTS.has(e.kind));
}

/** Every stored event is an action of the page, in the same order, at a client
 * time inside the interval in which the page made that SDK call. */
function expectStoredAsSent(stored: { kind: string; at: number }[], actions: DemoAction[]): void {
  expect(stored.map((e) => e.kind)).toEqual(actions.map((a) => a.event));
  stored.forEach((event, i) => {
    expect(event.at, `${event.kind} #${i} keeps the time it was made`).toBeGreaterThanOrEqual(actions[i].before);
    expect(event.at, `${event.kind} #${i} keeps the time it was made`).toBeLessThanOrEqual(actions[i].after);
  });
}

/** "table: address" for every IP literal in the conference's stored texts. */
function storedAddresses(conference: StoredConference): string[] {
  return conference.texts().flatMap(({ table, text }) => ipLiterals(text).map((ip) => `${table}: ${ip}`));
}

async function expectMainServerUp(request: APIRequestContext): Promise<void> {
  const health = await request.get('/readyz');
  expect(health.status(), 'the server under test still reaches the store').toBe(200);
  expect(queryRows<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
}

test('a real call through the demo is in the store: people, fabrics, events, stats, SSRCs, error, feedback, pre-call test, time to first media', async ({ page }) => {
  test.setTimeout(120_000);
  const app = createApp(`SDK call ${unique()}`);
  const conferenceID = `sdk-call-${unique()}`;
  const demo = new DemoPage(page);

  await demo.open();
  await demo.startCall({ app, conferenceID });
  await demo.waitForStats(2);
  await demo.press('Mute');
  await demo.press('Share screen');
  await demo.press('Stop sharing');
  await demo.reportError();
  await demo.sendFeedback({ overall: 4, audio: 5, comment: 'Bob was clear' });
  await expect(page.getByTestId('stats-table').locator('tbody tr')).not.toHaveCount(0);
  await page.screenshot({ path: path.join(screenshotDir, 'demo.png'), fullPage: true });
  expect(await demo.pageErrors()).toEqual([]);
  const actions = await demo.actions();
  // Leaving the page: the SDK ends both fabrics with a beacon on pagehide.
  await page.close();

  const conference = new StoredConference(app.appID, conferenceID);
  await expect.poll(() => terminatedSides(conference), { timeout: 15_000 }).toEqual(['alice', 'bob']);

  // configParams travel with the user details.
  const details = { application_version: 'demo-1.0', site_id: 'demo-page', product_name: 'callscope demo' };
  expect(conference.endpoints()).toEqual([
    { user_id: 'alice', user_name: 'Alice Example', alias_name: 'alice', ...details },
    { user_id: 'bob', user_name: 'Bob Example', alias_name: 'bob', ...details },
  ]);

  const fabrics = conference.fabrics();
  expect(fabrics.map((f) => [f.side, f.remote_alias_name, f.state])).toEqual([
    ['alice', 'bob', 'terminated'],
    ['bob', 'alice', 'terminated'],
  ]);
  for (const fabric of fabrics) expect(fabric.setup_delay_ms, `${fabric.side}'s setup delay`).toBeGreaterThanOrEqual(0);

  const events = conference.events();
  const kindsOf = (side: string) => new Set(events.filter((e) => e.side === side).map((e) => e.kind));
  for (const side of ['alice', 'bob']) {
    expect([...kindsOf(side)], `${side}'s fabric events`).toEqual(
      expect.arrayContaining(['fabricSetup', 'fabricStateChange', 'fabricTerminated']),
    );
  }
  // Alice's buttons; her fabricTerminated came from the SDK's unload beacon.
  expect(actions.map((a) => a.event)).toEqual(['audioMute', 'screenShareStart', 'screenShareStop']);
  expectStoredAsSent(storedSentEvents(conference, 'alice').filter((e) => e.kind !== 'fabricTerminated'), actions);

  const stats = conference.stats();
  for (const side of ['alice', 'bob']) {
    const samples = stats.filter((s) => s.side === side);
    expect(samples.some((s) => (s.packets_received ?? 0) > 0), `${side} received packets`).toBe(true);
    expect(samples.some((s) => (s.packets_sent ?? 0) > 0), `${side} sent packets`).toBe(true);
    expect(samples.some((s) => s.rtt_ms !== null), `${side} measured an RTT`).toBe(true);
  }

  // Bob's <video> shows Alice's camera: mapped to her, with the tag the SDK
  // measured time to first media on.
  const bobsVideo = conference.ssrcMaps().find((m) => m.side === 'bob' && m.associated_video_tag === 'bob-video');
  expect(bobsVideo).toMatchObject({ alias_name: 'alice', usage_label: 'front-camera' });
  await expect
    .poll(() => conference.events().filter((e) => e.kind === 'timeToFirstMedia').map((e) => [e.side, e.payload.ssrc]))
    .toEqual([['bob', String(bobsVideo?.ssrc)]]);
  const [firstMedia] = conference.events().filter((e) => e.kind === 'timeToFirstMedia');
  expect(firstMedia.payload.delay).toBeGreaterThan(0);

  const errors = conference.errors();
  expect(errors.map((e) => [e.side, e.wrtc_func_name])).toEqual([['alice', 'setRemoteDescription']]);
  const [error] = errors;
  expect(error.dom_error?.name, 'the DOMException is kept').toBeTruthy();
  expect(error.local_sdp).toMatch(/^v=0\r\n/);
  expect(error.remote_sdp, 'the broken SDP as the page sent it').toMatch(/^o=/);

  expect(conference.feedback()).toEqual([
    { side: 'alice', overall_rating: 4, audio_rating: 5, video_rating: null, comment: 'Bob was clear' },
  ]);

  // The pre-call test is a loopback call inside the page: it connects on any machine.
  const precall = conference.precallTests();
  expect(precall.map((p) => [p.side, p.connectivity, p.message])).toEqual([['alice', true, ''], ['bob', true, '']]);
  for (const result of precall) {
    expect(result.rtt_ms, `${result.side}'s pre-call RTT`).toBeGreaterThanOrEqual(0);
    expect(result.duration_ms, `${result.side}'s pre-call test duration`).toBeGreaterThan(0);
  }

  // The control for the collectIP test below: with collectIP on, the same
  // search does find the addresses of this call.
  expect(storedAddresses(conference)).not.toEqual([]);
});

test('events made while the collector is down for 20 s are stored with their own times, in order, none missing', async ({ page, request, browserErrors }) => {
  test.setTimeout(180_000);
  const url = secondCollectorURL();
  // Chromium logs every request the stopped collector refuses.
  browserErrors.expect(new RegExp(`ERR_CONNECTION_REFUSED \\(${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`));
  const app = createApp(`SDK outage ${unique()}`);
  const conferenceID = `sdk-outage-${unique()}`;
  const conference = new StoredConference(app.appID, conferenceID);
  const demo = new DemoPage(page);

  let collector = await Collector.start(url);
  try {
    await demo.open();
    await demo.startCall({ app, conferenceID, collectorURL: url });
    await demo.waitForStats(2);

    expect(await collector.stop(), 'the second collector shuts down cleanly').toBe(0);
    const outageStart = Date.now();
    await expectMainServerUp(request);
    for (const control of ['Mute', 'Hold', 'Unmute', 'Resume']) {
      await page.waitForTimeout(4_000);
      await demo.press(control);
    }
    await page.waitForTimeout(outageStart + 20_000 - Date.now());
    collector = await Collector.start(url);
    const outageEnd = Date.now();

    const actions = await demo.actions();
    const duringOutage = actions.filter((a) => a.before > outageStart && a.after < outageEnd);
    expect(duringOutage.map((a) => a.event)).toEqual(['audioMute', 'fabricHold', 'audioUnmute', 'fabricResume']);
    await expect
      .poll(() => storedSentEvents(conference, 'alice').length, { timeout: 60_000, message: 'the queued events arrive' })
      .toBe(actions.length);

    // Stats resume too. Polled, not read once: the next getStats() round
    // after the restart may come up to one interval (10 s) after the events.
    for (const side of ['alice', 'bob']) {
      await expect
        .poll(() => conference.stats().some((s) => s.side === side && s.at > outageEnd), {
          timeout: 30_000,
          message: `${side}: stats from after the outage`,
        })
        .toBe(true);
    }

    await demo.press('Hang up');
    await expect.poll(() => terminatedSides(conference), { timeout: 15_000 }).toEqual(['alice', 'bob']);
    expect(await demo.pageErrors()).toEqual([]);

    const allActions = await demo.actions();
    for (const side of ['alice', 'bob'] as const) {
      expectStoredAsSent(storedSentEvents(conference, side), allActions.filter((a) => a.side === side));
    }
    const stats = conference.stats();
    for (const side of ['alice', 'bob']) {
      const times = stats.filter((s) => s.side === side).map((s) => s.at);
      expect(times.some((at) => at < outageStart), `${side}: stats from before the outage`).toBe(true);
    }
  } finally {
    await collector.stop();
  }
});

test('with "send IP addresses" off, no IP address of the call is stored', async ({ page }) => {
  test.setTimeout(90_000);
  const app = createApp(`SDK no IP ${unique()}`);
  const conferenceID = `sdk-no-ip-${unique()}`;
  const demo = new DemoPage(page);

  await demo.open();
  await demo.startCall({ app, conferenceID, collectIP: false });
  await demo.waitForStats(2);
  await demo.reportError();
  await demo.press('Hang up');
  expect(await demo.pageErrors()).toEqual([]);

  const conference = new StoredConference(app.appID, conferenceID);
  await expect.poll(() => terminatedSides(conference), { timeout: 15_000 }).toEqual(['alice', 'bob']);
  // The texts where addresses would be are there (so finding none means something).
  const tables = new Set(conference.texts().map((t) => t.table));
  for (const table of ['endpoints', 'fabric_events', 'ice_candidates', 'sdps', 'stats_samples', 'reported_errors']) {
    expect(tables, `stored ${table} rows`).toContain(table);
  }
  expect(storedAddresses(conference)).toEqual([]);
});

test('a call whose sender stops is diagnosed: the diagnosis says the receiver got nothing more', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const app = createApp(`SDK stopped ${unique()}`);
  const conferenceID = `sdk-stopped-${unique()}`;
  const demo = new DemoPage(page);

  await demo.open();
  await demo.startCall({ app, conferenceID });
  await demo.waitForStats(2);
  // Alice's camera and microphone stop: Bob receives nothing more while the connection stays up.
  await page.evaluate(() => {
    const preview = document.getElementById('alice-video') as HTMLVideoElement;
    (preview.srcObject as MediaStream).getTracks().forEach((track) => track.stop());
  });
  // Polls every 2 s: 12 of them outlast the 15 s a stream must stay dry.
  await demo.waitForStats(12);
  await page.close();

  const conference = new StoredConference(app.appID, conferenceID);
  await expect.poll(() => terminatedSides(conference), { timeout: 15_000 }).toEqual(['alice', 'bob']);
  await expect
    .poll(() => conference.issues().filter((issue) => issue.kind === 'dryTrack').map((issue) => issue.who), {
      timeout: 20_000,
    })
    .toContain('bob');

  const viewer = await browser.newPage();
  await login(viewer, admin.email, admin.password);
  await viewer.goto(`/conferences/${conference.issues()[0].instance_id}`);
  await expect(viewer.locator('ol.diagnosis')).toContainText(
    /to Bob Example \(bob\): (audio and video|audio|video) stopped arriving/,
  );
  await viewer.close();
});
