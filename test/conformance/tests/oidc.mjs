// A certified OpenID Connect relying party (npm openid-client) runs the whole authorization code flow with PKCE
// against Sesame: discovery, the hosted page (driven over HTTP as a browser without JavaScript would), the token
// endpoint, ID token validation with the nonce, userinfo, refresh, revocation, and a replayed code.

import * as oidc from 'openid-client';
import { CLIENT_ID, check, eq, isNonEmptyString, outboxWatch, show, uniquePhone } from '../lib/cognito.mjs';

const CALLBACK = 'http://localhost:3000/callback';
const SCOPE = 'openid email phone profile aws.cognito.signin.user.admin';

/** A browser's cookie jar and redirect handling, enough for the hosted page. */
function browser() {
  const jar = new Map();
  return {
    async go(url, init = {}) {
      const headers = { ...(init.headers ?? {}) };
      if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        const name = pair.slice(0, i);
        const value = pair.slice(i + 1);
        if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
        else jar.set(name, value);
      }
      return res;
    },
  };
}

const csrfOf = (html) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];

async function signInThroughPage(env, b, authorizationUrl, phone) {
  const authorize = await b.go(authorizationUrl.href);
  eq(authorize.status, 302, '/oauth2/authorize status');
  const page = await b.go(new URL(authorize.headers.get('location'), env.serverUrl).href);
  eq(page.status, 200, '/login status');
  const html = await page.text();
  check(html.includes('<label for="login">Phone number'), 'the page labels its field "Phone number"');

  const watch = await outboxWatch(env, phone, 'SMS');
  const form = (fields) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const sent = await b.go(`${env.serverUrl}/login`, form({ csrf: csrfOf(html), action: 'start', login: phone }));
  const codePage = await sent.text();
  eq(sent.status, 200, `POST /login (start) status: ${codePage.slice(0, 200)}`);
  check(codePage.includes('autocomplete="one-time-code"') && codePage.includes('inputmode="numeric"'), 'the code field is a one-time-code field');
  const message = await watch.next('hosted page code');
  const answered = await b.go(`${env.serverUrl}/login`, form({ csrf: csrfOf(codePage), action: 'answer', code: message.code }));
  eq(answered.status, 302, 'POST /login (answer) status');
  const location = answered.headers.get('location');
  check(location.startsWith(`${CALLBACK}?`), `redirected to the callback, not ${show(location)}`);
  return new URL(location);
}

async function setUp(env) {
  const config = await oidc.discovery(new URL(env.issuer), CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { config, verifier, state, nonce, url };
}

export function registerOidcTests(test, env) {
  test('oidc: openid-client signs a new phone number in through the page with PKCE, validates the ID token, reads userinfo, refreshes and revokes', async () => {
    const { config, verifier, state, nonce, url } = await setUp(env);
    const phone = uniquePhone();
    const callback = await signInThroughPage(env, browser(), url, phone);

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const claims = tokens.claims();
    eq(claims.phone_number, phone, 'ID token phone_number');
    eq(claims.nonce, nonce, 'ID token nonce');
    check(isNonEmptyString(tokens.refresh_token), 'a refresh token');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    eq(info.sub, claims.sub, 'userinfo sub');
    eq(info.phone_number, phone, 'userinfo phone_number');

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    check(isNonEmptyString(refreshed.access_token), 'refreshed access token');
    eq(refreshed.claims().sub, claims.sub, 'refreshed ID token sub');

    await oidc.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
    let refused;
    try {
      await oidc.refreshTokenGrant(config, tokens.refresh_token);
    } catch (e) {
      refused = e;
    }
    eq(refused?.error, 'invalid_grant', `refresh after revocation (${show(refused?.message)})`);
  });

  test('oidc: a replayed authorization code is refused (invalid_grant) and the tokens it gave are revoked', async () => {
    const { config, verifier, state, nonce, url } = await setUp(env);
    const callback = await signInThroughPage(env, browser(), url, uniquePhone());
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });

    let replay;
    try {
      await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    } catch (e) {
      replay = e;
    }
    eq(replay?.error, 'invalid_grant', `replayed code (${show(replay?.message)})`);

    let userinfo;
    try {
      await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    } catch (e) {
      userinfo = e;
    }
    check(userinfo !== undefined, 'userinfo with the first access token still answered after the replay');
  });

  test('oidc: discovery names only what Sesame serves (code, S256)', async () => {
    const { config } = await setUp(env);
    const meta = config.serverMetadata();
    eq(JSON.stringify(meta.response_types_supported), '["code"]', 'response_types_supported');
    eq(JSON.stringify(meta.code_challenge_methods_supported), '["S256"]', 'code_challenge_methods_supported');
    check(meta.supportsPKCE(), 'openid-client sees PKCE support');
  });
}
