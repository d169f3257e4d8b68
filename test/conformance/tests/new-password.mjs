// A user an administrator created with a temporary password signs in and chooses a new one: Amplify v6
// (CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED, over its default USER_SRP_AUTH) and amazon-cognito-identity-js
// (newPasswordRequired → completeNewPasswordChallenge), then AdminSetUserPassword through the SDK v3. In a pool made
// with CreateUserPool whose Schema requires given_name, both clients see it among the challenge's required attributes
// and send it with the new password (identity-js's requiredAttributes, Amplify's missingAttributes and
// confirmSignIn options.userAttributes). AdminCreateUser MessageAction RESEND through the SDK v3: a new temporary
// password (the call's, then a generated one) in a fresh invitation, the old one dead; refused once the user chose one.

import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchAuthSession, signIn } from 'aws-amplify/auth';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import cognito from 'amazon-cognito-identity-js';
import { TestStorage } from '../lib/test-storage.mjs';
import { CLIENT_ID, POOL_ID, attrMap, check, eq, expectError, newSdkClient, outboxWatch, show, uniqueEmail } from '../lib/cognito.mjs';
import { configureAmplify, quietSignOut } from './account.mjs';
import { poolWith } from './pool-policies.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;
const TEMPORARY = 'Temporary-pass-1';
const CHOSEN = 'Chosen-by-the-user-7';

