#!/usr/bin/env node
// The client half of scripts/publish-test.sh: against a published Sesame already running in Production, signs a new
// user up and in with the AWS SDK v3, the codes arriving at this script's own gateway on loopback through Sesame's
// generic HTTP provider (signed with X-Sesame-Signature, checked here). Prints `ok - …` / `not ok - …`, exits 1 on the
// first failure. Bounded: every wait has a deadline, and the script gives up after 60 s in all.
//
//   node test/conformance/deployment/published-signin.mjs --endpoint http://127.0.0.1:PORT --public-origin ORIGIN \
//     --pool POOL_ID --client CLIENT_ID --delivery-port PORT --delivery-secret SECRET

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as jose from 'jose';

const { values: opt } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    'public-origin': { type: 'string' },
    pool: { type: 'string' },
    client: { type: 'string' },
    'delivery-port': { type: 'string' },
    'delivery-secret': { type: 'string' },
  },
});
for (const name of ['endpoint', 'public-origin', 'pool', 'client', 'delivery-port', 'delivery-secret']) {
  if (!opt[name]) {
    console.error(`error: --${name} is required`);
    process.exit(2);
  }
}

const overall = setTimeout(() => {
  console.log('not ok - the sign-in did not finish within 60 s');
  process.exit(1);
}, 60_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The gateway: every message Sesame's HTTP provider posts, after its HMAC signature is checked.
const messages = [];
const refused = [];
const gateway = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const header = String(req.headers['x-sesame-signature'] ?? '');
    const t = /(?:^|,)\s*t=(\d+)/.exec(header)?.[1];
    const v1 = /(?:^|,)\s*v1=([0-9a-f]{64})/.exec(header)?.[1];
    const expected = t && createHmac('sha256', opt['delivery-secret']).update(`${t}.`).update(body).digest();
    const fresh = t && Math.abs(Date.now() / 1000 - Number(t)) < 300;
    if (!v1 || !fresh || !timingSafeEqual(Buffer.from(v1, 'hex'), expected)) {
      refused.push(header ? 'a wrong or stale signature' : 'no X-Sesame-Signature header');
      res.writeHead(401).end();
      return;
    }
    const message = JSON.parse(body.toString('utf8'));
    messages.push(message);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `m${messages.length}` }));
  });
});
await new Promise((resolve, reject) => {
  gateway.once('error', reject);
  gateway.listen(Number(opt['delivery-port']), '127.0.0.1', resolve);
});

let failed = false;
async function step(name, fn) {
  try {
    const detail = await fn();
    console.log(`ok - ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    failed = true;
    console.log(`not ok - ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    throw e;
  }
}
function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The code of the next message to `to` (the only run of 6 digits in Sesame's templates), waiting up to 15 s. */
async function codeFor(to, seen) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const mine = messages.filter((m) => m.to === to);
    if (mine.length > seen) {
      const code = /(?<![0-9])[0-9]{6}(?![0-9])/.exec(mine[seen].body ?? '')?.[0];
      check(code, `message ${seen + 1} to the user holds no 6-digit code`);
      return code;
    }
    check(refused.length === 0, `the gateway refused a delivery: ${refused[0]}`);
    check(Date.now() < deadline, `no message to the user reached the HTTP provider's gateway within 15 s`);
    await sleep(100);
  }
}

const sdk = new CognitoIdentityProviderClient({
  region: opt.pool.split('_')[0],
  endpoint: opt.endpoint,
  // The public API needs no credentials; the SDK wants some to build its client.
  credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  maxAttempts: 1,
});
const email = `publish-${randomBytes(6).toString('hex')}@example.com`;

try {
  await step('the dev outbox is off in Production (GET /dev/outbox is 404)', async () => {
    const res = await fetch(`${opt.endpoint}/dev/outbox?to=${encodeURIComponent(email)}`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    check(res.status === 404, `GET /dev/outbox answered ${res.status}`);
  });

  await step('SignUp (passwordless, email as username); the code arrives signed through the HTTP provider; ConfirmSignUp', async () => {
    const up = await sdk.send(new SignUpCommand({ ClientId: opt.client, Username: email }));
    check(up.UserConfirmed === false, `UserConfirmed ${up.UserConfirmed}`);
    check(up.CodeDeliveryDetails?.DeliveryMedium === 'EMAIL', `CodeDeliveryDetails ${JSON.stringify(up.CodeDeliveryDetails)}`);
    const code = await codeFor(email, 0);
    await sdk.send(new ConfirmSignUpCommand({ ClientId: opt.client, Username: email, ConfirmationCode: code }));
    return email;
  });

  let tokens;
  await step('InitiateAuth CUSTOM_AUTH, the sign-in code from the gateway, RespondToAuthChallenge: tokens', async () => {
    const started = await sdk.send(new InitiateAuthCommand({ ClientId: opt.client, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: email } }));
    check(started.ChallengeName === 'CUSTOM_CHALLENGE', `ChallengeName ${started.ChallengeName}`);
    const code = await codeFor(email, 1);
    const done = await sdk.send(new RespondToAuthChallengeCommand({
      ClientId: opt.client,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: started.Session,
      ChallengeResponses: { USERNAME: started.ChallengeParameters.USERNAME, ANSWER: code },
    }));
    tokens = done.AuthenticationResult;
    check(tokens?.IdToken && tokens.AccessToken && tokens.RefreshToken, `no tokens: ChallengeName ${done.ChallengeName}`);
  });

  await step('the ID token verifies against the JWKS, its issuer is Sesame:PublicOrigin, not the request host', async () => {
    const jwks = jose.createRemoteJWKSet(new URL(`${opt.endpoint}/${opt.pool}/.well-known/jwks.json`), { timeoutDuration: 5000 });
    const issuer = `${opt['public-origin']}/${opt.pool}`;
    const { payload } = await jose.jwtVerify(tokens.IdToken, jwks, { issuer, audience: opt.client });
    check(payload.email === email && payload.token_use === 'id', `claims email=${payload.email} token_use=${payload.token_use}`);
    return `iss ${issuer}`;
  });

  await step('GetUser with the access token', async () => {
    const user = await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    const attribute = Object.fromEntries(user.UserAttributes.map((a) => [a.Name, a.Value]));
    check(attribute.email === email && attribute.email_verified === 'true', `attributes ${JSON.stringify(attribute)}`);
  });

  await step('REFRESH_TOKEN_AUTH gives new tokens', async () => {
    const refreshed = await sdk.send(new InitiateAuthCommand({
      ClientId: opt.client, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken },
    }));
    check(refreshed.AuthenticationResult?.AccessToken, 'no access token');
  });

  await step('every delivery was signed (none refused by the gateway)', async () => {
    check(refused.length === 0, `refused: ${refused.join('; ')}`);
    return `${messages.length} messages`;
  });
} catch {
  // Reported by step().
} finally {
  clearTimeout(overall);
  gateway.close();
  sdk.destroy();
}
process.exit(failed ? 1 : 0);
