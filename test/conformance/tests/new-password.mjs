// A user an administrator created with a temporary password signs in and chooses a new one: Amplify v6
// (CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED, over its default USER_SRP_AUTH) and amazon-cognito-identity-js
// (newPasswordRequired → completeNewPasswordChallenge), then AdminSetUserPassword through the SDK v3.

import { confirmSignIn, fetchAuthSession, signIn } from 'aws-amplify/auth';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import cognito from 'amazon-cognito-identity-js';
import { TestStorage } from '../lib/test-storage.mjs';
import { CLIENT_ID, POOL_ID, check, eq, newSdkClient, show, uniqueEmail } from '../lib/cognito.mjs';
import { configureAmplify, quietSignOut } from './account.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;
const TEMPORARY = 'Temporary-pass-1';
const CHOSEN = 'Chosen-by-the-user-7';

export function registerNewPasswordTests(test, env) {
  // Signed admin calls go straight to Sesame: the recording proxy rewrites Host, which SigV4 signs.
  const admin = newSdkClient(env.serverUrl);

  async function invited() {
    const email = uniqueEmail();
    await admin.send(new AdminCreateUserCommand({
      UserPoolId: POOL_ID, Username: email, TemporaryPassword: TEMPORARY, MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
    }));
    return email;
  }

  const status = async (email) => (await admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: email }))).UserStatus;

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
}
