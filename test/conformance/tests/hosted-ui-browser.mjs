// The hosted page in headless Chromium (Debian's chromium, driven by npm playwright-core): phone → code read from the
// dev outbox → signed in → tokens → userinfo → sign out, by keyboard only; a wrong code; the French page. With
// SESAME_SCREENSHOTS=<dir> it saves the screens as PNGs (scripts/screenshots.sh refreshes docs/images/ this way).

import * as oidc from 'openid-client';
import { withPage, shot } from '../lib/browser.mjs';
import { CLIENT_ID, POOL_ID, check, createEnv, eq, outboxWatch, sdkConfirmedUser, show, sleep, uniquePhone } from '../lib/cognito.mjs';
import { startOwnSesame } from '../lib/server.mjs';

const CALLBACK = 'http://localhost:3000/callback';

async function start(env) {
  const config = await oidc.discovery(new URL(env.issuer), CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, scope: 'openid phone email', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  return { config, verifier, state, url };
}

export function registerHostedUiBrowserTests(test, env) {
  test('browser: phone → code from the outbox → signed in → userinfo → signed out, by keyboard only', async () => {
    const { config, verifier, state, url } = await start(env);
    const phone = uniquePhone();
    await withPage('en-GB', async (page) => {
      await page.goto(url.href);
      await shot(page, 'hosted-ui-phone');
      const login = page.getByLabel('Phone number');
      check(await login.evaluate((e) => e === document.activeElement), 'the phone field has the focus');
      const watch = await outboxWatch(env, phone, 'SMS');
      await page.keyboard.type(phone);
      await page.keyboard.press('Enter');
      const codeField = page.getByLabel('Code', { exact: true });
      await codeField.waitFor();
      eq(await codeField.getAttribute('autocomplete'), 'one-time-code', 'code field autocomplete');
      eq(await codeField.getAttribute('inputmode'), 'numeric', 'code field inputmode');
      await shot(page, 'hosted-ui-code');
      const message = await watch.next('browser sign-in');
      check(await codeField.evaluate((e) => e === document.activeElement), 'the code field has the focus');
      await page.keyboard.type(message.code);
      // The app at the callback is not running: the redirect's request is enough (route handlers do not see redirects).
      const [request] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(CALLBACK)), page.keyboard.press('Enter')]);
      const callback = new URL(request.url());
      check(!callback.href.includes(message.code), 'the one-time code is not in the URL');

      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
      const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
      eq(info.phone_number, phone, 'userinfo phone_number');

      // The failed navigation to the callback (no app listens there) may still end after its request was seen and
      // interrupt the next navigation (retrying in the same tab raced too): sign out in a new tab of the same browser
      // context, which holds the same cookies, and close this one.
      const logout = `${env.serverUrl}/logout?client_id=${CLIENT_ID}`;
      const next = await page.context().newPage();
      await page.close();
      await next.goto(logout);
      await next.getByRole('heading', { name: 'You are signed out' }).waitFor();
      await shot(next, 'hosted-ui-signed-out');
      // Signed out: a new authorization shows the page again instead of a code.
      await next.goto(url.href);
      await next.getByLabel('Phone number').waitFor();
    });
  }, { timeoutMs: 90_000 });

  test('browser: a wrong code says how many attempts are left, and the page speaks French by Accept-Language', async () => {
    const { url } = await start(env);
    const phone = uniquePhone();
    await withPage('fr-FR', async (page) => {
      await page.goto(url.href);
      eq(await page.locator('html').getAttribute('lang'), 'fr', 'page language');
      const watch = await outboxWatch(env, phone, 'SMS');
      await page.getByLabel('Numéro de téléphone').fill(phone);
      await page.getByRole('button', { name: 'Envoyer le code' }).click();
      const message = await watch.next('French sign-in');
      const wrong = message.code === '000000' ? '111111' : '000000';
      await page.getByLabel('Code', { exact: true }).fill(wrong);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.textContent();
      check(/Essais restants : \d/.test(text), `the error names the attempts left: ${show(text)}`);
      eq(await page.getByLabel('Code', { exact: true }).getAttribute('aria-invalid'), 'true', 'code field aria-invalid');
      await shot(page, 'hosted-ui-wrong-code-fr');
    });
  }, { timeoutMs: 90_000 });

  test('browser: an expired code says so, and "Send a new code" sends one that signs in', async () => {
    // One-time codes live one minute on this server (the shortest Sesame allows): the test waits that long once.
    const own = await startOwnSesame({ name: 'expiry', env: { [`Sesame__UserPools__${POOL_ID}__OneTimeCode__Lifetime`]: '00:01:00' } });
    try {
      const ownEnv = createEnv({ serverUrl: own.server.baseUrl, apiUrl: own.server.baseUrl });
      const { url } = await start(ownEnv);
      const phone = uniquePhone();
      await sdkConfirmedUser(ownEnv, { phone });
      await withPage('en-GB', async (page) => {
        await page.goto(url.href);
        const watch = await outboxWatch(ownEnv, phone, 'SMS');
        await page.getByLabel('Phone number').fill(phone);
        await page.getByRole('button', { name: 'Send code' }).click();
        const first = await watch.next('first code');
        await page.getByLabel('Code', { exact: true }).waitFor();
        await sleep(61_000);
        await page.getByLabel('Code', { exact: true }).fill(first.code);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').filter({ hasText: 'This code has expired' }).waitFor();
        await shot(page, 'hosted-ui-expired');

        const again = await outboxWatch(ownEnv, phone, 'SMS');
        await page.getByRole('button', { name: 'Send a new code' }).click();
        await page.getByRole('status').filter({ hasText: 'We sent a new code' }).waitFor();
        const second = await again.next('resent code');
        await page.getByLabel('Code', { exact: true }).fill(second.code);
        const [request] = await Promise.all([
          page.waitForRequest((r) => r.url().startsWith(CALLBACK)),
          page.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        check(new URL(request.url()).searchParams.has('code'), `the callback has an authorization code: ${show(request.url().split('?')[0])}`);
      });
    } finally {
      await own.stop();
    }
  }, { timeoutMs: 150_000 });
}
