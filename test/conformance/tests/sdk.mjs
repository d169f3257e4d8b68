// Scenarios driven through the AWS SDK for JavaScript v3 (@aws-sdk/client-cognito-identity-provider).

import {
  GetUserCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as jose from 'jose';
import {
  CLIENT_ID,
  UUID_RE,
  attrMap,
  check,
  checkAccessClaims,
  checkAuthResult,
  checkCustomChallenge,
  checkIdClaims,
  checkSession,
  eq,
  expectError,
  isNonEmptyString,
  outboxWatch,
  sdkAnswer,
  sdkConfirm,
  sdkConfirmedUser,
  sdkSignIn,
  sdkSignUp,
  sdkStartCustomAuth,
  show,
  uniqueEmail,
  uniquePhone,
  verifyToken,
  wrongCode,
} from '../lib/cognito.mjs';

export function registerSdkTests(test, env) {
  const { sdk } = env;

  test('sdk: SignUp by phone without password, code in outbox, ConfirmSignUp returns Session', async () => {
    const phone = uniquePhone();
    const watch = await outboxWatch(env, phone, 'SMS');
    // Minimal request, as Amplify builds it for passwordless sign-up: no Password member at all.
    const res = await sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone }));
    eq(res.UserConfirmed, false, 'SignUp UserConfirmed');
    check(isNonEmptyString(res.UserSub), `SignUp UserSub missing (${show(res.UserSub)})`);
    const cdd = res.CodeDeliveryDetails;
    check(cdd, 'SignUp CodeDeliveryDetails missing');
    eq(cdd.DeliveryMedium, 'SMS', 'SignUp CodeDeliveryDetails.DeliveryMedium');
    eq(cdd.AttributeName, 'phone_number', 'SignUp CodeDeliveryDetails.AttributeName');
    check(isNonEmptyString(cdd.Destination), 'SignUp CodeDeliveryDetails.Destination missing');
    check(cdd.Destination !== phone, 'SignUp CodeDeliveryDetails.Destination is the unmasked phone number');
    const msg = await watch.next('SignUp');
    check(/^\d{4,10}$/.test(msg.code), `sign-up code is not all digits (length ${msg.code.length})`);
    const conf = await sdkConfirm(env, phone, msg.code);
    checkSession(conf.Session, 'ConfirmSignUp Session');
  });

  test('sdk: sign in by phone with CUSTOM_AUTH, tokens verify with jose against the JWKS', async () => {
    const phone = uniquePhone();
    const u = await sdkConfirmedUser(env, { phone });
    const { res, watch } = await sdkStartCustomAuth(env, phone, { outboxTo: phone, channel: 'SMS' });
    const p = checkCustomChallenge(res, { medium: 'SMS' });
    check(UUID_RE.test(p.USERNAME), `ChallengeParameters.USERNAME should be the internal UUID username, got ${show(p.USERNAME)}`);
    check(p.USERNAME !== phone, 'ChallengeParameters.USERNAME is the phone number, not the internal username');
    check(!p.CODE_DELIVERY_DESTINATION.includes(phone.slice(1)), 'CODE_DELIVERY_DESTINATION is not masked');
    const msg = await watch.next('InitiateAuth');
    const ans = await sdkAnswer(env, { username: p.USERNAME, session: res.Session, answer: msg.code });
    check(ans.ChallengeName === undefined, `expected tokens, got challenge ${ans.ChallengeName}`);
    checkAuthResult(ans.AuthenticationResult);
    const ar = ans.AuthenticationResult;

    const id = await verifyToken(env, ar.IdToken, 'id');
    checkIdClaims(id.payload, { username: p.USERNAME, sub: u.sub, phone });
    const access = await verifyToken(env, ar.AccessToken, 'access');
    checkAccessClaims(access.payload, { username: p.USERNAME, sub: u.sub });
    check(
      Math.abs(access.payload.exp - access.payload.iat - ar.ExpiresIn) <= 5,
      `ExpiresIn (${ar.ExpiresIn}) does not match the access token lifetime (${access.payload.exp - access.payload.iat})`,
    );
    check(id.payload.jti !== access.payload.jti, 'ID and access tokens share a jti');
  });

  test('sdk: discovery document and JWKS are served for the pool', async () => {
    const res = await fetch(env.discoveryUrl, { signal: AbortSignal.timeout(5000) });
    eq(res.status, 200, `GET ${new URL(env.discoveryUrl).pathname} status`);
    const doc = await res.json();
    eq(doc.issuer, env.issuer, 'openid-configuration "issuer"');
    eq(doc.jwks_uri, env.jwksUrl, 'openid-configuration "jwks_uri"');
    const jr = await fetch(env.jwksUrl, { signal: AbortSignal.timeout(5000) });
    eq(jr.status, 200, 'GET jwks.json status');
    const jwks = await jr.json();
    check(Array.isArray(jwks.keys) && jwks.keys.length > 0, `jwks.json has no keys: ${show(jwks)}`);
    for (const k of jwks.keys) {
      eq(k.kty, 'RSA', 'JWK kty');
      eq(k.alg, 'RS256', 'JWK alg');
      eq(k.use, 'sig', 'JWK use');
      check(isNonEmptyString(k.kid) && isNonEmptyString(k.n) && isNonEmptyString(k.e), `JWK incomplete: ${show(k)}`);
      check(k.d === undefined && k.p === undefined, 'JWKS publishes private key material');
    }
  });

  test('sdk: sign up by email, confirm, sign in by email (EMAIL delivery)', async () => {
    const email = uniqueEmail();
    const u = await sdkSignUp(env, { email });
    eq(u.signUp.CodeDeliveryDetails.AttributeName, 'email', 'SignUp CodeDeliveryDetails.AttributeName');
    eq(u.message.channel, 'EMAIL', 'outbox channel');
    const conf = await sdkConfirm(env, email, u.message.code);
    checkSession(conf.Session, 'ConfirmSignUp Session');
    const s = await sdkSignIn(env, email, 'EMAIL');
    check(UUID_RE.test(s.internalUsername), `ChallengeParameters.USERNAME should be a UUID, got ${show(s.internalUsername)}`);
    const id = await verifyToken(env, s.tokens.IdToken, 'id');
    checkIdClaims(id.payload, { username: s.internalUsername, sub: u.sub, email });
    const access = await verifyToken(env, s.tokens.AccessToken, 'access');
    checkAccessClaims(access.payload, { username: s.internalUsername, sub: u.sub });
    const user = await sdk.send(new GetUserCommand({ AccessToken: s.tokens.AccessToken }));
    const a = attrMap(user.UserAttributes);
    eq(a.email, email, 'GetUser email');
    eq(a.email_verified, 'true', 'GetUser email_verified (a string in UserAttributes)');
  });

  test('sdk: sign in with USERNAME = the internal UUID from ChallengeParameters.USERNAME', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    // Wait for the first sign-in's message, so that the second sign-in's watch cannot take the first code (a race
    // that made this test fail once in CI: the first message arrived after the second watch started).
    const first = await sdkStartCustomAuth(env, phone, { outboxTo: phone, channel: 'SMS' });
    const uuid = checkCustomChallenge(first.res, { medium: 'SMS' }).USERNAME;
    await first.watch.next('InitiateAuth (first sign-in)');
    // a second, independent sign-in that names the user by its internal username
    const s = await sdkSignIn(env, phone, 'SMS', { username: uuid });
    eq(s.internalUsername, uuid, 'ChallengeParameters.USERNAME when signing in by UUID');
    const id = await verifyToken(env, s.tokens.IdToken, 'id');
    eq(id.payload['cognito:username'], uuid, 'ID token cognito:username');
    eq(id.payload.phone_number, phone, 'ID token phone_number');
  });

  test('sdk: wrong code gives a new CUSTOM_CHALLENGE and Session; the right code then signs in', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { res, watch } = await sdkStartCustomAuth(env, phone, { outboxTo: phone, channel: 'SMS' });
    const p = checkCustomChallenge(res, { medium: 'SMS' });
    const msg = await watch.next('InitiateAuth');
    const wrong = await sdkAnswer(env, { username: p.USERNAME, session: res.Session, answer: wrongCode(msg.code) });
    check(wrong.AuthenticationResult === undefined, 'a wrong code returned tokens');
    checkCustomChallenge(wrong, { what: 'RespondToAuthChallenge (wrong code)' });
    check(wrong.Session !== res.Session, 'the wrong-code answer did not return a new Session');
    const ok = await sdkAnswer(env, { username: p.USERNAME, session: wrong.Session, answer: msg.code });
    check(ok.ChallengeName === undefined, `expected tokens after the right code, got challenge ${ok.ChallengeName}`);
    checkAuthResult(ok.AuthenticationResult);
  });

  test('sdk: third wrong code in a row ends with NotAuthorizedException', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { res, watch } = await sdkStartCustomAuth(env, phone, { outboxTo: phone, channel: 'SMS' });
    const p = checkCustomChallenge(res, { medium: 'SMS' });
    const msg = await watch.next('InitiateAuth');
    const bad = wrongCode(msg.code);
    let session = res.Session;
    for (let i = 1; i <= 2; i++) {
      const r = await sdkAnswer(env, { username: p.USERNAME, session, answer: bad });
      checkCustomChallenge(r, { what: `wrong answer #${i}` });
      session = r.Session;
    }
    await expectError(
      sdkAnswer(env, { username: p.USERNAME, session, answer: bad }),
      'NotAuthorizedException',
      'wrong answer #3',
    );
  });

  test('sdk: a used Session is refused with NotAuthorizedException', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const { res, watch } = await sdkStartCustomAuth(env, phone, { outboxTo: phone, channel: 'SMS' });
    const p = checkCustomChallenge(res, { medium: 'SMS' });
    const msg = await watch.next('InitiateAuth');
    const wrong = await sdkAnswer(env, { username: p.USERNAME, session: res.Session, answer: wrongCode(msg.code) });
    checkCustomChallenge(wrong, { what: 'wrong answer' });
    // replay the first Session, which the wrong answer consumed (with the right code, even)
    await expectError(
      sdkAnswer(env, { username: p.USERNAME, session: res.Session, answer: msg.code }),
      'NotAuthorizedException',
      'replay of the consumed first Session',
    );
    const ok = await sdkAnswer(env, { username: p.USERNAME, session: wrong.Session, answer: msg.code });
    checkAuthResult(ok.AuthenticationResult);
    // replay the Session that just produced tokens
    await expectError(
      sdkAnswer(env, { username: p.USERNAME, session: wrong.Session, answer: msg.code }),
      'NotAuthorizedException',
      'replay of the Session that already signed in',
    );
  });

  test('sdk: REFRESH_TOKEN_AUTH returns new verified tokens, then GetUser works with them', async () => {
    const phone = uniquePhone();
    const u = await sdkConfirmedUser(env, { phone });
    const s = await sdkSignIn(env, phone, 'SMS');
    const oldAccess = jose.decodeJwt(s.tokens.AccessToken);
    const oldId = jose.decodeJwt(s.tokens.IdToken);
    const r = await sdk.send(
      new InitiateAuthCommand({
        ClientId: CLIENT_ID,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: s.tokens.RefreshToken },
      }),
    );
    check(r.ChallengeName === undefined, `refresh returned challenge ${r.ChallengeName}`);
    checkAuthResult(r.AuthenticationResult, { refresh: false });
    check(r.AuthenticationResult.RefreshToken === undefined, 'REFRESH_TOKEN_AUTH returned a new RefreshToken (rotation is not expected)');
    const id = await verifyToken(env, r.AuthenticationResult.IdToken, 'id');
    checkIdClaims(id.payload, { username: s.internalUsername, sub: u.sub, phone });
    const access = await verifyToken(env, r.AuthenticationResult.AccessToken, 'access');
    checkAccessClaims(access.payload, { username: s.internalUsername, sub: u.sub });
    check(access.payload.jti !== oldAccess.jti, 'refreshed access token reuses the old jti');
    eq(access.payload.origin_jti, oldAccess.origin_jti, 'refreshed access token origin_jti (same across refreshes of one sign-in)');
    eq(id.payload.auth_time, oldId.auth_time, 'refreshed ID token auth_time (stays the original sign-in time)');
    const user = await sdk.send(new GetUserCommand({ AccessToken: r.AuthenticationResult.AccessToken }));
    eq(user.Username, s.internalUsername, 'GetUser Username with the refreshed access token');
  });

  test('sdk: GetUser returns sub, phone_number and phone_number_verified "true"', async () => {
    const phone = uniquePhone();
    const u = await sdkConfirmedUser(env, { phone });
    const s = await sdkSignIn(env, phone, 'SMS');
    const user = await sdk.send(new GetUserCommand({ AccessToken: s.tokens.AccessToken }));
    eq(user.Username, s.internalUsername, 'GetUser Username');
    check(Array.isArray(user.UserAttributes), 'GetUser UserAttributes is not a list');
    for (const a of user.UserAttributes) {
      check(typeof a.Name === 'string' && typeof a.Value === 'string', `GetUser attribute not {Name, Value} strings: ${show(a)}`);
    }
    const a = attrMap(user.UserAttributes);
    eq(a.sub, u.sub, 'GetUser sub');
    eq(a.phone_number, phone, 'GetUser phone_number');
    eq(a.phone_number_verified, 'true', 'GetUser phone_number_verified (a string in UserAttributes)');
  });

  test('sdk: GetUser refuses a tampered access token and an ID token', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    const s = await sdkSignIn(env, phone, 'SMS');
    const [h, b, sig] = s.tokens.AccessToken.split('.');
    const flipped = `${sig.slice(0, -2)}${sig.at(-2) === 'A' ? 'B' : 'A'}${sig.at(-1)}`;
    await expectError(
      sdk.send(new GetUserCommand({ AccessToken: `${h}.${b}.${flipped}` })),
      'NotAuthorizedException',
      'GetUser with a tampered signature',
    );
    await expectError(
      sdk.send(new GetUserCommand({ AccessToken: s.tokens.IdToken })),
      'NotAuthorizedException',
      'GetUser with an ID token',
    );
  });

  test('sdk: unknown phone gets a normal-looking CUSTOM_CHALLENGE, no message, and NotAuthorizedException', async () => {
    // A known user first, to compare shapes and wrong-answer behaviour with.
    const known = uniquePhone();
    await sdkConfirmedUser(env, { phone: known });
    const k = await sdkStartCustomAuth(env, known, { outboxTo: known, channel: 'SMS' });
    const kp = checkCustomChallenge(k.res, { medium: 'SMS' });
    await k.watch.next('known user InitiateAuth');

    const unknown = uniquePhone();
    const watch = await outboxWatch(env, unknown);
    let res;
    try {
      ({ res } = await sdkStartCustomAuth(env, unknown));
    } catch (e) {
      throw new Error(`InitiateAuth for an unknown phone failed with ${e.name} (reveals that the user does not exist): ${e.message}`);
    }
    const up = checkCustomChallenge(res, { medium: 'SMS', what: 'InitiateAuth (unknown user)' });
    eq(
      Object.keys(up).sort().join(','),
      Object.keys(kp).sort().join(','),
      'ChallengeParameters names for an unknown user vs a known user',
    );
    check(UUID_RE.test(up.USERNAME) === UUID_RE.test(kp.USERNAME), `ChallengeParameters.USERNAME for an unknown user looks different: ${show(up.USERNAME)}`);
    check(up.USERNAME !== unknown, 'ChallengeParameters.USERNAME echoes the unknown phone number (a known user gets a UUID)');
    check(
      Math.abs(res.Session.length - k.res.Session.length) <= 16,
      `Session length differs between unknown (${res.Session.length}) and known (${k.res.Session.length}) users`,
    );
    await watch.none(3000, 'InitiateAuth of an unknown phone');

    let session = res.Session;
    for (let i = 1; i <= 3; i++) {
      let r;
      try {
        r = await sdkAnswer(env, { username: up.USERNAME, session, answer: '123456' });
      } catch (e) {
        eq(e.name, 'NotAuthorizedException', `error on answer #${i} for an unknown user`);
        eq(i, 3, 'answer number that ends an unknown user\'s sign-in (a known user gets 3)');
        return;
      }
      check(r.AuthenticationResult === undefined, 'an unknown user was issued tokens');
      checkCustomChallenge(r, { what: `answer #${i} (unknown user)` });
      session = r.Session;
    }
    throw new Error('3 answers for an unknown user did not end with NotAuthorizedException');
  });

  test('sdk: signing up an already confirmed phone gives UsernameExistsException', async () => {
    const phone = uniquePhone();
    await sdkConfirmedUser(env, { phone });
    await expectError(
      sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone })),
      'UsernameExistsException',
      'SignUp of a confirmed phone',
    );
  });

  test('sdk: unknown ClientId gives ResourceNotFoundException', async () => {
    await expectError(
      sdk.send(new SignUpCommand({ ClientId: 'nosuchclient0000000000000', Username: uniquePhone() })),
      'ResourceNotFoundException',
      'SignUp with an unknown ClientId',
    );
    await expectError(
      sdk.send(
        new InitiateAuthCommand({
          ClientId: 'nosuchclient0000000000000',
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: uniquePhone() },
        }),
      ),
      'ResourceNotFoundException',
      'InitiateAuth with an unknown ClientId',
    );
  });

  test('sdk: an unconfirmed sign-up does not block signing up the same phone again', async () => {
    const phone = uniquePhone();
    await sdkSignUp(env, { phone }); // abandoned: never confirmed
    const again = await sdkSignUp(env, { phone });
    const conf = await sdkConfirm(env, phone, again.message.code);
    checkSession(conf.Session, 'ConfirmSignUp Session');
    await sdkSignIn(env, phone, 'SMS');
  });

  test('sdk: ResendConfirmationCode sends a new code that confirms the sign-up', async () => {
    const phone = uniquePhone();
    await sdkSignUp(env, { phone });
    const watch = await outboxWatch(env, phone, 'SMS');
    const r = await sdk.send(new ResendConfirmationCodeCommand({ ClientId: CLIENT_ID, Username: phone }));
    eq(r.CodeDeliveryDetails?.DeliveryMedium, 'SMS', 'ResendConfirmationCode CodeDeliveryDetails.DeliveryMedium');
    const msg = await watch.next('ResendConfirmationCode');
    const conf = await sdkConfirm(env, phone, msg.code);
    checkSession(conf.Session, 'ConfirmSignUp Session');
  });

  test('sdk: InitiateAuth USER_AUTH with the ConfirmSignUp Session signs in without a second SMS', async () => {
    // DESIGN.md "Problems we exist to remove" #4; wire shape: Amplify's autoSignIn sends the Session that ConfirmSignUp returned.
    const phone = uniquePhone();
    const u = await sdkSignUp(env, { phone });
    const conf = await sdkConfirm(env, phone, u.message.code);
    checkSession(conf.Session, 'ConfirmSignUp Session');
    const watch = await outboxWatch(env, phone);
    const r = await sdk.send(
      new InitiateAuthCommand({
        ClientId: CLIENT_ID,
        AuthFlow: 'USER_AUTH',
        AuthParameters: { USERNAME: phone },
        Session: conf.Session,
      }),
    );
    check(r.ChallengeName === undefined, `expected tokens at once, got challenge ${r.ChallengeName}`);
    checkAuthResult(r.AuthenticationResult);
    const id = await verifyToken(env, r.AuthenticationResult.IdToken, 'id');
    checkIdClaims(id.payload, { username: id.payload['cognito:username'], sub: u.sub, phone });
    await watch.none(1500, 'auto sign-in after confirmation');
  });
}
