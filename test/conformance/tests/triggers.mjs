// The tutorials' own Lambda trigger handlers (test/conformance/triggers/seed*/), run unmodified behind a small Node
// HTTP wrapper (triggers/host.mjs) and registered as HTTP triggers of their own user pools, with real clients signing
// in through them: amazon-cognito-identity-js as the React tutorial (seed 003) uses it, and the AWS SDK sending
// exactly what Amplify Flutter sends for CUSTOM_AUTH with SRP_A (seeds 001/002).

import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import cognito from 'amazon-cognito-identity-js';
import * as jose from 'jose';
import { check, eq, expectError, isNonEmptyString, newSdkClient, outboxWatch, readOutbox, show, sleep, uniqueEmail, uniquePhone } from '../lib/cognito.mjs';
import { startTriggerHost, verifySignature } from '../triggers/host.mjs';

const require = createRequire(import.meta.url);
const sink = require('../triggers/sink.js');
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const TEST_NUMBER = '+10000000000';
const SEEDS = {
  seed000: { pool: 'us-east-1_Seed000', client: 'seed000client', triggers: { PreSignUp: 'seed000/presignup.js' } },
  seed001: {
    pool: 'us-east-1_Seed001',
    client: 'seed001client',
    triggers: { DefineAuthChallenge: 'seed001/define.js', CreateAuthChallenge: 'seed001/create.js', VerifyAuthChallengeResponse: 'seed001/verify.js' },
  },
  seed002: {
    pool: 'us-east-1_Seed002',
    client: 'seed002client',
    triggers: { DefineAuthChallenge: 'seed002/define.js', CreateAuthChallenge: 'seed002/create.js', VerifyAuthChallengeResponse: 'seed002/verify.js' },
  },
  seed003: {
    pool: 'us-east-1_Seed003',
    client: 'seed003client',
    triggers: { DefineAuthChallenge: 'seed003/define.js', CreateAuthChallenge: 'seed003/create.js', VerifyAuthChallengeResponse: 'seed003/verify.js' },
  },
};

const LAMBDAS = [
  ['seed000', 'PreSignUp'],
  ['seed003', 'DefineAuthChallenge'],
  ['seed003', 'CreateAuthChallenge'],
  ['seed003', 'VerifyAuthChallengeResponse'],
];
const lambdaArn = (seed, trigger) => `arn:aws:lambda:us-east-1:123456789012:function:${seed}-${trigger}`;

/** Starts the wrapper with every seed's handlers; `serverEnv` configures one Sesame pool per seed to call it. */
export async function startSeedTriggers() {
  const handlers = {};
  for (const [seed, s] of Object.entries(SEEDS)) {
    for (const [trigger, file] of Object.entries(s.triggers)) handlers[`${seed}/${trigger}`] = file;
  }
  const host = await startTriggerHost({ handlers });
  const serverEnv = {};
  for (const [seed, s] of Object.entries(SEEDS)) {
    const at = `Sesame__UserPools__${s.pool}__`;
    serverEnv[`${at}Name`] = seed;
    serverEnv[`${at}Clients__${s.client}__Name`] = `${seed} client`;
    for (const trigger of Object.keys(s.triggers)) {
      serverEnv[`${at}Triggers__${trigger}__Url`] = `${host.url}/${seed}/${trigger}`;
      serverEnv[`${at}Triggers__${trigger}__Secret`] = host.secret;
    }
  }
  // The same handlers as Lambda functions that CreateUserPool / UpdateUserPool name in LambdaConfig (as the Amplify CLI
  // and serverless.yml deploy them), each ARN mapped to its HTTP trigger through Sesame:LambdaFunctions.
  LAMBDAS.forEach(([seed, trigger], i) => {
    serverEnv[`Sesame__LambdaFunctions__${i}__Arn`] = lambdaArn(seed, trigger);
    serverEnv[`Sesame__LambdaFunctions__${i}__Url`] = `${host.url}/${seed}/${trigger}`;
    serverEnv[`Sesame__LambdaFunctions__${i}__Secret`] = host.secret;
  });
  // Seed 002's pool as its tutorial sets it up (Amplify CLI "sign in with Username", email verified): free-form
  // usernames with phone and email aliases, the sign-up code by email.
  serverEnv[`Sesame__UserPools__${SEEDS.seed002.pool}__AliasAttributes__0`] = 'phone_number';
  serverEnv[`Sesame__UserPools__${SEEDS.seed002.pool}__AliasAttributes__1`] = 'email';
  serverEnv[`Sesame__UserPools__${SEEDS.seed002.pool}__AutoVerifiedAttributes__0`] = 'email';
  // Seed 000's test number: declared in configuration (development only), fixed code, nothing sent.
  serverEnv[`Sesame__UserPools__${SEEDS.seed000.pool}__OneTimeCode__TestNumbers__${TEST_NUMBER}`] = '111111';
  return { host, serverEnv };
}

