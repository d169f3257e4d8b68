// Refresh, sign-out, revocation, account self-service and Admin* account operations, driven through
// aws-amplify v6 (userPoolEndpoint), amazon-cognito-identity-js and the AWS SDK v3.
//
// Notes:
// - Amplify swallows every error of signOut() (it must never throw), so each sign-out is proven afterwards:
//   the old access token is refused by GetUser, or the old refresh token by GetTokensFromRefreshToken.
// - Amplify 6.22 refreshes with GetTokensFromRefreshToken; the test records the X-Amz-Target of every call
//   Amplify makes (by wrapping the global fetch it uses) to show that path was taken.
// - Admin* calls are signed (SigV4) for the host they reach, so the admin client talks to Sesame directly,
//   not through the recording proxy, which rewrites Host.

import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmUserAttribute,
  fetchAuthSession,
  fetchUserAttributes,
  signIn,
  signOut,
  updateUserAttributes,
} from 'aws-amplify/auth';
import cognito from 'amazon-cognito-identity-js';
import { TestStorage } from '../lib/test-storage.mjs';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CLIENT_ID,
  POOL_ID,
  attrMap,
  check,
  eq,
  expectError,
  isNonEmptyString,
  newSdkClient,
  outboxWatch,
  sdkConfirmedUser,
  sdkSignIn,
  show,
  uniqueEmail,
  uniquePhone,
} from '../lib/cognito.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

export function configureAmplify(env) {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: POOL_ID,
        userPoolClientId: CLIENT_ID,
        userPoolEndpoint: `${env.apiUrl}/`,
        loginWith: { phone: true, email: true },
      },
    },
  });
}

/** Records the Cognito operation of every request made through the global fetch until restore(). */
function recordTargets() {
  const original = globalThis.fetch;
  const targets = [];
  globalThis.fetch = (input, init) => {
    const h = init?.headers;
    const t = h && (typeof h.get === 'function' ? h.get('x-amz-target') : h['x-amz-target'] ?? h['X-Amz-Target']);
    if (t) targets.push(String(t).replace(/^AWSCognitoIdentityProviderService\./, ''));
    return original(input, init);
  };
  return { targets, restore: () => (globalThis.fetch = original) };
}

export async function amplifySignIn(env, phone) {
  const watch = await outboxWatch(env, phone, 'SMS');
  const start = await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  eq(start.nextStep?.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', 'signIn nextStep.signInStep');
  const done = await confirmSignIn({ challengeResponse: (await watch.next('signIn')).code });
  eq(done.isSignedIn, true, 'confirmSignIn isSignedIn');
  const { tokens } = await fetchAuthSession();
  check(tokens?.accessToken, 'fetchAuthSession after sign-in has no access token');
  return tokens;
}

export async function quietSignOut() {
  try {
    await signOut();
  } catch {
    /* never throws, by design */
  }
}


function libError(e) {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err.code && !err.name?.endsWith('Exception')) err.name = err.code;
  return err;
}

