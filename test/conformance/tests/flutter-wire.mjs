// Amplify Flutter (amplify_auth_cognito 2.x) cannot run here (no Dart SDK), so these scenarios replay, as raw HTTP,
// the requests its Dart code sends, read from the public repository aws-amplify/amplify-flutter (main, December 2026):
//
//   packages/auth/amplify_auth_cognito_dart/lib/src/state/machines/sign_in_state_machine.dart
//     initiateCustomAuth: customAuthWithoutSrp → AuthParameters { USERNAME }; customAuthWithSrp → the SRP request
//     (USERNAME, SRP_A) rebuilt with AuthFlow CUSTOM_AUTH and CHALLENGE_NAME: SRP_A. run(): AnalyticsMetadata,
//     SECRET_HASH, DEVICE_KEY and UserContextData added when present. createCustomAuthRequest: ChallengeResponses
//     { USERNAME: the name typed, ANSWER }. _respondToChallenge: Session, ClientMetadata (always, {} by default),
//     UserContextData. _updateUser: ChallengeParameters.USERNAME replaces the username for later steps;
//     _saveAuthResult: the user id is the access token's `sub`, the username the ID token's `cognito:username`.
//   packages/auth/amplify_auth_cognito_dart/lib/src/flows/srp/srp_password_verifier_worker.dart
//     PASSWORD_VERIFIER: USERNAME (ChallengeParameters.USERNAME), PASSWORD_CLAIM_SECRET_BLOCK,
//     PASSWORD_CLAIM_SIGNATURE (over USER_ID_FOR_SRP), TIMESTAMP ("EEE MMM d HH:mm:ss 'UTC' yyyy").
//   packages/auth/amplify_auth_cognito_dart/lib/src/state/machines/sign_up_state_machine.dart
//     SignUp { ClientId, Username, Password, ClientMetadata, UserAttributes, ValidationData }; ConfirmSignUp
//     { ClientId, Username, ConfirmationCode, ClientMetadata }; reads UserConfirmed, UserSub, CodeDeliveryDetails, Session.
//   packages/auth/amplify_auth_cognito_dart/lib/src/state/machines/fetch_auth_session_state_machine.dart
//     _refreshUserPoolTokens: GetTokensFromRefreshToken { RefreshToken, ClientId (, DeviceKey, ClientSecret) };
//     AccessToken required, RefreshToken and IdToken optional (the old ones are kept).
//   packages/auth/amplify_auth_cognito_dart/lib/src/sdk/src/cognito_identity_provider/operation/*_operation.dart
//     AwsJson1_1Protocol, X-Amz-Target AWSCognitoIdentityProviderService.<Op>, WithUserAgent('aws-sdk-dart/0.3.2'),
//     amz-sdk-invocation-id, amz-sdk-request; sdk/sdk_bridge.dart adds Cache-Control: no-store.
//   packages/amplify_core/lib/src/http/amplify_user_agent.dart, amplify_http_client.dart, amplify_category_method.dart
//     User-Agent "aws-sdk-dart/0.3.2 amplify-flutter/<version> <os>/<version> auth/<method id>" (signIn 15,
//     confirmSignIn 2, signUp 18, confirmSignUp 3, fetchAuthSession 6).
//   Members that are null are left out by the generated serializers; empty maps and lists are sent ({} / []).

import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { CLIENT_ID, POOL_ID, check, eq, isNonEmptyString, outboxWatch, show, uniqueEmail, uniquePhone } from '../lib/cognito.mjs';

const require = createRequire(import.meta.url);
// amazon-cognito-identity-js's SRP maths stands in for the Dart SrpHelper (the same Cognito SRP-6a variant).
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger.js').default;
const DateHelper = require('amazon-cognito-identity-js/lib/DateHelper.js').default;

const METHOD = { signIn: 15, confirmSignIn: 2, signUp: 18, confirmSignUp: 3, fetchAuthSession: 6 };
// As Flutter on Android builds it (platform_io.dart: `${Platform.operatingSystem}/${version}`).
const userAgent = (method) => `aws-sdk-dart/0.3.2 amplify-flutter/2.15.0 android/14 auth/${METHOD[method]}`;
// What the native ASF plugin puts in UserContextData on a phone (opaque to Sesame, ignored as in a pool without ASF).
const CONTEXT = { EncodedData: Buffer.from(JSON.stringify({ contextData: { DeviceName: 'sdk_gphone64', ScreenWidthPixels: '1080' } })).toString('base64') };

