// Scenarios driven through amazon-cognito-identity-js, the way the passwordless React tutorials use it.
//
// Notes on the library (6.3.21) in Node 20:
// - it requires isomorphic-unfetch, which uses Node's global fetch: no polyfill needed;
// - without window.localStorage it falls back to a module-wide MemoryStorage; each test passes its own
//   Storage so that LastAuthUser and cached tokens do not leak between tests;
// - CognitoUserPool.signUp does not check the password: it sends whatever it is given, so
//   signUp(phone, null, ...) puts `"Password": null` on the wire (and `"ValidationData": null` when the
//   README's `null` is passed for validation data). Both variants are tested below;
// - CognitoUser.initiateAuth / sendCustomChallengeAnswer send the username the app typed (the phone
//   number, an alias) as USERNAME, never ChallengeParameters.USERNAME.

import { randomBytes } from 'node:crypto';
import cognito from 'amazon-cognito-identity-js';
import { TestStorage } from '../lib/test-storage.mjs';
import {
  CLIENT_ID,
  POOL_ID,
  UUID_RE,
  attrMap,
  check,
  checkIdClaims,
  eq,
  isNonEmptyString,
  outboxWatch,
  sdkConfirmedUser,
  show,
  uniquePhone,
  verifyToken,
  wrongCode,
} from '../lib/cognito.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;