/** The React tutorial's CUSTOM_AUTH sign-in with amazon-cognito-identity-js; resolves { user, session }. */
export function legacySignIn(env, phone) {
  const Storage = new TestStorage();
  const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${env.apiUrl}/`, Storage });
  const user = new CognitoUser({ Username: phone, Pool: pool, Storage });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  return new Promise(async (resolve, reject) => {
    try {
      const watch = await outboxWatch(env, phone, 'SMS');
      const callbacks = {
        onSuccess: (session) => resolve({ user, session }),
        onFailure: (err) => reject(libError(err)),
        customChallenge: () => {
          watch.next('initiateAuth').then((m) => user.sendCustomChallengeAnswer(m.code, callbacks), reject);
        },
      };
      user.initiateAuth(new AuthenticationDetails({ Username: phone }), callbacks);
    } catch (e) {
      reject(e);
    }
  });
}

const settle = (resolve, reject) => (err, data) => (err ? reject(libError(err)) : resolve(data));

export function registerAccountTests(test, env) {
  const { sdk } = env;
  // Signed admin calls go straight to Sesame (see the note at the top).
  const admin = newSdkClient(env.serverUrl);

  test('amplify: CUSTOM_WITHOUT_SRP sign-in, fetchAuthSession({forceRefresh}) via GetTokensFromRefreshToken, fetchUserAttributes', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const u = await sdkConfirmedUser(env, { phone });
    await quietSignOut();
    const rec = recordTargets();
    try {
      const before = await amplifySignIn(env, phone);
      const refreshed = await fetchAuthSession({ forceRefresh: true });
      check(rec.targets.includes('GetTokensFromRefreshToken'), `forceRefresh did not call GetTokensFromRefreshToken (calls: ${show(rec.targets)})`);
      check(refreshed.tokens?.accessToken, 'fetchAuthSession({forceRefresh}) returned no access token');
      check(
        refreshed.tokens.accessToken.toString() !== before.accessToken.toString(),
        'forceRefresh returned the same access token',
      );
      eq(refreshed.tokens.accessToken.payload.origin_jti, before.accessToken.payload.origin_jti, 'origin_jti across the refresh');
      eq(refreshed.userSub, u.sub, 'fetchAuthSession userSub');
      const attrs = await fetchUserAttributes();
      eq(attrs.sub, u.sub, 'fetchUserAttributes sub');
      eq(attrs.phone_number, phone, 'fetchUserAttributes phone_number');
      eq(attrs.phone_number_verified, 'true', 'fetchUserAttributes phone_number_verified');
      // The refreshed tokens are Sesame's own: GetUser accepts them.
      await sdk.send(new GetUserCommand({ AccessToken: refreshed.tokens.accessToken.toString() }));
    } finally {
      rec.restore();
      await quietSignOut();
    }
  });

  test('amplify: updateUserAttributes with a new email, confirmUserAttribute with the emailed code', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const email = uniqueEmail();
    await sdkConfirmedUser(env, { phone });
    await quietSignOut();
    try {
      await amplifySignIn(env, phone);
      const watch = await outboxWatch(env, email, 'EMAIL');
      const out = await updateUserAttributes({ userAttributes: { email, name: 'Conformance' } });
      eq(out.name?.isUpdated, true, 'updateUserAttributes name.isUpdated');
      eq(out.email?.isUpdated, false, 'updateUserAttributes email.isUpdated');
      eq(out.email?.nextStep?.updateAttributeStep, 'CONFIRM_ATTRIBUTE_WITH_CODE', 'email nextStep.updateAttributeStep');
      eq(out.email?.nextStep?.codeDeliveryDetails?.deliveryMedium, 'EMAIL', 'email nextStep.codeDeliveryDetails.deliveryMedium');
      const pending = await fetchUserAttributes();
      eq(pending.name, 'Conformance', 'name after updateUserAttributes');
      eq(pending.email, undefined, 'email before it is verified');
      await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: (await watch.next('updateUserAttributes')).code });
      const after = await fetchUserAttributes();
      eq(after.email, email, 'email after confirmUserAttribute');
      eq(after.email_verified, 'true', 'email_verified after confirmUserAttribute');
    } finally {
      await quietSignOut();
    }
  });

  test('amplify: signOut({ global: true }) then the old access token is refused; signOut() revokes the refresh token', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    await quietSignOut();
    const global = await amplifySignIn(env, phone);
    await signOut({ global: true });
    const e = await expectError(
      sdk.send(new GetUserCommand({ AccessToken: global.accessToken.toString() })),
      'NotAuthorizedException',
      'GetUser after signOut({global:true})',
    );
    eq(e.message, 'Access Token has been revoked', 'message after global sign-out');

    // Plain signOut() calls RevokeToken because Sesame's access tokens carry origin_jti.
    const rec = recordTargets();
    let local;
    try {
      local = await amplifySignIn(env, phone);
      check(isNonEmptyString(local.accessToken.payload.origin_jti), 'access token has no origin_jti');
      await signOut();
    } finally {
      rec.restore();
    }
    check(rec.targets.includes('RevokeToken'), `signOut() did not call RevokeToken (calls: ${show(rec.targets)})`);
    await expectError(
      sdk.send(new GetUserCommand({ AccessToken: local.accessToken.toString() })),
      'NotAuthorizedException',
      'GetUser after signOut() revoked the sign-in',
    );
  });

  test('cognito-identity-js: refreshSession, then globalSignOut refuses the session and its refresh token', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { user, session } = await legacySignIn(env, phone);
    const refreshed = await new Promise((resolve, reject) => user.refreshSession(session.getRefreshToken(), settle(resolve, reject)));
    check(refreshed.isValid(), 'refreshSession returned an invalid session');
    check(
      refreshed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken(),
      'refreshSession returned the same access token',
    );
    await new Promise((resolve, reject) =>
      user.globalSignOut({ onSuccess: resolve, onFailure: (err) => reject(libError(err)) }),
    );
    await expectError(
      sdk.send(new GetUserCommand({ AccessToken: refreshed.getAccessToken().getJwtToken() })),
      'NotAuthorizedException',
      'GetUser after globalSignOut',
    );
    const err = await new Promise((resolve, reject) =>
      user.refreshSession(session.getRefreshToken(), (e, s) => (e ? resolve(libError(e)) : reject(new Error(`refreshSession succeeded after globalSignOut: ${show(!!s)}`)))),
    );
    eq(err.code, 'NotAuthorizedException', 'refreshSession error code after globalSignOut');
  });

  test('sdk: RevokeToken revokes the refresh token and the access tokens of its sign-in', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { tokens } = await sdkSignIn(env, phone, 'SMS');
    const res = await sdk.send(new RevokeTokenCommand({ ClientId: CLIENT_ID, Token: tokens.RefreshToken }));
    eq(res.$metadata.httpStatusCode, 200, 'RevokeToken HTTP status');
    await expectError(sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), 'NotAuthorizedException', 'GetUser after RevokeToken');
    const e = await expectError(
      sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken })),
      'NotAuthorizedException',
      'GetTokensFromRefreshToken after RevokeToken',
    );
    eq(e.message, 'Refresh Token has been revoked', 'message');
    await expectError(
      sdk.send(new RevokeTokenCommand({ ClientId: CLIENT_ID, Token: tokens.AccessToken })),
      'UnsupportedTokenTypeException',
      'RevokeToken with an access token',
    );
  });

  test('sdk admin: AdminDisableUser refuses sign-in in every library (NotAuthorizedException), AdminEnableUser restores it', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { tokens } = await sdkSignIn(env, phone, 'SMS');
    await admin.send(new AdminDisableUserCommand({ UserPoolId: POOL_ID, Username: phone }));

    const sdkErr = await expectError(
      sdk.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: phone } })),
      'NotAuthorizedException',
      'SDK InitiateAuth of a disabled user',
    );
    eq(sdkErr.message, 'User is disabled.', 'SDK message');
    await expectError(sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), 'NotAuthorizedException', 'GetUser of a disabled user');
    await expectError(
      sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken })),
      'NotAuthorizedException',
      'refresh of a disabled user',
    );

    configureAmplify(env);
    await quietSignOut();
    let amplifyErr = null;
    try {
      await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    } catch (e) {
      amplifyErr = e;
    }
    check(amplifyErr, 'Amplify signIn of a disabled user succeeded');
    eq(amplifyErr.name, 'NotAuthorizedException', 'Amplify error name');
    eq(amplifyErr.message, 'User is disabled.', 'Amplify error message');

    const legacyErr = await legacySignIn(env, phone).then(
      () => null,
      (e) => e,
    );
    check(legacyErr, 'amazon-cognito-identity-js sign-in of a disabled user succeeded');
    eq(legacyErr.code, 'NotAuthorizedException', 'amazon-cognito-identity-js error code');

    await admin.send(new AdminEnableUserCommand({ UserPoolId: POOL_ID, Username: phone }));
    const again = await sdkSignIn(env, phone, 'SMS');
    await sdk.send(new GetUserCommand({ AccessToken: again.tokens.AccessToken }));
  });

  test('sdk admin: AdminDeleteUser removes the user; a second delete is UserNotFoundException', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { tokens } = await sdkSignIn(env, phone, 'SMS');
    const res = await admin.send(new AdminDeleteUserCommand({ UserPoolId: POOL_ID, Username: phone }));
    eq(res.$metadata.httpStatusCode, 200, 'AdminDeleteUser HTTP status');
    await expectError(sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), 'NotAuthorizedException', 'GetUser of a deleted user');
    await expectError(
      admin.send(new AdminDeleteUserCommand({ UserPoolId: POOL_ID, Username: phone })),
      'UserNotFoundException',
      'second AdminDeleteUser',
    );
    // The number is free for a new sign-up.
    const u = await sdkConfirmedUser(env, { phone });
    const user = await sdk.send(new GetUserCommand({ AccessToken: (await sdkSignIn(env, phone, 'SMS')).tokens.AccessToken }));
    eq(attrMap(user.UserAttributes).sub, u.sub, 'the new account after deletion');
  });
}
