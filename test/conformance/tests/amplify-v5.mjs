// aws-amplify v5 (npm alias aws-amplify-v5 of aws-amplify@5), the `Auth` API the 2019–2023 tutorials call, exactly as
// seeds 003/004 ("Implementing OTP based Phone auth in Amazon Cognito using Custom Auth Flow & Amplify") call it:
// Auth.signUp({ username, password }) with a generated password, Auth.confirmSignUp(username, code,
// { forceAliasCreation: true }), Auth.signIn(username) without a password (custom auth) and
// Auth.sendCustomChallengeAnswer(user, code), against seed 003's own trigger handlers (triggers/seed003, over HTTP).

import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Amplify, Auth } from 'aws-amplify-v5';
import * as jose from 'jose';
import { check, eq, expectError, outboxWatch, sleep, uniquePhone } from '../lib/cognito.mjs';

const require = createRequire(import.meta.url);
const sink = require('../triggers/sink.js');

const POOL = 'us-east-1_Seed003';
const CLIENT = 'seed003client';

async function sinkCode(to, count = 1) {
  for (let i = 0; i < 100; i++) {
    const messages = sink.messagesTo(to);
    if (messages.length >= count) return messages[count - 1].body.match(/(\d{6})\s*$/)[1];
    await sleep(50);
  }
  throw new Error(`the trigger sent nothing to ${to}`);
}

function configure(env) {
  // Amplify v5's Auth configuration; `endpoint` points amazon-cognito-identity-js (which v5 wraps) at Sesame.
  Amplify.configure({
    Auth: {
      region: 'us-east-1',
      userPoolId: POOL,
      userPoolWebClientId: CLIENT,
      endpoint: `${env.apiUrl}/`,
      authenticationFlowType: 'CUSTOM_AUTH',
    },
  });
}

export function registerAmplifyV5Tests(test, env) {
  test('amplify v5: seed 003 as written — Auth.signUp, Auth.confirmSignUp, Auth.signIn(username), Auth.sendCustomChallengeAnswer', async () => {
    configure(env);
    const username = uniquePhone();
    // "I ended up generating a strong password on the client side and passing it to signUp."
    const password = randomBytes(16).toString('base64') + 'Aa1!';
    const watch = await outboxWatch(env, username, 'SMS');
    const signUp = await Auth.signUp({ username, password, attributes: { phone_number: username } });
    eq(signUp.userConfirmed, false, 'signUp userConfirmed');
    eq(signUp.codeDeliveryDetails?.DeliveryMedium, 'SMS', 'signUp codeDeliveryDetails.DeliveryMedium');
    const code = (await watch.next('SignUp')).code;
    eq(await Auth.confirmSignUp(username, code, { forceAliasCreation: true }), 'SUCCESS', 'confirmSignUp');

    const user = await Auth.signIn(username);
    eq(user.challengeName, 'CUSTOM_CHALLENGE', 'signIn challengeName');
    const signedIn = await Auth.sendCustomChallengeAnswer(user, await sinkCode(username));
    const session = signedIn.getSignInUserSession();
    check(session?.isValid(), 'the user has a valid session after sendCustomChallengeAnswer');
    const issuer = `${env.serverUrl}/${POOL}`;
    const { payload } = await jose.jwtVerify(session.getIdToken().getJwtToken(), jose.createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), {
      issuer,
      audience: CLIENT,
    });
    eq(payload.phone_number, username, 'id token phone_number');
    eq(payload.phone_number_verified, true, 'id token phone_number_verified');
    eq((await Auth.currentSession()).getIdToken().payload.sub, payload.sub, 'Auth.currentSession() sub');
    await Auth.signOut();
  });

  test('amplify v5: seed 003, a wrong code — sendCustomChallengeAnswer rejects with NotAuthorizedException', async () => {
    configure(env);
    const username = uniquePhone();
    const watch = await outboxWatch(env, username, 'SMS');
    await Auth.signUp({ username, password: randomBytes(16).toString('base64') + 'Aa1!', attributes: { phone_number: username } });
    await Auth.confirmSignUp(username, (await watch.next('SignUp')).code, { forceAliasCreation: true });
    const user = await Auth.signIn(username);
    const right = await sinkCode(username);
    await expectError(Auth.sendCustomChallengeAnswer(user, right === '999999' ? '999998' : '999999'), 'NotAuthorizedException', 'wrong code');
  });
}
