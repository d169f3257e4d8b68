// Shared helpers: clients, the dev outbox, unique identities, assertions, token verification and the
// common sign-up / sign-in flows, all against the Sesame server under test.

import { randomInt, randomUUID } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as jose from 'jose';
import { AssertionError } from './harness.mjs';
import { redactValue, short } from './redact.mjs';

export const POOL_ID = 'us-east-1_SesameDev';
export const CLIENT_ID = 'sesamedevclient0000000000';
export const REGION = 'us-east-1';
export const SCOPE = 'aws.cognito.signin.user.admin';
export const OUTBOX_WAIT_MS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {object} o
 * @param {string} o.serverUrl  Sesame itself (outbox, JWKS, issuer)
 * @param {string} o.apiUrl     where the clients send Cognito API calls (the recording proxy, or Sesame)
 */
export function createEnv({ serverUrl, apiUrl }) {
  const issuer = `${serverUrl}/${POOL_ID}`;
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  const discoveryUrl = `${issuer}/.well-known/openid-configuration`;
  const jwks = jose.createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000 });
  const sdk = newSdkClient(apiUrl);
  return { serverUrl, apiUrl, issuer, jwksUrl, discoveryUrl, jwks, sdk };
}

export function newSdkClient(endpoint) {
  return new CognitoIdentityProviderClient({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'sesame-dev', secretAccessKey: 'sesame-dev-secret' },
    // One attempt: a retried server fault would hide the first answer we want to report.
    maxAttempts: 1,
  });
}

// ---------------------------------------------------------------- identities

const used = new Set();
export function uniquePhone() {
  for (;;) {
    const p = `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
    if (!used.has(p)) {
      used.add(p);
      return p;
    }
  }
}
export function uniqueEmail() {
  return `conf-${randomUUID().slice(0, 12)}@example.com`;
}
export function mask(s) {
  return typeof s === 'string' && s.length > 6 ? `${s.slice(0, 5)}…${s.slice(-2)}` : s;
}

// ---------------------------------------------------------------- assertions

export function check(cond, message) {
  if (!cond) throw new AssertionError(message);
}
export function show(v) {
  return JSON.stringify(redactValue(v));
}
export function eq(actual, expected, what) {
  if (actual !== expected) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}
export function isNonEmptyString(v) {
  return typeof v === 'string' && v.length > 0;
}
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkSession(session, what = 'Session') {
  check(typeof session === 'string', `${what} missing (got ${show(session)})`);
  check(
    session.length >= 20 && session.length <= 2048,
    `${what} length ${session.length} outside Cognito's 20..2048`,
  );
}

/** Awaits a promise that must reject with a Cognito error named `name` (HTTP 400). */
export async function expectError(promiseOrFn, name, what = 'call') {
  let result;
  try {
    result = await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    const got = e?.name ?? e?.code;
    if (got !== name) {
      throw new AssertionError(
        `${what}: expected ${name}, got ${got}${e?.$metadata ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${e?.message}`,
      );
    }
    if (e?.$metadata) {
      eq(e.$metadata.httpStatusCode, 400, `${what}: HTTP status of ${name}`);
    }
    return e;
  }
  const { $metadata, ...rest } = result ?? {};
  throw new AssertionError(`${what}: expected ${name}, but it succeeded with ${show(rest)}`);
}

// ---------------------------------------------------------------- dev outbox

export async function readOutbox(env, to) {
  const url = `${env.serverUrl}/dev/outbox?to=${encodeURIComponent(to)}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  if (res.status !== 200) throw new AssertionError(`GET /dev/outbox answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  let list;
  try {
    list = JSON.parse(text);
  } catch {
    throw new AssertionError(`GET /dev/outbox did not return JSON: ${text.slice(0, 80)}`);
  }
  check(Array.isArray(list), `GET /dev/outbox did not return an array: ${show(list)}`);
  return list;
}

/**
 * Snapshot the outbox of `to` now; `next()` later waits (up to 10 s) for a message that was not there
 * and returns the newest such message, checked for shape and channel.
 */
export async function outboxWatch(env, to, channel) {
  const before = (await readOutbox(env, to)).length;
  return {
    before,
    next: async (what = 'message') => {
      const deadline = Date.now() + OUTBOX_WAIT_MS;
      for (;;) {
        const list = await readOutbox(env, to);
        if (list.length > before) {
          const m = list[list.length - 1];
          check(m && typeof m === 'object', `outbox entry is not an object: ${show(m)}`);
          eq(m.to, to, `outbox entry "to" for ${what}`);
          if (channel) eq(m.channel, channel, `outbox entry "channel" for ${what}`);
          check(isNonEmptyString(m.code), `outbox entry for ${what} has no "code" (${show(m)})`);
          check(isNonEmptyString(m.body), `outbox entry for ${what} has no "body"`);
          check(m.body.includes(m.code), `outbox "body" for ${what} does not contain its "code"`);
          check(m.sentAt !== undefined && m.sentAt !== null, `outbox entry for ${what} has no "sentAt"`);
          return m;
        }
        if (Date.now() > deadline) {
          throw new AssertionError(
            `no new ${channel ?? ''} outbox message to ${mask(to)} for ${what} within ${OUTBOX_WAIT_MS / 1000} s (had ${before})`,
          );
        }
        await sleep(150);
      }
    },
    /** Asserts nothing new arrives during `ms`. */
    none: async (ms, what = 'this') => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const list = await readOutbox(env, to);
        if (list.length > before) {
          throw new AssertionError(
            `an outbox message to ${mask(to)} appeared for ${what} (${list.length - before} new, channel ${list[list.length - 1]?.channel})`,
          );
        }
        await sleep(250);
      }
    },
  };
}