async function dart(env, op, body, method) {
  const json = JSON.stringify(body);
  const res = await fetch(`${env.apiUrl}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`,
      'User-Agent': userAgent(method),
      'amz-sdk-invocation-id': randomUUID(),
      'amz-sdk-request': 'attempt=1; max=3',
      'Cache-Control': 'no-store',
      'Content-Length': String(Buffer.byteLength(json)),
    },
    body: json,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : {};
  if (res.status !== 200) {
    throw new Error(`${op}: HTTP ${res.status} ${parsed.__type}: ${parsed.message}`);
  }
  // The smithy JSON 1.1 protocol reads the body as JSON; the content type must say so.
  check((res.headers.get('content-type') ?? '').startsWith('application/x-amz-json-1.1'), `${op}: content-type ${res.headers.get('content-type')}`);
  return parsed;
}

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

/** What _saveAuthResult reads: AccessToken and IdToken parse as JWTs, the user id is `sub`, the username `cognito:username`. */
function checkSaved(result, what) {
  const ar = result.AuthenticationResult;
  check(ar && isNonEmptyString(ar.AccessToken) && isNonEmptyString(ar.IdToken) && isNonEmptyString(ar.RefreshToken), `${what}: AuthenticationResult ${show(ar)}`);
  const access = claims(ar.AccessToken);
  const id = claims(ar.IdToken);
  check(isNonEmptyString(access.sub), `${what}: access token sub`);
  eq(id.sub, access.sub, `${what}: id token sub`);
  check(isNonEmptyString(id['cognito:username']), `${what}: id token cognito:username`);
  check(typeof ar.ExpiresIn === 'number', `${what}: ExpiresIn is a number`);
  return { ar, access, id };
}

/** signUp then confirmSignUp as sign_up_state_machine.dart sends them; returns ConfirmSignUp's answer. */
async function flutterSignUp(env, username, attributes, password) {
  const channel = username.startsWith('+') ? 'SMS' : 'EMAIL';
  const watch = await outboxWatch(env, username, channel);
  const signUp = await dart(env, 'SignUp', {
    ClientId: CLIENT_ID,
    Username: username,
    ...(password ? { Password: password } : {}),
    ClientMetadata: {},
    UserAttributes: attributes,
    ValidationData: [],
    UserContextData: CONTEXT,
  }, 'signUp');
  eq(signUp.UserConfirmed, false, 'SignUp UserConfirmed (read as a non-null bool)');
  check(isNonEmptyString(signUp.UserSub), 'SignUp UserSub');
  eq(signUp.CodeDeliveryDetails?.DeliveryMedium, channel, 'SignUp CodeDeliveryDetails.DeliveryMedium');
  check(isNonEmptyString(signUp.CodeDeliveryDetails?.Destination), 'SignUp CodeDeliveryDetails.Destination');
  const code = (await watch.next('SignUp')).code;
  const confirmed = await dart(env, 'ConfirmSignUp', {
    ClientId: CLIENT_ID, Username: username, ConfirmationCode: code, ClientMetadata: {}, UserContextData: CONTEXT,
  }, 'confirmSignUp');
  // SignUpState.success(session: resp.session) — what autoSignIn uses.
  check(isNonEmptyString(confirmed.Session), 'ConfirmSignUp Session');
  return { signUp, confirmed };
}

/** confirmSignIn(code) for a CUSTOM_CHALLENGE: createCustomAuthRequest + _respondToChallenge. */
function customAnswer(env, typed, session, answer) {
  return dart(env, 'RespondToAuthChallenge', {
    ChallengeName: 'CUSTOM_CHALLENGE',
    ChallengeResponses: { USERNAME: typed, ANSWER: answer },
    ClientId: CLIENT_ID,
    ClientMetadata: {},
    Session: session,
    UserContextData: CONTEXT,
  }, 'confirmSignIn');
}

