// Authentication: the SDK signs an HS256 JWT with the AppSecret (which
// never leaves the page) or asks the application's tokenGenerator, trades
// it at /authenticate for an access token, and reports the outcome to
// csInitCallback.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import test from 'node:test';

import { Authenticator } from '../src/auth.js';
import { callstats } from '../src/callstats.js';
import { setEnvironment } from '../src/instances.js';
import { signHs256Jwt } from '../src/jwt.js';
import { FakeClock, FakeCollector, FakePeerConnection, initialized, json, settle, until } from './fakes.mjs';

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** The claims of `jwt` after checking its HS256 signature with `secret`. */
function verify(jwt, secret) {
  const [header, claims, signature] = jwt.split('.');
  const expected = createHmac('sha256', secret).update(`${header}.${claims}`).digest('base64url');
  assert.equal(signature, expected, 'the signature verifies with the secret');
  assert.deepEqual(decodePart(header), { alg: 'HS256', typ: 'JWT' });
  return decodePart(claims);
}

function form(request) {
  return Object.fromEntries(new URLSearchParams(request.body));
}

test('signHs256Jwt makes a JWT that node:crypto verifies', async () => {
  const claims = { appID: '42', userID: 'インターネット', iat: 1, exp: 301, jti: 'j' };
  const jwt = await signHs256Jwt('s3cret ✓', claims, globalThis.crypto);
  assert.deepEqual(verify(jwt, 's3cret ✓'), claims);
  assert.match(jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'base64url without padding');
});

test('initialize with an AppSecret posts a signed JWT to /authenticate and never the secret', async () => {
  const { collector, clock, init } = initialized({ credential: 'the-app-secret' });
  await until(() => init.length > 0, 'csInitCallback');
  const [request] = collector.to('/authenticate');
  assert.equal(request.url, 'https://collector.test/authenticate');
  assert.equal(request.headers['Content-Type'], 'application/x-www-form-urlencoded');
  const fields = form(request);
  assert.equal(fields.grant_type, 'authorization_code');
  assert.equal(fields.client_id, 'alice@123456');
  const claims = verify(fields.code, 'the-app-secret');
  assert.equal(claims.appID, '123456');
  assert.equal(claims.userID, 'alice');
  assert.equal(claims.iat, Math.floor(clock.now() / 1000));
  assert.equal(claims.exp, claims.iat + 300);
  assert.match(claims.jti, /^[0-9a-f]{32}$/);
  assert.ok(!request.body.includes('the-app-secret'));
  assert.deepEqual(init, [['success', 'authenticated']]);
});

test('a userID object authenticates as its aliasName', async () => {
  const { collector, init } = initialized({ localUserID: { userName: 'Clark Kent', aliasName: 'superman' } });
  await until(() => init.length > 0, 'csInitCallback');
  const fields = form(collector.to('/authenticate')[0]);
  assert.equal(fields.client_id, 'superman@123456');
  assert.equal(verify(fields.code, 'app-secret').userID, 'superman');
});

test('the access token is sent as a Bearer token on every request', async () => {
  const { instance, collector } = initialized();
  instance.addNewFabric(new FakePeerConnection(), 'bob', 'multiplex', 'conf');
  await until(() => collector.to('/events/fabric/added').length === 1, 'fabric added');
  for (const request of collector.requests.filter((r) => r.path !== '/authenticate')) {
    assert.equal(request.headers.Authorization, 'Bearer access-1');
  }
});

test('a refused AppSecret is an authError and nothing more is sent', async () => {
  const refusal = { error: 'invalid_grant', errorReason: "the token's signature matches no active app secret" };
  const { instance, collector, init } = initialized({
    answer: (request) => (request.path === '/authenticate' ? json(400, refusal) : undefined),
  });
  await until(() => init.length > 0, 'csInitCallback');
  assert.deepEqual(init, [['authError', "authentication refused: the token's signature matches no active app secret"]]);
  instance.addNewFabric(new FakePeerConnection(), 'bob', 'multiplex', 'conf');
  await settle();
  assert.deepEqual(collector.requests.map((r) => r.path), ['/authenticate']);
});