function newPool(env) {
  const Storage = new TestStorage();
  const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${env.apiUrl}/`, Storage });
  return { pool, Storage };
}

function libError(e) {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.code && !err.message.startsWith(err.code)) err.message = `${err.code}: ${err.message}`;
  return err;
}

const callback = (resolve, reject) => (err, data) => (err ? reject(libError(err)) : resolve(data));

/**
 * The tutorial's sign-in: initiateAuth with CUSTOM_AUTH; customChallenge answers with the code the
 * "user" reads (here: from the dev outbox); answers[i] may replace the i-th answer (e.g. a wrong code).
 * Resolves { session, challenges: [params...] }.
 */
function tutorialSignIn(env, { pool, Storage }, phone, { wrongFirst = 0 } = {}) {
  return new Promise(async (resolve, reject) => {
    try {
      const watch = await outboxWatch(env, phone, 'SMS');
      const user = new CognitoUser({ Username: phone, Pool: pool, Storage });
      user.setAuthenticationFlowType('CUSTOM_AUTH');
      const challenges = [];
      let code = null;
      const callbacks = {
        onSuccess: (session) => resolve({ session, challenges, user }),
        onFailure: (err) => reject(libError(err)),
        customChallenge: (params) => {
          challenges.push(params);
          (async () => {
            if (!code) code = (await watch.next('initiateAuth')).code;
            const answer = challenges.length <= wrongFirst ? wrongCode(code) : code;
            user.sendCustomChallengeAnswer(answer, callbacks);
          })().catch(reject);
        },
      };
      user.initiateAuth(new AuthenticationDetails({ Username: phone }), callbacks);
    } catch (e) {
      reject(e);
    }
  });
}

function checkLibSession(session, what) {
  check(session && typeof session.isValid === 'function', `${what}: no CognitoUserSession`);
  check(session.isValid(), `${what}: CognitoUserSession.isValid() is false`);
  const username = session.getIdToken().payload['cognito:username'];
  check(isNonEmptyString(username), `${what}: getIdToken().payload['cognito:username'] is not set`);
  check(UUID_RE.test(username), `${what}: cognito:username should be the internal UUID, got ${show(username)}`);
  eq(session.getAccessToken().payload.username, username, `${what}: access token username`);
  check(isNonEmptyString(session.getRefreshToken().getToken()), `${what}: no refresh token`);
  return username;
}

export function registerLegacyTests(test, env) {
  test('cognito-identity-js: CUSTOM_AUTH sign-in as in the React tutorial, refreshSession, getUserAttributes', async () => {
    const phone = uniquePhone();
    const u = await sdkConfirmedUser(env, { phone });
    const lib = newPool(env);
    const { session, challenges, user } = await tutorialSignIn(env, lib, phone);
    eq(challenges.length, 1, 'number of customChallenge callbacks');
    eq(challenges[0].CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS', 'customChallenge CODE_DELIVERY_DELIVERY_MEDIUM');
    const username = checkLibSession(session, 'sign-in');
    const id = await verifyToken(env, session.getIdToken().getJwtToken(), 'id');
    checkIdClaims(id.payload, { username, sub: u.sub, phone });

    const refreshed = await new Promise((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), callback(resolve, reject)),
    );
    eq(checkLibSession(refreshed, 'refreshSession'), username, 'cognito:username after refreshSession');
    check(
      refreshed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken(),
      'refreshSession returned the same access token',
    );
    await verifyToken(env, refreshed.getAccessToken().getJwtToken(), 'access');

    const attrs = await new Promise((resolve, reject) => user.getUserAttributes(callback(resolve, reject)));
    const a = attrMap(attrs.map((x) => ({ Name: x.getName(), Value: x.getValue() })));
    eq(a.sub, u.sub, 'getUserAttributes sub');
    eq(a.phone_number, phone, 'getUserAttributes phone_number');
    eq(a.phone_number_verified, 'true', 'getUserAttributes phone_number_verified');
  });

  test('cognito-identity-js: a wrong answer gives customChallenge again, the right one then succeeds', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { session, challenges } = await tutorialSignIn(env, newPool(env), phone, { wrongFirst: 1 });
    eq(challenges.length, 2, 'number of customChallenge callbacks (initial + after the wrong answer)');
    checkLibSession(session, 'sign-in after a wrong answer');
  });

  test('cognito-identity-js: signUp with a null password (sends "Password": null), confirmRegistration, sign in', async () => {
    const phone = uniquePhone();
    const lib = newPool(env);
    const watch = await outboxWatch(env, phone, 'SMS');
    const attributes = [new CognitoUserAttribute({ Name: 'phone_number', Value: phone })];
    const result = await new Promise((resolve, reject) =>
      lib.pool.signUp(phone, null, attributes, null, callback(resolve, reject)),
    );
    eq(result.userConfirmed, false, 'signUp userConfirmed');
    check(isNonEmptyString(result.userSub), 'signUp userSub missing');
    eq(result.codeDeliveryDetails?.DeliveryMedium, 'SMS', 'signUp codeDeliveryDetails.DeliveryMedium');
    const msg = await watch.next('signUp');
    const confirmed = await new Promise((resolve, reject) =>
      result.user.confirmRegistration(msg.code, true, callback(resolve, reject)),
    );
    eq(confirmed, 'SUCCESS', 'confirmRegistration result');
    const { session } = await tutorialSignIn(env, lib, phone);
    checkLibSession(session, 'sign-in after a null-password sign-up');
  });

  test('cognito-identity-js: signUp with a random strong password (the tutorial workaround) still signs in by code', async () => {
    const phone = uniquePhone();
    const lib = newPool(env);
    const watch = await outboxWatch(env, phone, 'SMS');
    const password = `Aa1!${randomBytes(16).toString('hex')}`;
    const attributes = [new CognitoUserAttribute({ Name: 'phone_number', Value: phone })];
    const result = await new Promise((resolve, reject) =>
      lib.pool.signUp(phone, password, attributes, null, callback(resolve, reject)),
    );
    eq(result.userConfirmed, false, 'signUp userConfirmed');
    const msg = await watch.next('signUp');
    await new Promise((resolve, reject) => result.user.confirmRegistration(msg.code, true, callback(resolve, reject)));
    const { session } = await tutorialSignIn(env, lib, phone);
    checkLibSession(session, 'sign-in after a password sign-up');
  });
}
