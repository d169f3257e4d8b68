// Passwords after sign-up and the account operations beside them, through the real clients:
// ForgotPassword / ConfirmForgotPassword (SDK v3, Amplify v6 resetPassword / confirmResetPassword,
// amazon-cognito-identity-js forgotPassword / confirmPassword), ChangePassword (SDK v3, Amplify v6 updatePassword,
// identity-js changePassword), AdminResetUserPassword (the next sign-in is Amplify's RESET_PASSWORD step),
// AdminConfirmSignUp, DeleteUserAttributes / AdminDeleteUserAttributes (identity-js deleteAttributes), and USER_AUTH
// with the PASSWORD and PASSWORD_SRP first factors (Amplify v6 preferredChallenge, and SELECT_CHALLENGE).
//
// Amplify is a process-wide singleton: each test signs out in `finally`, so the next one starts signed out.

import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  DeleteUserAttributesCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import cognito from 'amazon-cognito-identity-js';
import { confirmResetPassword, confirmSignIn, fetchAuthSession, resetPassword, signIn, updatePassword } from 'aws-amplify/auth';
import { TestStorage } from '../lib/test-storage.mjs';
import { CLIENT_ID, POOL_ID, attrMap, check, eq, expectError, newSdkClient, outboxWatch, show, uniqueEmail, wrongCode } from '../lib/cognito.mjs';
import { configureAmplify, quietSignOut } from './account.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const newPassword = () => `Pw-${randomBytes(12).toString('hex')}`;

