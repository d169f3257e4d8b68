// aws-amplify v6 in Node against Sesame with `userPoolEndpoint`: native passwordless (USER_AUTH with SMS_OTP,
// EMAIL_OTP and the first-factor selection), auto sign-in after sign-up, and CUSTOM_WITHOUT_SRP.

import { Amplify } from 'aws-amplify';
import {
  autoSignIn, confirmSignIn, confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp,
} from 'aws-amplify/auth';
import { ConsoleLogger } from 'aws-amplify/utils';
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CLIENT_ID, POOL_ID, check, eq, expectError, outboxWatch, sdkConfirmedUser, uniqueEmail, uniquePhone, verifyToken, wrongCode,
} from '../lib/cognito.mjs';

// Amplify warns on every configure that the endpoint is custom; that is the point here.
ConsoleLogger.LOG_LEVEL = 'ERROR';

function configure(env) {
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

async function fresh(env) {
  configure(env);
  await signOut().catch(() => {});
}

async function expectSignedIn(env, what) {
  const session = await fetchAuthSession();
  check(session.tokens?.accessToken, `${what}: fetchAuthSession has no access token`);
  await verifyToken(env, session.tokens.accessToken.toString(), 'access');
  const user = await getCurrentUser();
  check(typeof user.username === 'string' && user.username.length > 0, `${what}: getCurrentUser has no username`);
  await signOut();
}

export function registerAmplifyUserAuthTests(test, env) {
  test('amplify: USER_AUTH with SMS_OTP signs in with the code from the SMS', async () => {
    await fresh(env);
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const watch = await outboxWatch(env, phone, 'SMS');
    const result = await signIn({ username: phone, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' } });
    eq(result.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE', 'signIn nextStep');
    eq(result.nextStep.codeDeliveryDetails?.deliveryMedium, 'SMS', 'codeDeliveryDetails.deliveryMedium');
    const message = await watch.next('USER_AUTH SMS_OTP');
    const done = await confirmSignIn({ challengeResponse: message.code });
    eq(done.isSignedIn, true, 'confirmSignIn isSignedIn');
    eq(done.nextStep.signInStep, 'DONE', 'confirmSignIn nextStep');
    await expectSignedIn(env, 'SMS_OTP');
  });

  test('amplify: USER_AUTH with EMAIL_OTP signs in with the code from the email', async () => {
    await fresh(env);
    const email = uniqueEmail();
    await sdkConfirmedUser(env, { email });
    const watch = await outboxWatch(env, email, 'EMAIL');
    const result = await signIn({ username: email, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' } });
    eq(result.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE', 'signIn nextStep');
    const message = await watch.next('USER_AUTH EMAIL_OTP');
    eq((await confirmSignIn({ challengeResponse: message.code })).isSignedIn, true, 'confirmSignIn isSignedIn');
    await expectSignedIn(env, 'EMAIL_OTP');
  });

  test('amplify: USER_AUTH without a preference offers the first-factor selection', async () => {
    await fresh(env);
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const result = await signIn({ username: phone, options: { authFlowType: 'USER_AUTH' } });
    eq(result.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', 'signIn nextStep');
    check(result.nextStep.availableChallenges?.includes('SMS_OTP'), `availableChallenges lacks SMS_OTP: ${result.nextStep.availableChallenges}`);
    const watch = await outboxWatch(env, phone, 'SMS');
    const chosen = await confirmSignIn({ challengeResponse: 'SMS_OTP' });
    eq(chosen.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE', 'after choosing SMS_OTP');
    const message = await watch.next('selected SMS_OTP');
    eq((await confirmSignIn({ challengeResponse: message.code })).isSignedIn, true, 'confirmSignIn isSignedIn');
    await expectSignedIn(env, 'selection');
  });

  test('amplify: a wrong SMS_OTP code throws CodeMismatchException and the right one still signs in', async () => {
    await fresh(env);
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const watch = await outboxWatch(env, phone, 'SMS');
    await signIn({ username: phone, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' } });
    const message = await watch.next('USER_AUTH SMS_OTP');
    await expectError(() => confirmSignIn({ challengeResponse: wrongCode(message.code) }), 'CodeMismatchException', 'wrong code');
    eq((await confirmSignIn({ challengeResponse: message.code })).isSignedIn, true, 'right code after a wrong one');
    await signOut();
  });

  test('amplify: signUp without password, confirmSignUp, autoSignIn with USER_AUTH: one SMS in all', async () => {
    await fresh(env);
    const phone = uniquePhone();
    const watch = await outboxWatch(env, phone, 'SMS');
    const up = await signUp({
      username: phone,
      options: { userAttributes: { phone_number: phone }, autoSignIn: { authFlowType: 'USER_AUTH' } },
    });
    eq(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP', 'signUp nextStep');
    const message = await watch.next('signUp');
    const confirmed = await confirmSignUp({ username: phone, confirmationCode: message.code });
    eq(confirmed.nextStep.signUpStep, 'COMPLETE_AUTO_SIGN_IN', 'confirmSignUp nextStep');
    const signedIn = await autoSignIn();
    eq(signedIn.isSignedIn, true, 'autoSignIn isSignedIn');
    const after = await outboxWatch(env, phone, 'SMS');
    eq(after.before, 1, 'messages sent for sign-up plus sign-in');
    await expectSignedIn(env, 'autoSignIn');
  });

  test('amplify: CUSTOM_WITHOUT_SRP signs in through the custom challenge', async () => {
    await fresh(env);
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const watch = await outboxWatch(env, phone, 'SMS');
    const result = await signIn({ username: phone, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    eq(result.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', 'signIn nextStep');
    eq(result.nextStep.additionalInfo?.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS', 'additionalInfo.CODE_DELIVERY_DELIVERY_MEDIUM');
    const message = await watch.next('CUSTOM_WITHOUT_SRP');
    eq((await confirmSignIn({ challengeResponse: message.code })).isSignedIn, true, 'confirmSignIn isSignedIn');
    await expectSignedIn(env, 'CUSTOM_WITHOUT_SRP');
  });

  test('amplify: CUSTOM_WITH_SRP checks the password (SRP) and then the code', async () => {
    await fresh(env);
    const phone = uniquePhone();
    const password = 'Correct-Horse-42';
    const signUpWatch = await outboxWatch(env, phone, 'SMS');
    await env.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone, Password: password }));
    const confirmation = await signUpWatch.next('SignUp');
    await env.sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: phone, ConfirmationCode: confirmation.code }));

    const watch = await outboxWatch(env, phone, 'SMS');
    const result = await signIn({ username: phone, password, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
    eq(result.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE', 'signIn nextStep after the password');
    const message = await watch.next('CUSTOM_WITH_SRP code');
    eq((await confirmSignIn({ challengeResponse: message.code })).isSignedIn, true, 'confirmSignIn isSignedIn');
    await expectSignedIn(env, 'CUSTOM_WITH_SRP');

    await fresh(env);
    const quiet = await outboxWatch(env, phone, 'SMS');
    await expectError(() => signIn({ username: phone, password: 'Wrong-Horse-42', options: { authFlowType: 'CUSTOM_WITH_SRP' } }),
      'NotAuthorizedException', 'wrong password');
    await quiet.none(500, 'a wrong password');
  });
}