test('an answer without an access token is an authError, not retried', async () => {
  const { collector, clock, init } = initialized({
    answer: (request) => (request.path === '/authenticate' ? json(200, { access_token: '', expires_in: 7200 }) : undefined),
  });
  await until(() => init.length > 0, 'csInitCallback');
  assert.deepEqual(init, [['authError', 'authentication refused: https://collector.test/authenticate answered 200']]);
  await clock.advance(60000);
  assert.equal(collector.to('/authenticate').length, 1, 'asked once');
});

test('an unreachable collector is an httpError, then success once it answers', async () => {
  const { collector, clock, init } = initialized();
  collector.down = true;
  await until(() => init.length > 0, 'httpError');
  assert.equal(init[0][0], 'httpError');
  assert.match(init[0][1], /cannot reach https:\/\/collector.test\/authenticate/);
  collector.down = false;
  await clock.advance(1000);
  await until(() => init.length > 1, 'success');
  assert.deepEqual(init[1], ['success', 'authenticated']);
});

test('a tokenGenerator is asked again with forcenew when its token is refused', async () => {
  const asked = [];
  const tokenGenerator = (forceNew, callback) => {
    asked.push(forceNew);
    callback(null, forceNew ? 'fresh-jwt' : 'cached-jwt');
  };
  const { collector, init } = initialized({
    credential: tokenGenerator,
    answer: (request) => {
      if (request.path !== '/authenticate' || form(request).code === 'fresh-jwt') return undefined;
      return json(400, {
        error: 'invalid_grant', errorReason: 'the token has expired (exp); make a new token',
        'urn:x-callstats:auth:errorActions': [{ action: 'retryWithNewToken' }],
      });
    },
  });
  await until(() => init.length > 0, 'csInitCallback');
  assert.deepEqual(asked, [false, true]);
  assert.deepEqual(collector.to('/authenticate').map((r) => form(r).code), ['cached-jwt', 'fresh-jwt']);
  assert.deepEqual(init, [['success', 'authenticated']]);
});

test('a tokenGenerator that fails is a tokenGenerationError', async () => {
  const { init, collector } = initialized({ credential: (forceNew, callback) => callback('no session') });
  await until(() => init.length > 0, 'csInitCallback');
  assert.deepEqual(init, [['tokenGenerationError', 'no token: the tokenGenerator failed: no session']]);
  assert.equal(collector.requests.length, 0);
});

test('a throwing csInitCallback does not break the SDK', async () => {
  const instance = new callstats();
  const { collector, clock } = initialized();
  setEnvironment(instance, {
    fetch: collector.fetch, now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    console: { debug() {}, warn() {} }, window: null,
  });
  const result = instance.initialize('123456', 'app-secret', 'alice', () => { throw new Error('app bug'); }, null,
    { collectorURL: 'https://collector.test', disablePrecalltest: true });
  assert.equal(result.status, 'success');
  await until(() => collector.to('/authenticate').length === 2, 'authentication');
  await settle();
  assert.equal(instance.addNewFabric(new FakePeerConnection(), 'bob', 'data', 'conf').status, 'success');
});

test('a 401 on a request makes the SDK authenticate again and retry with the same key', async () => {
  let refusedOnce = false;
  const { instance, collector, clock } = initialized({
    answer: (request) => {
      if (!refusedOnce && request.path.endsWith('/events/fabric/added')) {
        refusedOnce = true;
        return json(401, { status: 'error', msg: 'the access token has expired; authenticate again' });
      }
      return undefined;
    },
  });
  instance.addNewFabric(new FakePeerConnection(), 'bob', 'multiplex', 'conf');
  await until(() => collector.to('/events/fabric/added').length === 1, 'first try');
  await clock.advance(1000);
  await until(() => collector.to('/events/fabric/added').length === 2, 'retry');
  const [first, retry] = collector.to('/events/fabric/added');
  assert.equal(first.headers['Idempotency-Key'], retry.headers['Idempotency-Key']);
  assert.equal(collector.to('/authenticate').length, 2);
});

