// Password sign-in through the real clients: Amplify JS v6 (its default USER_SRP_AUTH and USER_PASSWORD_AUTH)
// and amazon-cognito-identity-js (authenticateUser, SRP by default). Each library computes SRP itself, so these
// tests prove Sesame's SRP-6a against the clients' own math, timestamp format and SECRET_BLOCK handling.
//
// Amplify is a process-wide singleton: each test signs out in `finally`, so the next one starts signed out.

import { randomBytes } from 'node:crypto';
import cognito from 'amazon-cognito-identity-js';
import { TestStorage } from '../lib/test-storage.mjs';
import { Amplify } from 'aws-amplify';
import { confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import {
  CLIENT_ID,
  POOL_ID,
  UUID_RE,
  check,
  checkIdClaims,
  eq,
  expectError,
  isNonEmptyString,
  outboxWatch,
  show,
  uniquePhone,
  verifyToken,
} from '../lib/cognito.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const newPassword = () => `Pw-${randomBytes(12).toString('hex')}`;

let configuredFor = null;
function configureAmplify(env) {
  // Once per run: Amplify warns about the custom endpoint on every configure.
  if (configuredFor === env.apiUrl) return;
  configuredFor = env.apiUrl;
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

/** Amplify signUp with a password, then confirmSignUp with the code from the dev outbox. Returns the sub. */
async function amplifySignUp(env, phone, password) {
  const watch = await outboxWatch(env, phone, 'SMS');
  const result = await signUp({ username: phone, password, options: { userAttributes: { phone_number: phone } } });
  eq(result.isSignUpComplete, false, 'signUp isSignUpComplete');
  eq(result.nextStep?.signUpStep, 'CONFIRM_SIGN_UP', 'signUp nextStep.signUpStep');
  check(isNonEmptyString(result.userId), `signUp userId missing (${show(result.userId)})`);
  const message = await watch.next('signUp');
  const confirmed = await confirmSignUp({ username: phone, confirmationCode: message.code });
  eq(confirmed.isSignUpComplete, true, 'confirmSignUp isSignUpComplete');
  return result.userId;
}

async function checkAmplifySignedIn(env, result, { sub, phone, what }) {
  eq(result.isSignedIn, true, `${what}: isSignedIn`);
  eq(result.nextStep?.signInStep, 'DONE', `${what}: nextStep.signInStep`);
  const { tokens } = await fetchAuthSession();
  check(tokens?.idToken && tokens?.accessToken, `${what}: fetchAuthSession has no tokens`);
  const id = await verifyToken(env, tokens.idToken.toString(), 'id');
  checkIdClaims(id.payload, { username: id.payload['cognito:username'], sub, phone });
  check(UUID_RE.test(id.payload['cognito:username']), `${what}: cognito:username should be the internal UUID`);
  await verifyToken(env, tokens.accessToken.toString(), 'access');
}


/** amazon-cognito-identity-js authenticateUser; resolves the CognitoUserSession, rejects with the library's error. */
function libAuthenticate(env, username, password, flow) {
  const Storage = new TestStorage();
  const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${env.apiUrl}/`, Storage });
  const user = new CognitoUser({ Username: username, Pool: pool, Storage });
  if (flow) user.setAuthenticationFlowType(flow);
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve(session),
      onFailure: (err) => reject(err),
      newPasswordRequired: () => reject(new Error('unexpected newPasswordRequired')),
      mfaRequired: () => reject(new Error('unexpected mfaRequired')),
      customChallenge: () => reject(new Error('unexpected customChallenge')),
    });
  });
}

export function registerPasswordTests(test, env) {
  test('Amplify_SignUpWithPasswordThenDefaultSignIn_SignedInOverUserSrpAuth', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    const sub = await amplifySignUp(env, phone, password);
    try {
      // No authFlowType: Amplify's default is USER_SRP_AUTH.
      const result = await signIn({ username: phone, password });
      await checkAmplifySignedIn(env, result, { sub, phone, what: 'signIn (USER_SRP_AUTH)' });
    } finally {
      await signOut();
    }
  });

  test('Amplify_UserPasswordAuthFlow_SignedIn', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    const sub = await amplifySignUp(env, phone, password);
    try {
      const result = await signIn({ username: phone, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
      await checkAmplifySignedIn(env, result, { sub, phone, what: 'signIn (USER_PASSWORD_AUTH)' });
    } finally {
      await signOut();
    }
  });

  test('Amplify_WrongPasswordOrUnknownUser_NotAuthorizedExceptionInBothFlows', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    await amplifySignUp(env, phone, password);
    try {
      for (const authFlowType of ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH']) {
        const wrong = await expectError(
          () => signIn({ username: phone, password: `${password}x`, options: { authFlowType } }),
          'NotAuthorizedException',
          `signIn ${authFlowType} with a wrong password`,
        );
        eq(wrong.message, 'Incorrect username or password.', `${authFlowType} wrong-password message`);
        const unknown = await expectError(
          () => signIn({ username: uniquePhone(), password, options: { authFlowType } }),
          'NotAuthorizedException',
          `signIn ${authFlowType} as an unknown user`,
        );
        eq(unknown.message, wrong.message, `${authFlowType}: unknown user and wrong password answer alike`);
      }
    } finally {
      await signOut();
    }
  });

  test('Amplify_UnconfirmedUserRightPassword_NextStepConfirmSignUp', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    const watch = await outboxWatch(env, phone, 'SMS');
    await signUp({ username: phone, password, options: { userAttributes: { phone_number: phone } } });
    await watch.next('signUp');
    try {
      // Sesame answers UserNotConfirmedException only once the password is right; Amplify turns it into a next step.
      await expectError(() => signIn({ username: phone, password: `${password}x` }), 'NotAuthorizedException', 'signIn, unconfirmed, wrong password');
      const result = await signIn({ username: phone, password });
      eq(result.isSignedIn, false, 'signIn (unconfirmed) isSignedIn');
      eq(result.nextStep?.signInStep, 'CONFIRM_SIGN_UP', 'signIn (unconfirmed) nextStep.signInStep');
    } finally {
      await signOut();
    }
  });

  test('CognitoIdentityJs_AuthenticateUserWithSrp_SessionForTheUser', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    const sub = await amplifySignUp(env, phone, password);
    const session = await libAuthenticate(env, phone, password);
    check(session.isValid(), 'authenticateUser: CognitoUserSession.isValid() is false');
    const id = await verifyToken(env, session.getIdToken().getJwtToken(), 'id');
    eq(id.payload.sub, sub, 'ID token sub');
    check(UUID_RE.test(id.payload['cognito:username']), 'cognito:username should be the internal UUID (USER_ID_FOR_SRP)');
  });

  test('CognitoIdentityJs_AuthenticateUserWithPlainPassword_SessionForTheUser', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    const sub = await amplifySignUp(env, phone, password);
    const session = await libAuthenticate(env, phone, password, 'USER_PASSWORD_AUTH');
    check(session.isValid(), 'authenticateUser (USER_PASSWORD_AUTH): session not valid');
    eq(session.getIdToken().payload.sub, sub, 'ID token sub');
  });

  test('CognitoIdentityJs_WrongPasswordOrPasswordlessUser_NotAuthorizedException', async () => {
    configureAmplify(env);
    const phone = uniquePhone();
    const password = newPassword();
    await amplifySignUp(env, phone, password);
    const wrong = await expectError(() => libAuthenticate(env, phone, `${password}x`), 'NotAuthorizedException', 'authenticateUser, wrong password');
    eq(wrong.message, 'Incorrect username or password.', 'wrong-password message');
    // A user who signed up without a password has nothing SRP could match.
    const passwordless = uniquePhone();
    const watch = await outboxWatch(env, passwordless, 'SMS');
    await signUp({ username: passwordless, options: { userAttributes: { phone_number: passwordless } } });
    await confirmSignUp({ username: passwordless, confirmationCode: (await watch.next('signUp')).code });
    await expectError(() => libAuthenticate(env, passwordless, password), 'NotAuthorizedException', 'authenticateUser, passwordless user');
  });
}