export function registerFlutterWireTests(test, env) {
  test('flutter wire: signUp, confirmSignUp, signIn customAuthWithoutSrp, confirmSignIn, fetchAuthSession (refresh)', async () => {
    const phone = uniquePhone();
    await flutterSignUp(env, phone, [{ Name: 'phone_number', Value: phone }]);

    const watch = await outboxWatch(env, phone, 'SMS');
    const start = await dart(env, 'InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: phone }, ClientMetadata: {}, UserContextData: CONTEXT,
    }, 'signIn');
    eq(start.ChallengeName, 'CUSTOM_CHALLENGE', 'InitiateAuth ChallengeName');
    check(isNonEmptyString(start.Session), 'InitiateAuth Session');
    // _codeDeliveryDetails and the nextStep's additionalInfo come from ChallengeParameters.
    eq(start.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS', 'ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM');
    check(isNonEmptyString(start.ChallengeParameters.CODE_DELIVERY_DESTINATION), 'ChallengeParameters.CODE_DELIVERY_DESTINATION');
    check(isNonEmptyString(start.ChallengeParameters.USERNAME), 'ChallengeParameters.USERNAME (_updateUser)');
    check(start.AuthenticationResult === undefined, 'no tokens with a challenge');

    const code = (await watch.next('InitiateAuth')).code;
    const { ar, id } = checkSaved(await customAnswer(env, phone, start.Session, code), 'confirmSignIn');
    eq(id['cognito:username'], start.ChallengeParameters.USERNAME, 'cognito:username is the USERNAME Cognito returned');
    eq(id.phone_number, phone, 'id token phone_number');
    eq(id.phone_number_verified, true, 'phone_number_verified is a JSON boolean (CognitoIdToken casts it to bool)');

    // fetchAuthSession(forceRefresh): GetTokensFromRefreshToken, no DeviceKey (no device tracking), no secret.
    const refreshed = await dart(env, 'GetTokensFromRefreshToken', { RefreshToken: ar.RefreshToken, ClientId: CLIENT_ID }, 'fetchAuthSession');
    check(isNonEmptyString(refreshed.AuthenticationResult?.AccessToken), 'GetTokensFromRefreshToken AccessToken (required)');
    eq(claims(refreshed.AuthenticationResult.AccessToken).sub, id.sub, 'refreshed access token sub');
    if (refreshed.AuthenticationResult.IdToken) eq(claims(refreshed.AuthenticationResult.IdToken).sub, id.sub, 'refreshed id token sub');
  });

  test('flutter wire: signIn customAuthWithSrp — SRP_A, PASSWORD_VERIFIER from the SRP worker, then the code', async () => {
    const email = uniqueEmail();
    const password = `Flutter-${randomUUID()}`;
    await flutterSignUp(env, email, [{ Name: 'email', Value: email }], password);

    const poolName = POOL_ID.split('_')[1];
    const helper = new AuthenticationHelper(poolName);
    const A = await new Promise((resolve, reject) => helper.getLargeAValue((err, value) => (err ? reject(err) : resolve(value))));
    const start = await dart(env, 'InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email, SRP_A: A.toString(16), CHALLENGE_NAME: 'SRP_A' },
      ClientMetadata: {},
      UserContextData: CONTEXT,
    }, 'signIn');
    eq(start.ChallengeName, 'PASSWORD_VERIFIER', 'InitiateAuth ChallengeName (the built-in Define asks for the password first)');
    const p = start.ChallengeParameters;
    for (const name of ['USERNAME', 'USER_ID_FOR_SRP', 'SECRET_BLOCK', 'SALT', 'SRP_B']) check(isNonEmptyString(p[name]), `ChallengeParameters.${name} (unwrapParameter)`);

    const key = await new Promise((resolve, reject) =>
      helper.getPasswordAuthenticationKey(p.USER_ID_FOR_SRP, password, new BigInteger(p.SRP_B, 16), new BigInteger(p.SALT, 16), (err, value) =>
        err ? reject(err) : resolve(value),
      ),
    );
    const timestamp = new DateHelper().getNowString();
    const signature = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(poolName), Buffer.from(p.USER_ID_FOR_SRP), Buffer.from(p.SECRET_BLOCK, 'base64'), Buffer.from(timestamp)]))
      .digest('base64');
    const watch = await outboxWatch(env, email, 'EMAIL');
    const verified = await dart(env, 'RespondToAuthChallenge', {
      ClientId: CLIENT_ID,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: { PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: signature, USERNAME: p.USERNAME, TIMESTAMP: timestamp },
      ClientMetadata: {},
      Session: start.Session,
      UserContextData: CONTEXT,
    }, 'signIn');
    eq(verified.ChallengeName, 'CUSTOM_CHALLENGE', 'after PASSWORD_VERIFIER');
    eq(verified.ChallengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM, 'EMAIL', 'code delivery medium');
    // confirmSignIn(code): the ANSWER with the name the user typed, as createCustomAuthRequest sends it.
    const code = (await watch.next('PASSWORD_VERIFIER')).code;
    const { id } = checkSaved(await customAnswer(env, email, verified.Session, code), 'confirmSignIn');
    eq(id.email, email, 'id token email');
    eq(id['cognito:username'], p.USERNAME, 'cognito:username');
  });
}