test('initialize again with the same arguments keeps the session; with another user starts a new one', async () => {
  const { instance, collector, init } = initialized();
  await until(() => init.length === 1, 'first authentication');
  const config = { collectorURL: 'https://collector.test', disablePrecalltest: true };
  const again = instance.initialize('123456', 'app-secret', 'alice', null, null, config);
  assert.deepEqual(again, { status: 'success', msg: 'already initialized with these arguments' });
  await settle();
  assert.equal(collector.to('/authenticate').length, 1);
  const other = instance.initialize('123456', 'app-secret', 'bob', null, null, config);
  assert.equal(other.status, 'success');
  await until(() => collector.to('/authenticate').length === 2, 'second authentication');
  assert.equal(form(collector.to('/authenticate')[1]).client_id, 'bob@123456');
});

/** An Authenticator of alice@123456 on a fake clock and collector (tokens valid 7200 s). */
function authenticator(answer) {
  const clock = new FakeClock();
  const collector = new FakeCollector(answer);
  const notes = [];
  let refusals = 0;
  const auth = new Authenticator({
    env: { ...clock, fetch: collector.fetch, crypto: globalThis.crypto, random: () => 0.5 },
    log: { debug() {}, warn() {} },
    baseURL: 'https://collector.test', appID: '123456', localID: 'alice', credential: 'app-secret',
    notify: (csError, message) => notes.push([csError, message]),
    onRefused: () => { refusals += 1; },
  });
  return { auth, clock, collector, notes, refusals: () => refusals };
}

test('Authenticator: callers at once share one request; the token serves until a minute before it expires', async () => {
  const { auth, clock, collector } = authenticator();
  const [first, second] = await Promise.all([auth.get(), auth.get()]);
  assert.equal(first, 'access-1');
  assert.equal(second, 'access-1');
  assert.equal(collector.to('/authenticate').length, 1);
  clock.time += 7200 * 1000 - 60000 - 1;
  assert.equal(await auth.get(), 'access-1');
  assert.equal(collector.to('/authenticate').length, 1);
  clock.time += 1;
  assert.equal(auth.current(), 'access-1', 'still valid for requests that cannot wait');
  await auth.get();
  assert.equal(collector.to('/authenticate').length, 2, 'renewed a minute before expiry');
  auth.close();
});

test('Authenticator: current() is null once the token expired; invalidate drops only that token', async () => {
  const { auth, clock } = authenticator();
  await auth.get();
  auth.invalidate('another-token');
  assert.equal(auth.current(), 'access-1');
  auth.invalidate('access-1');
  assert.equal(auth.current(), null);
  await auth.renew();
  clock.time += 7200 * 1000;
  assert.equal(auth.current(), null);
  auth.close();
});

test('Authenticator: renews five minutes before expiry by itself, until closed', async () => {
  const { auth, clock, collector } = authenticator();
  await auth.get();
  await clock.advance(7200 * 1000 - 5 * 60 * 1000 - 1);
  assert.equal(collector.to('/authenticate').length, 1);
  await clock.advance(1);
  assert.equal(collector.to('/authenticate').length, 2);
  auth.close();
  await clock.advance(7200 * 1000);
  assert.equal(collector.to('/authenticate').length, 2);
});

test('Authenticator: once refused, get() fails with the csError and asks nothing more', async () => {
  const { auth, collector, notes, refusals } = authenticator(() => json(400, { error: 'invalid_grant' }));
  await assert.rejects(auth.get(), (error) => error.csError === 'authError'
    && error.message === 'authentication refused: invalid_grant');
  await assert.rejects(auth.get(), /authentication refused/);
  assert.equal(collector.to('/authenticate').length, 1);
  assert.deepEqual(notes, [['authError', 'authentication refused: invalid_grant']]);
  assert.equal(refusals(), 1);
});