export function registerPasswordRecoveryTests(test, env) {
  const { sdk } = env;
  // Signed admin calls go straight to Sesame: the recording proxy rewrites Host, which SigV4 signs.
  const admin = newSdkClient(env.serverUrl);

  /** A confirmed user with a verified email and a password, signed up through the SDK. */
  async function userWithPassword(attributes = []) {
    const email = uniqueEmail();
    const password = newPassword();
    const watch = await outboxWatch(env, email, 'EMAIL');
    await sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: email, Password: password, UserAttributes: attributes }));
    await sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: email, ConfirmationCode: (await watch.next('signUp')).code }));
    return { email, password };
  }

  const passwordAuth = (email, password) =>
    sdk.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));

  const status = async (email) => (await admin.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: email }))).UserStatus;

  function libUser(email) {
    const Storage = new TestStorage();
    const pool = new CognitoUserPool({ UserPoolId: POOL_ID, ClientId: CLIENT_ID, endpoint: `${env.apiUrl}/`, Storage });
    return new CognitoUser({ Username: email, Pool: pool, Storage });
  }

  function libSignIn(user, email, password) {
    return new Promise((resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: email, Password: password }), { onSuccess: resolve, onFailure: reject }));
  }

  test('passwords: SDK v3 ForgotPassword, ConfirmForgotPassword (wrong code, then right), sign-in with the new password; unknown user same shape', async () => {
    const { email, password } = await userWithPassword();
    const watch = await outboxWatch(env, email, 'EMAIL');
    const forgot = await sdk.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: email }));
    eq(forgot.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL', 'ForgotPassword CodeDeliveryDetails.DeliveryMedium');
    eq(forgot.CodeDeliveryDetails?.AttributeName, 'email', 'ForgotPassword CodeDeliveryDetails.AttributeName');
    const code = (await watch.next('ForgotPassword')).code;
    const chosen = newPassword();
    await expectError(
      sdk.send(new ConfirmForgotPasswordCommand({ ClientId: CLIENT_ID, Username: email, ConfirmationCode: wrongCode(code), Password: chosen })),
      'CodeMismatchException', 'ConfirmForgotPassword with a wrong code');
    await sdk.send(new ConfirmForgotPasswordCommand({ ClientId: CLIENT_ID, Username: email, ConfirmationCode: code, Password: chosen }));
    await expectError(passwordAuth(email, password), 'NotAuthorizedException', 'USER_PASSWORD_AUTH with the old password');
    check((await passwordAuth(email, chosen)).AuthenticationResult?.AccessToken, 'USER_PASSWORD_AUTH with the new password gave no tokens');

    const unknown = await sdk.send(new ForgotPasswordCommand({ ClientId: CLIENT_ID, Username: uniqueEmail() }));
    eq(Object.keys(unknown.CodeDeliveryDetails ?? {}).sort().join(','), 'AttributeName,DeliveryMedium,Destination', 'unknown user CodeDeliveryDetails members');
  });

  test('passwords: Amplify v6 resetPassword, confirmResetPassword, then signIn (SRP) with the new password', async () => {
    const { email } = await userWithPassword();
    configureAmplify(env);
    await quietSignOut();
    const watch = await outboxWatch(env, email, 'EMAIL');
    const reset = await resetPassword({ username: email });
    eq(reset.isPasswordReset, false, 'resetPassword isPasswordReset');
    eq(reset.nextStep?.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE', 'resetPassword nextStep.resetPasswordStep');
    eq(reset.nextStep?.codeDeliveryDetails?.deliveryMedium, 'EMAIL', 'resetPassword codeDeliveryDetails.deliveryMedium');
    const chosen = newPassword();
    await confirmResetPassword({ username: email, confirmationCode: (await watch.next('resetPassword')).code, newPassword: chosen });
    try {
      const done = await signIn({ username: email, password: chosen });
      eq(done.isSignedIn, true, 'signIn with the new password');
    } finally {
      await quietSignOut();
    }
  });

  test('passwords: amazon-cognito-identity-js forgotPassword (inputVerificationCode), confirmPassword, changePassword', async () => {
    const { email } = await userWithPassword();
    const watch = await outboxWatch(env, email, 'EMAIL');
    const user = libUser(email);
    const details = await new Promise((resolve, reject) => user.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }));
    eq(details?.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL', 'forgotPassword CodeDeliveryDetails.DeliveryMedium');
    const chosen = newPassword();
    const code = (await watch.next('forgotPassword')).code;
    await new Promise((resolve, reject) => user.confirmPassword(code, chosen, { onSuccess: resolve, onFailure: reject }));

    const session = await libSignIn(user, email, chosen);
    check(session.isValid(), 'signed in with the reset password');
    const wrong = await new Promise((resolve) => user.changePassword('not-the-password-1', newPassword(), (err) => resolve(err)));
    eq(wrong?.code ?? wrong?.name, 'NotAuthorizedException', 'changePassword with a wrong old password');
    const next = newPassword();
    await new Promise((resolve, reject) => user.changePassword(chosen, next, (err, result) => (err ? reject(err) : resolve(result))));
    check((await passwordAuth(email, next)).AuthenticationResult, 'USER_PASSWORD_AUTH after changePassword gave no tokens');
  });

  test('passwords: SDK v3 ChangePassword (wrong previous, too short, right) and Amplify v6 updatePassword', async () => {
    const { email, password } = await userWithPassword();
    const tokens = (await passwordAuth(email, password)).AuthenticationResult;
    await expectError(
      sdk.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: 'Wrong-password-1', ProposedPassword: newPassword() })),
      'NotAuthorizedException', 'ChangePassword with a wrong PreviousPassword');
    await expectError(
      sdk.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: password, ProposedPassword: 'short' })),
      'InvalidPasswordException', 'ChangePassword with a password under the policy');
    const changed = newPassword();
    await sdk.send(new ChangePasswordCommand({ AccessToken: tokens.AccessToken, PreviousPassword: password, ProposedPassword: changed }));

    configureAmplify(env);
    await quietSignOut();
    try {
      eq((await signIn({ username: email, password: changed })).isSignedIn, true, 'Amplify signIn after ChangePassword');
      const updated = newPassword();
      await updatePassword({ oldPassword: changed, newPassword: updated });
      check((await passwordAuth(email, updated)).AuthenticationResult, 'USER_PASSWORD_AUTH after updatePassword gave no tokens');
    } finally {
      await quietSignOut();
    }
  });

  test('passwords: AdminResetUserPassword, then SDK PasswordResetRequiredException, Amplify signIn RESET_PASSWORD, confirmResetPassword', async () => {
    const { email, password } = await userWithPassword();
    const watch = await outboxWatch(env, email, 'EMAIL');
    await admin.send(new AdminResetUserPasswordCommand({ UserPoolId: POOL_ID, Username: email }));
    eq(await status(email), 'RESET_REQUIRED', 'UserStatus after AdminResetUserPassword');
    const code = (await watch.next('AdminResetUserPassword')).code;
    await expectError(passwordAuth(email, password), 'PasswordResetRequiredException', 'USER_PASSWORD_AUTH of a RESET_REQUIRED user');

    configureAmplify(env);
    await quietSignOut();
    try {
      const start = await signIn({ username: email, password });
      eq(start.nextStep?.signInStep, 'RESET_PASSWORD', 'Amplify signIn nextStep.signInStep of a RESET_REQUIRED user');
      const chosen = newPassword();
      await confirmResetPassword({ username: email, confirmationCode: code, newPassword: chosen });
      eq(await status(email), 'CONFIRMED', 'UserStatus after confirmResetPassword');
      eq((await signIn({ username: email, password: chosen })).isSignedIn, true, 'signIn after the reset');
    } finally {
      await quietSignOut();
    }
  });

  test('accounts: SDK v3 AdminConfirmSignUp; DeleteUserAttributes, AdminDeleteUserAttributes; identity-js deleteAttributes', async () => {
    const email = uniqueEmail();
    const password = newPassword();
    await sdk.send(new SignUpCommand({
      ClientId: CLIENT_ID, Username: email, Password: password,
      UserAttributes: [{ Name: 'name', Value: 'Ada' }, { Name: 'nickname', Value: 'ada' }, { Name: 'given_name', Value: 'Ada' }],
    }));
    eq(await status(email), 'UNCONFIRMED', 'UserStatus after SignUp');
    await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: POOL_ID, Username: email }));
    eq(await status(email), 'CONFIRMED', 'UserStatus after AdminConfirmSignUp');
    await expectError(admin.send(new AdminConfirmSignUpCommand({ UserPoolId: POOL_ID, Username: email })), 'NotAuthorizedException', 'AdminConfirmSignUp twice');

    const tokens = (await passwordAuth(email, password)).AuthenticationResult;
    await sdk.send(new DeleteUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributeNames: ['name'] }));
    await admin.send(new AdminDeleteUserAttributesCommand({ UserPoolId: POOL_ID, Username: email, UserAttributeNames: ['nickname'] }));
    await expectError(
      sdk.send(new DeleteUserAttributesCommand({ AccessToken: tokens.AccessToken, UserAttributeNames: ['email'] })),
      'InvalidParameterException', 'DeleteUserAttributes of the only username attribute');
    const user = libUser(email);
    await libSignIn(user, email, password);
    await new Promise((resolve, reject) => user.deleteAttributes(['given_name'], (err, result) => (err ? reject(err) : resolve(result))));
    const left = attrMap((await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).UserAttributes);
    check(!('name' in left) && !('nickname' in left) && !('given_name' in left), `attributes left: ${show(Object.keys(left))}`);
    eq(left.email, email, 'email kept');
  });

  test('USER_AUTH: Amplify v6 preferredChallenge PASSWORD_SRP and PASSWORD; SDK v3 SELECT_CHALLENGE offers and takes PASSWORD', async () => {
    const { email, password } = await userWithPassword();
    configureAmplify(env);
    for (const preferredChallenge of ['PASSWORD_SRP', 'PASSWORD']) {
      await quietSignOut();
      try {
        const done = await signIn({ username: email, password, options: { authFlowType: 'USER_AUTH', preferredChallenge } });
        eq(done.isSignedIn, true, `signIn USER_AUTH ${preferredChallenge} isSignedIn`);
        const { tokens } = await fetchAuthSession();
        eq(tokens?.idToken?.payload?.email, email, `ID token email after ${preferredChallenge}`);
      } finally {
        await quietSignOut();
      }
    }

    await quietSignOut();
    try {
      const start = await signIn({ username: email, options: { authFlowType: 'USER_AUTH' } });
      eq(start.nextStep?.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', 'signIn USER_AUTH without a preference');
      check(start.nextStep.availableChallenges?.includes('PASSWORD_SRP'), `availableChallenges: ${show(start.nextStep.availableChallenges)}`);
      const asked = await confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
      eq(asked.nextStep?.signInStep, 'CONFIRM_SIGN_IN_WITH_PASSWORD', 'confirmSignIn PASSWORD_SRP nextStep');
      eq((await confirmSignIn({ challengeResponse: password })).isSignedIn, true, 'confirmSignIn with the password');
    } finally {
      await quietSignOut();
    }

    const select = await sdk.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: email } }));
    eq(select.ChallengeName, 'SELECT_CHALLENGE', 'InitiateAuth USER_AUTH ChallengeName');
    check(select.AvailableChallenges?.includes('PASSWORD'), `AvailableChallenges: ${show(select.AvailableChallenges)}`);
    const done = await sdk.send(new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID, ChallengeName: 'SELECT_CHALLENGE', Session: select.Session,
      ChallengeResponses: { USERNAME: email, ANSWER: 'PASSWORD', PASSWORD: password },
    }));
    check(done.AuthenticationResult?.IdToken, 'SELECT_CHALLENGE PASSWORD gave no tokens');
  });
}