function libPool(env, seed) {
  const items = new Map();
  const Storage = {
    setItem: (k, v) => items.set(k, String(v)),
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    removeItem: (k) => items.delete(k),
    clear: () => items.clear(),
  };
  const s = SEEDS[seed];
  return { pool: new CognitoUserPool({ UserPoolId: s.pool, ClientId: s.client, endpoint: `${env.apiUrl}/`, Storage }), Storage };
}

/** SignUp + ConfirmSignUp through the SDK in a seed's pool (Sesame sends the confirmation code to the dev outbox). */
async function confirmedUser(env, seed, alias, attributes = []) {
  const ClientId = SEEDS[seed].client;
  const watch = await outboxWatch(env, alias, alias.startsWith('+') ? 'SMS' : 'EMAIL');
  await env.sdk.send(new SignUpCommand({ ClientId, Username: alias, UserAttributes: attributes }));
  const message = await watch.next('SignUp');
  await env.sdk.send(new ConfirmSignUpCommand({ ClientId, Username: alias, ConfirmationCode: message.code }));
}

/** The newest code the tutorial handler "sent" to `to` through the sink, waited for (bounded). */
async function sinkCode(to, count = 1) {
  for (let i = 0; i < 100; i++) {
    const messages = sink.messagesTo(to);
    if (messages.length >= count) return messages[count - 1].body.match(/(\d{6})\s*$/)[1];
    await sleep(50);
  }
  throw new Error(`the trigger sent nothing to ${to}`);
}

async function verifyIdToken(env, seed, token) {
  const issuer = `${env.serverUrl}/${SEEDS[seed].pool}`;
  const jwks = jose.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const { payload } = await jose.jwtVerify(token, jwks, { issuer, audience: SEEDS[seed].client });
  eq(payload.token_use, 'id', 'token_use');
  return payload;
}

/** Flutter's CUSTOM_AUTH request when it starts with SRP (customAuthWithSrp), then the custom challenge. */
function flutterStart(env, seed, username) {
  return env.sdk.send(
    new InitiateAuthCommand({
      ClientId: SEEDS[seed].client,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: username, SRP_A: 'a1b2c3d4'.repeat(96), CHALLENGE_NAME: 'SRP_A' },
    }),
  );
}

function flutterAnswer(env, seed, challenge, answer) {
  return env.sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: SEEDS[seed].client,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: challenge.Session,
      ChallengeResponses: { USERNAME: challenge.ChallengeParameters.USERNAME, ANSWER: answer },
    }),
  );
}

