// scripts/webhook-receiver.mjs, the receiver of docs/webhooks.md:
//   CALLSCOPE_WEBHOOK_SECRET=whsec_… PORT=8080 node scripts/webhook-receiver.mjs
// Verifies each notification, handles each delivery once, answers 204.
import http from 'node:http';
import crypto from 'node:crypto';

const SECRET = process.env.CALLSCOPE_WEBHOOK_SECRET; // whsec_…, as callscope showed it
const PORT = Number(process.env.PORT ?? 8080);
const TOLERANCE_SECONDS = 300; // accept t within 5 minutes of our clock
const MAX_BODY_BYTES = 64 * 1024; // a notification is a few hundred bytes
const seen = new Map(); // X-Callscope-Delivery → when it was first handled (keep in a database in production)

if (!SECRET) throw new Error('set CALLSCOPE_WEBHOOK_SECRET');

/** Whether `header` (X-Callscope-Signature) signs the exact bytes `rawBody` under `secret`. */
function verify(header, rawBody, secret, nowSeconds = Math.floor(Date.now() / 1000)) {
  let t = null;
  const signatures = [];
  for (const part of String(header ?? '').split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) t = value;
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (t === null || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - Number(t)) > TOLERANCE_SECONDS) return false;
  const expected = crypto
    .createHmac('sha256', Buffer.from(secret, 'utf8')) // the whole secret, whsec_ included
    .update(`${t}.`, 'utf8')
    .update(rawBody) // the bytes as received: never JSON.stringify(JSON.parse(…))
    .digest();
  return signatures.some((signature) => crypto.timingSafeEqual(signature, expected));
}

/** What to do with a notification: answer within 10 s, so hand slow work to a queue. */
function handle(delivery, notification) {
  console.log(JSON.stringify({ delivery, ...notification })); // one JSON line each
}

http
  .createServer((req, res) => {
    if (req.method !== 'POST' || new URL(req.url, 'http://receiver').pathname !== '/callscope-webhook') {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { Connection: 'close' }).end();
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      if (!verify(req.headers['x-callscope-signature'], rawBody, SECRET)) {
        res.writeHead(401).end(); // callscope retries; check the secret if this persists
        return;
      }
      const delivery = req.headers['x-callscope-delivery'];
      if (!seen.has(delivery)) {
        handle(delivery, JSON.parse(rawBody.toString('utf8')));
        seen.set(delivery, Date.now());
      }
      // Retries of one notification stop after a day: forget deliveries after two.
      for (const [id, at] of seen) if (Date.now() - at > 2 * 86_400_000) seen.delete(id);
      res.writeHead(204).end();
    });
  })
  .listen(PORT, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${PORT}/callscope-webhook`));
