// A small HTTP wrapper that runs Lambda trigger handlers unmodified, as Sesame's HTTP triggers (docs/triggers.md):
// POST /<name> with the Cognito event JSON → verify Sesame's signature → `await handler(event, context, callback)` →
// answer with the event. Like the index.js Amplify generates around trigger modules, it answers with the event the
// handler mutated unless the handler returned (or passed to the callback) an event of its own; a thrown error becomes
// Lambda's error shape `{"errorType", "errorMessage"}` with HTTP 500, which Sesame turns into
// UserLambdaValidationException "<Trigger> failed with error <message>.".
//
// Loopback only; stopped by close(). Used by tests/triggers.mjs.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MAX_BODY_BYTES = 256 * 1024;
const REPLAY_WINDOW_SECONDS = 5 * 60;

/**
 * Checks X-Sesame-Signature: v1=hex(HMAC-SHA256(secret, `${X-Sesame-Timestamp}.${rawBody}`)), within 5 minutes of
 * now, and refuses a delivery id seen before. This is the function docs/triggers.md shows.
 */
export function verifySignature(secret, headers, rawBody, seen = new Set(), nowSeconds = Math.floor(Date.now() / 1000)) {
  const timestamp = headers['x-sesame-timestamp'];
  const signature = headers['x-sesame-signature'] ?? '';
  const delivery = headers['x-sesame-delivery'];
  if (!/^\d+$/.test(timestamp ?? '') || Math.abs(nowSeconds - Number(timestamp)) > REPLAY_WINDOW_SECONDS) return false;
  const expected = 'v1=' + createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  if (!delivery || seen.has(delivery)) return false;
  seen.add(delivery);
  return true;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Runs a Lambda handler the three ways Node Lambda code is written: async, returning a promise, or with a callback. */
function invoke(handler, event) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, result) => {
      if (settled) return;
      settled = true;
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(result);
    };
    const context = {
      functionName: 'sesame-trigger',
      getRemainingTimeInMillis: () => 5000,
      done,
      succeed: (r) => done(null, r),
      fail: (e) => done(e),
    };
    try {
      const returned = handler(event, context, done);
      if (returned && typeof returned.then === 'function') returned.then((r) => done(null, r), done);
      else if (handler.length < 3) done(null, returned);
    } catch (e) {
      done(e);
    }
  });
}

/**
 * @param {object} o
 * @param {Record<string,string>} o.handlers  route name → handler module path (relative to this folder)
 * @returns {Promise<{url:string, secret:string, requests:object[], close:()=>Promise<void>}>}
 */
export async function startTriggerHost({ handlers }) {
  const secret = randomBytes(32).toString('base64url');
  const modules = Object.fromEntries(Object.entries(handlers).map(([name, file]) => [name, require(`./${file}`).handler]));
  const seen = new Set();
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const answer = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
      const handler = modules[name];
      if (req.method !== 'POST' || !handler) return answer(404, { errorMessage: 'no such trigger' });
      const raw = await readBody(req);
      if (!verifySignature(secret, req.headers, raw, seen)) return answer(401, { message: 'bad signature' });
      const event = JSON.parse(raw.toString('utf8'));
      requests.push({ name, event: structuredClone(event) });
      try {
        const result = await invoke(handler, event);
        answer(200, result && typeof result === 'object' && 'response' in result ? result : event);
      } catch (e) {
        answer(500, { errorType: e.name ?? 'Error', errorMessage: e.message ?? String(e), trace: [] });
      }
    } catch (e) {
      answer(400, { message: String(e?.message ?? e) });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    secret,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