export function wrongCode(code) {
  if (/^\d+$/.test(code)) {
    const n = (BigInt(code) + 1n) % 10n ** BigInt(code.length);
    return n.toString().padStart(code.length, '0');
  }
  return code.length > 1 ? `${code.slice(1)}${code[0] === 'x' ? 'y' : 'x'}` : 'x';
}

// ---------------------------------------------------------------- tokens

/** Verifies an ID or access token with jose against Sesame's JWKS; returns { payload, protectedHeader }. */
export async function verifyToken(env, token, kind) {
  check(isNonEmptyString(token), `${kind} token missing`);
  const options = { issuer: env.issuer, algorithms: ['RS256'] };
  if (kind === 'id') options.audience = CLIENT_ID;
  let result;
  try {
    result = await jose.jwtVerify(token, env.jwks, options);
  } catch (e) {
    let header = '?';
    let claims = '?';
    try {
      header = JSON.stringify(jose.decodeProtectedHeader(token));
      const p = jose.decodeJwt(token);
      claims = JSON.stringify({ iss: p.iss, aud: p.aud, token_use: p.token_use, exp: p.exp });
    } catch {
      /* not even a JWT */
    }
    throw new AssertionError(`${kind} token does not verify with jose (${e.code ?? e.name}: ${e.message}); header ${header}, claims ${claims}`);
  }
  eq(result.protectedHeader.alg, 'RS256', `${kind} token header alg`);
  check(isNonEmptyString(result.protectedHeader.kid), `${kind} token header has no kid`);
  return result;
}

function num(p, claim, kind) {
  check(Number.isInteger(p[claim]), `${kind} token "${claim}" must be an integer NumericDate, got ${show(p[claim])}`);
}
function str(p, claim, kind) {
  check(isNonEmptyString(p[claim]), `${kind} token "${claim}" must be a non-empty string, got ${show(p[claim])}`);
}

/**
 * Checks the Cognito ID-token claims. expect: { username, sub?, phone?, email? }
 */
export function checkIdClaims(p, expect) {
  const k = 'ID';
  eq(p.token_use, 'id', 'ID token "token_use"');
  eq(p.aud, CLIENT_ID, 'ID token "aud" (must be a plain string)');
  eq(p['cognito:username'], expect.username, 'ID token "cognito:username"');
  str(p, 'sub', k);
  if (expect.sub) eq(p.sub, expect.sub, 'ID token "sub"');
  for (const c of ['auth_time', 'iat', 'exp']) num(p, c, k);
  for (const c of ['jti', 'origin_jti', 'event_id']) str(p, c, k);
  check(p.exp > p.iat, `ID token exp (${p.exp}) must be after iat (${p.iat})`);
  check(p.auth_time <= p.iat + 5, `ID token auth_time (${p.auth_time}) is after iat (${p.iat})`);
  const now = Math.floor(Date.now() / 1000);
  check(Math.abs(p.iat - now) < 300, `ID token iat (${p.iat}) is far from now (${now})`);
  if (expect.phone) {
    eq(p.phone_number, expect.phone, 'ID token "phone_number"');
    eq(p.phone_number_verified, true, 'ID token "phone_number_verified" (must be boolean true)');
  }
  if (expect.email) {
    eq(p.email, expect.email, 'ID token "email"');
    eq(p.email_verified, true, 'ID token "email_verified" (must be boolean true)');
  }
}

export function checkAccessClaims(p, expect) {
  const k = 'access';
  eq(p.token_use, 'access', 'access token "token_use"');
  eq(p.client_id, CLIENT_ID, 'access token "client_id"');
  eq(p.scope, SCOPE, 'access token "scope"');
  eq(p.username, expect.username, 'access token "username"');
  check(p.aud === undefined, `access token must not carry "aud" (Cognito puts the client id in client_id), got ${show(p.aud)}`);
  str(p, 'sub', k);
  if (expect.sub) eq(p.sub, expect.sub, 'access token "sub"');
  for (const c of ['auth_time', 'iat', 'exp']) num(p, c, k);
  for (const c of ['jti', 'origin_jti']) str(p, c, k);
  check(p.exp > p.iat, `access token exp (${p.exp}) must be after iat (${p.iat})`);
}