export function registerTriggerTests(test, env, seeds) {
  const { host } = seeds;
  const received = (name) => host.requests.filter((r) => r.name === name).map((r) => r.event);

  test('triggers: seed 003 handlers over HTTP, cognito-identity-js signs in with the SMS code (one try)', async () => {
    const phone = uniquePhone();
    await confirmedUser(env, 'seed003', phone, [{ Name: 'phone_number', Value: phone }]);
    const { pool, Storage } = libPool(env, 'seed003');
    const user = new CognitoUser({ Username: phone, Pool: pool, Storage });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const session = await new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        customChallenge: () => sinkCode(phone).then((code) => user.sendCustomChallengeAnswer(code, callbacks), reject),
      };
      user.initiateAuth(new AuthenticationDetails({ Username: phone }), callbacks);
    });
    check(session.isValid(), 'CognitoUserSession.isValid()');
    const claims = await verifyIdToken(env, 'seed003', session.getIdToken().getJwtToken());
    eq(claims.phone_number, phone, 'id token phone_number');
    const verify = received('seed003/VerifyAuthChallengeResponse').at(-1);
    eq(typeof verify.request.privateChallengeParameters.answer, 'string', 'type of the answer the tutorial created as a number');
    check(sink.messagesTo(phone)[0].body.startsWith('OTP to login to WebsiteX is '), 'the tutorial message was sent to the sink');
  });

  test('triggers: seed 003 handlers, a wrong code ends the sign-in (NotAuthorizedException)', async () => {
    const phone = uniquePhone();
    await confirmedUser(env, 'seed003', phone, [{ Name: 'phone_number', Value: phone }]);
    const { pool, Storage } = libPool(env, 'seed003');
    const user = new CognitoUser({ Username: phone, Pool: pool, Storage });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const error = await new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: () => reject(new Error('signed in with a wrong code')),
        onFailure: resolve,
        customChallenge: () =>
          sinkCode(phone).then((code) => user.sendCustomChallengeAnswer(code === '999999' ? '999998' : '999999', callbacks), reject),
      };
      user.initiateAuth(new AuthenticationDetails({ Username: phone }), callbacks);
    });
    eq(error.code, 'NotAuthorizedException', 'error code');
    eq(error.message, 'Incorrect username or password.', 'error message');
  });

  test('triggers: seed 003 handlers, cognito-identity-js authenticateUser (CUSTOM_AUTH with SRP_A) gets no tokens without a code', async () => {
    // authenticateUser in CUSTOM_AUTH sends CHALLENGE_NAME: SRP_A; the session then starts [{SRP_A, true}], and seed 003's
    // Define issues tokens for a one-round session that passed. Cognito signs in; Sesame refuses (AllowTokensWithoutChallenge).
    const phone = uniquePhone();
    await confirmedUser(env, 'seed003', phone, [{ Name: 'phone_number', Value: phone }]);
    const { pool, Storage } = libPool(env, 'seed003');
    const user = new CognitoUser({ Username: phone, Pool: pool, Storage });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const before = received('seed003/DefineAuthChallenge').length;
    const error = await new Promise((resolve, reject) => {
      user.authenticateUser(new AuthenticationDetails({ Username: phone, Password: 'not-checked-by-anyone' }), {
        onSuccess: () => reject(new Error('signed in with no code at all (the SRP_A bypass)')),
        onFailure: resolve,
        customChallenge: () => reject(new Error('seed 003 asked for a code after SRP_A')),
      });
    });
    eq(error.code, 'NotAuthorizedException', 'error code');
    eq(error.message, 'Incorrect username or password.', 'error message');
    const define = received('seed003/DefineAuthChallenge').slice(before);
    eq(define.length, 1, 'Define calls');
    eq(JSON.stringify(define[0].request.session), '[{"challengeName":"SRP_A","challengeResult":true,"challengeMetadata":null}]', 'session seen by Define');
  });

  for (const [seed, publicParameter] of [
    ['seed001', ['fieldHint', 'Check your email']],
    ['seed002', ['hint', 'Enter the secret code']],
  ]) {
    test(`triggers: ${seed} handlers, Flutter's CUSTOM_AUTH with SRP_A is bypassed, then the email code signs in`, async () => {
      const email = uniqueEmail();
      await confirmedUser(env, seed, email, [{ Name: 'email', Value: email }]);
      const challenge = await flutterStart(env, seed, email);
      eq(challenge.ChallengeName, 'CUSTOM_CHALLENGE', 'ChallengeName after SRP_A');
      eq(challenge.ChallengeParameters[publicParameter[0]], publicParameter[1], `ChallengeParameters.${publicParameter[0]}`);
      check(challenge.ChallengeParameters.answer === undefined, 'the private answer must not reach the client');
      const firstDefine = received(`${seed}/DefineAuthChallenge`).at(-1);
      eq(JSON.stringify(firstDefine.request.session), '[{"challengeName":"SRP_A","challengeResult":true,"challengeMetadata":null}]', 'session seen by Define');
      const result = await flutterAnswer(env, seed, challenge, await sinkCode(email));
      check(isNonEmptyString(result.AuthenticationResult?.IdToken), `no tokens: ${show(result)}`);
      eq((await verifyIdToken(env, seed, result.AuthenticationResult.IdToken)).email, email, 'id token email');
    });
  }

  test("triggers: seed 002 as written — signUp(username: 'myusername', email and phone), code by email, sign-in by the verified email alias", async () => {
    const username = `myusername${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail();
    const phone = uniquePhone();
    const ClientId = SEEDS.seed002.client;
    const watch = await outboxWatch(env, email, 'EMAIL');
    const signUp = await env.sdk.send(new SignUpCommand({
      ClientId,
      Username: username,
      Password: 'mysupersecurepassword',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'phone_number', Value: phone }],
    }));
    eq(signUp.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL', 'SignUp CodeDeliveryDetails.DeliveryMedium (AutoVerifiedAttributes: email)');
    const code = (await watch.next('SignUp')).code;
    eq((await readOutbox(env, phone)).length, 0, 'SMS sent for the phone attribute');
    await env.sdk.send(new ConfirmSignUpCommand({ ClientId, Username: username, ConfirmationCode: code }));
    const challenge = await flutterStart(env, 'seed002', email);
    eq(challenge.ChallengeName, 'CUSTOM_CHALLENGE', 'ChallengeName after SRP_A');
    eq(challenge.ChallengeParameters.USERNAME, username, 'ChallengeParameters.USERNAME is the username the alias belongs to');
    const result = await flutterAnswer(env, 'seed002', challenge, await sinkCode(email));
    eq((await verifyIdToken(env, 'seed002', result.AuthenticationResult.IdToken))['cognito:username'], username, 'cognito:username');
  });

  test('triggers: seed002 handlers, a wrong email code is NotAuthorizedException', async () => {
    const email = uniqueEmail();
    await confirmedUser(env, 'seed002', email, [{ Name: 'email', Value: email }]);
    const challenge = await flutterStart(env, 'seed002', email);
    const code = await sinkCode(email);
    await expectError(flutterAnswer(env, 'seed002', challenge, code === '123456' ? '654321' : '123456'), 'NotAuthorizedException', 'wrong code');
  });

  test('triggers: seed 000, PreSignUp over HTTP auto-confirms; the declared test number signs in with 111111, nothing sent', async () => {
    const { pool, Storage } = libPool(env, 'seed000');
    const result = await new Promise((resolve, reject) =>
      pool.signUp(TEST_NUMBER, 'Aa1!generated-password', [], null, (err, data) => (err ? reject(err) : resolve(data))),
    );
    eq(result.userConfirmed, true, 'signUp userConfirmed');
    const user = new CognitoUser({ Username: TEST_NUMBER, Pool: pool, Storage });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const session = await new Promise((resolve, reject) => {
      const callbacks = { onSuccess: resolve, onFailure: reject, customChallenge: () => user.sendCustomChallengeAnswer('111111', callbacks) };
      user.initiateAuth(new AuthenticationDetails({ Username: TEST_NUMBER }), callbacks);
    });
    const claims = await verifyIdToken(env, 'seed000', session.getIdToken().getJwtToken());
    eq(claims.phone_number_verified, true, 'phone_number_verified (autoVerifyPhone)');
    await sleep(300);
    eq((await readOutbox(env, TEST_NUMBER)).length, 0, 'messages sent to the test number');
  });

  test('triggers: LambdaConfig deploys (CreateUserPool as the Amplify CLI, UpdateUserPool as serverless existing:true) run the seeds over HTTP', async () => {
    // Signed admin calls go straight to Sesame: the recording proxy rewrites Host, which SigV4 signs.
    const admin = newSdkClient(env.serverUrl);
    const LambdaConfig = Object.fromEntries(LAMBDAS.filter(([seed]) => seed === 'seed003').map(([seed, trigger]) => [trigger, lambdaArn(seed, trigger)]));
    const { UserPool } = await admin.send(new CreateUserPoolCommand({ PoolName: 'deployed', UsernameAttributes: ['phone_number'], LambdaConfig }));
    await expectError(admin.send(new UpdateUserPoolCommand({
      UserPoolId: UserPool.Id, LambdaConfig: { ...LambdaConfig, PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:not-mapped' },
    })), 'InvalidParameterException', 'UpdateUserPool with an unmapped ARN');
    // serverless's existing-pool deploy: read the pool, send it back with its own trigger added.
    const described = (await admin.send(new DescribeUserPoolCommand({ UserPoolId: UserPool.Id }))).UserPool;
    eq(described.LambdaConfig.DefineAuthChallenge, LambdaConfig.DefineAuthChallenge, 'DescribeUserPool LambdaConfig.DefineAuthChallenge');
    await admin.send(new UpdateUserPoolCommand({
      UserPoolId: UserPool.Id, Policies: described.Policies, LambdaConfig: { ...described.LambdaConfig, PreSignUp: lambdaArn('seed000', 'PreSignUp') },
    }));
    eq((await admin.send(new DescribeUserPoolCommand({ UserPoolId: UserPool.Id }))).UserPool.LambdaConfig.PreSignUp, lambdaArn('seed000', 'PreSignUp'),
      'DescribeUserPool LambdaConfig.PreSignUp after UpdateUserPool');
    const { UserPoolClient } = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: UserPool.Id, ClientName: 'app' }));

    const items = new Map();
    const Storage = { setItem: (k, v) => items.set(k, String(v)), getItem: (k) => items.get(k) ?? null, removeItem: (k) => items.delete(k), clear: () => items.clear() };
    const pool = new CognitoUserPool({ UserPoolId: UserPool.Id, ClientId: UserPoolClient.ClientId, endpoint: `${env.apiUrl}/`, Storage });
    const phone = uniquePhone();
    const signedUp = await new Promise((resolve, reject) =>
      pool.signUp(phone, 'Aa1!generated-password', [], null, (err, data) => (err ? reject(err) : resolve(data))));
    eq(signedUp.userConfirmed, true, 'signUp userConfirmed (seed 000 PreSignUp through LambdaConfig)');
    const user = new CognitoUser({ Username: phone, Pool: pool, Storage });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const session = await new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        customChallenge: () => sinkCode(phone).then((code) => user.sendCustomChallengeAnswer(code, callbacks), reject),
      };
      user.initiateAuth(new AuthenticationDetails({ Username: phone }), callbacks);
    });
    check(session.isValid(), 'CognitoUserSession.isValid() after the seed 003 handlers signed in through LambdaConfig');
    eq(received('seed003/DefineAuthChallenge').at(-1).userPoolId, UserPool.Id, 'the Define the deployed pool called');
  });

  test('triggers: the wrapper refuses unsigned, wrongly signed, stale and replayed requests', async () => {
    const body = Buffer.from('{"version":"1"}');
    const now = Math.floor(Date.now() / 1000);
    const sign = (secret, ts) =>
      'v1=' + require('node:crypto').createHmac('sha256', secret).update(`${ts}.`).update(body).digest('hex');
    const headers = (secret, ts, delivery) => ({ 'x-sesame-timestamp': String(ts), 'x-sesame-signature': sign(secret, ts), 'x-sesame-delivery': delivery });
    const seen = new Set();
    check(verifySignature(host.secret, headers(host.secret, now, 'd1'), body, seen), 'a genuine request is accepted');
    check(!verifySignature(host.secret, headers(host.secret, now, 'd1'), body, seen), 'a replayed delivery is refused');
    check(!verifySignature(host.secret, headers('another secret', now, 'd2'), body, seen), 'a wrong secret is refused');
    check(!verifySignature(host.secret, headers(host.secret, now - 301, 'd3'), body, seen), 'a stale timestamp is refused');
    check(!verifySignature(host.secret, headers(host.secret, now, 'd4'), Buffer.from('{"version":"2"}'), seen), 'a changed body is refused');
    const res = await fetch(`${host.url}/seed003/DefineAuthChallenge`, { method: 'POST', body, signal: AbortSignal.timeout(5000) });
    eq(res.status, 401, 'HTTP status of an unsigned request');
  });
}