export function registerNewPasswordTests(test, env) {
  // Signed admin calls go straight to Sesame: the recording proxy rewrites Host, which SigV4 signs.
  const admin = newSdkClient(env.serverUrl);

  async function invited(poolId = POOL_ID) {
    const email = uniqueEmail();
    await admin.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username: email, TemporaryPassword: TEMPORARY, MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
    }));
    return email;
  }

  const status = async (email) => (await admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: email }))).UserStatus;

  /** A pool (CreateUserPool) whose Schema requires given_name, which AdminCreateUser leaves out: the challenge asks for it. */
  const poolRequiringGivenName = () => poolWith(env, {
    UsernameAttributes: ['email'],
    Schema: [{ Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true }],
  });

  const userIn = async (poolId, email) => {
    const user = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email }));
    return { status: user.UserStatus, attributes: attrMap(user.UserAttributes) };
  };

  test('new password: Amplify v6 signIn with the temporary password, CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED, confirmSignIn', async () => {
    const email = await invited();
    configureAmplify(env);
    try {
      const start = await signIn({ username: email, password: TEMPORARY });
      eq(start.nextStep?.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED', 'signIn nextStep.signInStep');
      check(Array.isArray(start.nextStep.missingAttributes ?? []), `missingAttributes: ${show(start.nextStep)}`);
      const done = await confirmSignIn({ challengeResponse: CHOSEN });
      eq(done.isSignedIn, true, 'confirmSignIn isSignedIn');
      const { tokens } = await fetchAuthSession();
      eq(tokens?.idToken?.payload?.email, email, 'ID token email');
      eq(await status(email), 'CONFIRMED', 'UserStatus after the new password');
    } finally {
      await quietSignOut();
    }
    configureAmplify(env);
    try {
      const again = await signIn({ username: email, password: CHOSEN });
      eq(again.isSignedIn, true, 'signIn with the chosen password (SRP)');
    } finally {
      await quietSignOut();
    }
  });

  test('new password: amazon-cognito-identity-js newPasswordRequired, completeNewPasswordChallenge; AdminSetUserPassword temporary again', async () => {
    const email = await invited();
    const Storage = new TestStorage();
    const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${env.apiUrl}/`, Storage });
    const user = new CognitoUser({ Username: email, Pool: pool, Storage });
    const seen = {};
    const session = await new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: reject,
        newPasswordRequired: (userAttributes, requiredAttributes) => {
          Object.assign(seen, { userAttributes, requiredAttributes });
          user.completeNewPasswordChallenge(CHOSEN, {}, callbacks);
        },
      };
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: TEMPORARY }), callbacks);
    });
    check(session.isValid(), 'CognitoUserSession.isValid()');
    eq(seen.userAttributes?.email, email, 'newPasswordRequired userAttributes.email');
    eq(show(seen.requiredAttributes), '[]', 'newPasswordRequired requiredAttributes');

    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL_ID, Username: email, Password: TEMPORARY, Permanent: false }));
    eq(await status(email), 'FORCE_CHANGE_PASSWORD', 'UserStatus after a temporary AdminSetUserPassword');
    await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL_ID, Username: email, Password: CHOSEN, Permanent: true }));
    eq(await status(email), 'CONFIRMED', 'UserStatus after a permanent AdminSetUserPassword');
  });

  test('new password: identity-js newPasswordRequired requiredAttributes [given_name] (CreateUserPool Schema); without it refused, then sent with the password', async () => {
    const { poolId, clientId } = await poolRequiringGivenName();
    const email = await invited(poolId);
    const Storage = new TestStorage();
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${env.apiUrl}/`, Storage });
    const user = new CognitoUser({ Username: email, Pool: pool, Storage });
    const seen = {};
    let refused = null;
    const session = await new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: resolve,
        onFailure: (err) => {
          if (refused !== null || !seen.requiredAttributes) return reject(err);
          // The challenge stays open after a refused answer: the same CognitoUser answers again, with the attribute.
          refused = err;
          user.completeNewPasswordChallenge(CHOSEN, { given_name: 'Ada' }, callbacks);
        },
        newPasswordRequired: (userAttributes, requiredAttributes) => {
          Object.assign(seen, { userAttributes, requiredAttributes });
          user.completeNewPasswordChallenge(CHOSEN, {}, callbacks);
        },
      };
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: TEMPORARY }), callbacks);
    });
    eq(show(seen.requiredAttributes), '["given_name"]', 'newPasswordRequired requiredAttributes');
    eq(seen.userAttributes?.email, email, 'newPasswordRequired userAttributes.email');
    check(refused !== null, 'completeNewPasswordChallenge without given_name succeeded');
    eq(refused.code ?? refused.name, 'InvalidParameterException', 'completeNewPasswordChallenge without given_name');
    eq(refused.message, 'Invalid attributes given, given_name is missing', 'InvalidParameterException message');

    check(session.isValid(), 'CognitoUserSession.isValid()');
    eq(session.getIdToken().payload.given_name, 'Ada', 'ID token given_name');
    const stored = await userIn(poolId, email);
    eq(stored.status, 'CONFIRMED', 'UserStatus after the new password');
    eq(stored.attributes.given_name, 'Ada', 'given_name written with the password');
  });

  test('new password: Amplify v6 CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED missingAttributes [given_name], confirmSignIn options.userAttributes', async () => {
    const { poolId, clientId } = await poolRequiringGivenName();
    const email = await invited(poolId);
    Amplify.configure({ Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: `${env.apiUrl}/`, loginWith: { email: true } } } });
    try {
      const start = await signIn({ username: email, password: TEMPORARY });
      eq(start.nextStep?.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED', 'signIn nextStep.signInStep');
      eq(show(start.nextStep.missingAttributes), '["given_name"]', 'nextStep.missingAttributes');
      const done = await confirmSignIn({ challengeResponse: CHOSEN, options: { userAttributes: { given_name: 'Grace', family_name: 'Hopper' } } });
      eq(done.isSignedIn, true, 'confirmSignIn isSignedIn');
      const { tokens } = await fetchAuthSession();
      eq(tokens?.idToken?.payload?.given_name, 'Grace', 'ID token given_name');
      const stored = await userIn(poolId, email);
      eq(stored.status, 'CONFIRMED', 'UserStatus after confirmSignIn');
      eq(`${stored.attributes.given_name} ${stored.attributes.family_name}`, 'Grace Hopper', 'attributes written with the password');
    } finally {
      await quietSignOut();
    }
  });

  test('new password: SDK v3 AdminCreateUser MessageAction RESEND — the call\'s temporary password, then a generated one, each in an invitation; refused once CONFIRMED', async () => {
    const email = await invited();
    const passwordAuth = (password) => env.sdk.send(new InitiateAuthCommand({
      ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password },
    }));
    const resend = (TemporaryPassword) => admin.send(new AdminCreateUserCommand({
      UserPoolId: POOL_ID, Username: email, MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'], TemporaryPassword,
    }));

    const given = await outboxWatch(env, email, 'EMAIL');
    const resent = await resend('Resent-temporary-2');
    eq(resent.User?.UserStatus, 'FORCE_CHANGE_PASSWORD', 'RESEND User.UserStatus');
    eq(attrMap(resent.User?.Attributes).email, email, 'RESEND User.Attributes email');
    eq((await given.next('RESEND with TemporaryPassword')).code, 'Resent-temporary-2', 'the invitation carries the new temporary password');
    await expectError(passwordAuth(TEMPORARY), 'NotAuthorizedException', 'USER_PASSWORD_AUTH with the replaced temporary password');
    eq((await passwordAuth('Resent-temporary-2')).ChallengeName, 'NEW_PASSWORD_REQUIRED', 'USER_PASSWORD_AUTH with the resent one');

    const generated = await outboxWatch(env, email, 'EMAIL');
    await resend(undefined);
    const password = (await generated.next('RESEND without TemporaryPassword')).code;
    check(password.length >= 12 && password !== 'Resent-temporary-2', 'RESEND without TemporaryPassword sent no fresh generated password');
    await expectError(passwordAuth('Resent-temporary-2'), 'NotAuthorizedException', 'USER_PASSWORD_AUTH with the previous resent password');
    const challenge = await passwordAuth(password);
    eq(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED', 'USER_PASSWORD_AUTH with the generated password');
    const done = await env.sdk.send(new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session,
      ChallengeResponses: { USERNAME: challenge.ChallengeParameters.USER_ID_FOR_SRP, NEW_PASSWORD: CHOSEN },
    }));
    check(done.AuthenticationResult?.IdToken, 'NEW_PASSWORD_REQUIRED answer gave no tokens');
    eq(await status(email), 'CONFIRMED', 'UserStatus after the new password');

    const after = await outboxWatch(env, email, 'EMAIL');
    const refused = await expectError(resend('Resent-temporary-3'), 'UnsupportedUserStateException', 'RESEND of a CONFIRMED user');
    check(refused.message.startsWith('Resend not possible.'), `UnsupportedUserStateException message: ${refused.message}`);
    await after.none(1000, 'a refused RESEND');
    check((await passwordAuth(CHOSEN)).AuthenticationResult?.AccessToken, 'the chosen password stopped working after a refused RESEND');
    await expectError(admin.send(new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username: uniqueEmail(), MessageAction: 'RESEND' })),
      'UserNotFoundException', 'RESEND of an unknown user');
  });
}