export function checkAuthResult(ar, { refresh = true } = {}) {
  check(ar && typeof ar === 'object', `no AuthenticationResult`);
  check(isNonEmptyString(ar.AccessToken), 'AuthenticationResult.AccessToken missing');
  check(isNonEmptyString(ar.IdToken), 'AuthenticationResult.IdToken missing');
  if (refresh) check(isNonEmptyString(ar.RefreshToken), 'AuthenticationResult.RefreshToken missing');
  check(
    /^[A-Za-z0-9\-_=.]+$/.test(ar.RefreshToken ?? 'x'),
    'AuthenticationResult.RefreshToken does not match Cognito\'s ^[A-Za-z0-9-_=.]+$',
  );
  check(Number.isInteger(ar.ExpiresIn) && ar.ExpiresIn > 0, `ExpiresIn must be a positive integer, got ${show(ar.ExpiresIn)}`);
  eq(ar.TokenType, 'Bearer', 'AuthenticationResult.TokenType');
  check(ar.NewDeviceMetadata === undefined, 'AuthenticationResult.NewDeviceMetadata must be absent (no device tracking)');
}

// ---------------------------------------------------------------- flows (SDK v3)

/** SignUp by phone or email (no password), returns { alias, sub, code delivery, outbox message }. */
export async function sdkSignUp(env, { phone, email, attributes, withAliasAttribute = true }) {
  const alias = phone ?? email;
  const channel = phone ? 'SMS' : 'EMAIL';
  const attrs = attributes ?? [];
  if (withAliasAttribute && !attrs.some((a) => a.Name === (phone ? 'phone_number' : 'email'))) {
    attrs.push({ Name: phone ? 'phone_number' : 'email', Value: alias });
  }
  const watch = await outboxWatch(env, alias, channel);
  const res = await env.sdk.send(
    new SignUpCommand({
      ClientId: CLIENT_ID,
      Username: alias,
      ...(attrs.length ? { UserAttributes: attrs } : {}),
    }),
  );
  eq(res.UserConfirmed, false, 'SignUp UserConfirmed');
  check(isNonEmptyString(res.UserSub), `SignUp UserSub missing (${show(res.UserSub)})`);
  eq(res.CodeDeliveryDetails?.DeliveryMedium, channel, 'SignUp CodeDeliveryDetails.DeliveryMedium');
  const message = await watch.next('SignUp');
  return { alias, channel, signUp: res, sub: res.UserSub, message };
}

export async function sdkConfirm(env, alias, code) {
  return env.sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: alias, ConfirmationCode: code }));
}

/** A confirmed user, ready to sign in. */
export async function sdkConfirmedUser(env, opts) {
  const u = await sdkSignUp(env, opts);
  const c = await sdkConfirm(env, u.alias, u.message.code);
  checkSession(c.Session, 'ConfirmSignUp Session');
  return u;
}

/** InitiateAuth CUSTOM_AUTH; returns the response and an outbox watcher armed before the call. */
export async function sdkStartCustomAuth(env, username, { outboxTo, channel } = {}) {
  const watch = outboxTo ? await outboxWatch(env, outboxTo, channel) : null;
  const res = await env.sdk.send(
    new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username } }),
  );
  return { res, watch };
}

export function checkCustomChallenge(res, { medium, what = 'InitiateAuth' } = {}) {
  eq(res.ChallengeName, 'CUSTOM_CHALLENGE', `${what} ChallengeName`);
  checkSession(res.Session, `${what} Session`);
  check(res.AuthenticationResult === undefined, `${what} must not carry AuthenticationResult with a challenge`);
  const p = res.ChallengeParameters ?? {};
  check(isNonEmptyString(p.USERNAME), `${what} ChallengeParameters.USERNAME missing (${show(p)})`);
  if (medium) eq(p.CODE_DELIVERY_DELIVERY_MEDIUM, medium, `${what} ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM`);
  check(isNonEmptyString(p.CODE_DELIVERY_DESTINATION), `${what} ChallengeParameters.CODE_DELIVERY_DESTINATION missing`);
  return p;
}

export async function sdkAnswer(env, { username, session, answer }) {
  return env.sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: answer },
    }),
  );
}

/** Full CUSTOM_AUTH sign-in by alias; returns { internalUsername, tokens, challenge }. */
export async function sdkSignIn(env, alias, channel, { username = alias } = {}) {
  const { res, watch } = await sdkStartCustomAuth(env, username, { outboxTo: alias, channel });
  const p = checkCustomChallenge(res, { medium: channel });
  const msg = await watch.next('InitiateAuth');
  const ans = await sdkAnswer(env, { username: p.USERNAME, session: res.Session, answer: msg.code });
  check(ans.ChallengeName === undefined, `RespondToAuthChallenge with the right code returned challenge ${ans.ChallengeName} instead of tokens`);
  checkAuthResult(ans.AuthenticationResult);
  return { internalUsername: p.USERNAME, tokens: ans.AuthenticationResult, challenge: res };
}

export function attrMap(list) {
  const m = {};
  for (const a of list ?? []) m[a.Name] = a.Value;
  return m;
}

export { short, sleep };
