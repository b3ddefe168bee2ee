import { createHmac, randomUUID } from 'node:crypto';

/**
 * The code a customer's server signs for `/authenticate`: an HS256 JWT of
 * `userID` for app `appID`, signed with the app secret (which is never sent),
 * valid for five minutes, with a fresh jti.
 */
export function clientJwt(appID: string, secret: string, userID: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ appID, userID, iat: now, exp: now + 300, jti: randomUUID() })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
