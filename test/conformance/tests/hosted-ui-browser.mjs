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

/** The phone step (typed, then Send code), up to the code field; returns the SMS from the dev outbox. */
async function sendCode(env, page, url, phone, what) {
  await page.goto(url.href);
  const watch = await outboxWatch(env, phone, 'SMS');
  await page.getByLabel('Phone number').fill(phone);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code', { exact: true }).waitFor();
  return watch.next(what);
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
    // A new code may be sent 30 seconds after the last (Limits:DestinationInterval): the page counts down to it.
    const own = await startOwnSesame({
      name: 'expiry',
      env: {
        [`Sesame__UserPools__${POOL_ID}__OneTimeCode__Lifetime`]: '00:01:00',
        [`Sesame__UserPools__${POOL_ID}__Limits__DestinationInterval`]: '00:00:30',
      },
    });
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
        const resend = page.getByRole('button', { name: 'Send a new code' });
        check(await resend.isDisabled(), '"Send a new code" is disabled until the send limits allow it');
        const countdown = page.locator('#resend-hint');
        const before = Number(/(\d+) seconds/.exec(await countdown.textContent())?.[1]);
        check(before > 20 && before <= 30, `the page says when a new code can be sent: ${show(await countdown.textContent())}`);
        await sleep(2_500);
        const later = Number(/(\d+) seconds/.exec(await countdown.textContent())?.[1]);
        check(later < before, `the countdown moves (${before} → ${later})`);
        await sleep(61_000);
        check(await resend.isEnabled(), '"Send a new code" is enabled once the interval has passed');
        check(await countdown.isHidden(), 'the countdown is gone once a new code can be sent');
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

  test('browser: without JavaScript the page still signs in (phone → code → callback)', async () => {
    const { url } = await start(env);
    const phone = uniquePhone();
    await withPage('en-GB', async (page) => {
      const message = await sendCode(env, page, url, phone, 'no-JavaScript sign-in');
      await page.getByLabel('Code', { exact: true }).fill(message.code);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().startsWith(CALLBACK)),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      check(new URL(request.url()).searchParams.has('code'), 'the callback has an authorization code');
    }, { javaScriptEnabled: false });
  }, { timeoutMs: 90_000 });

  test('browser: pasting a whole message keeps its digits, errors are tied to the field, Tab order follows the screen', async () => {
    const { url } = await start(env);
    const phone = uniquePhone();
    await withPage('en-GB', async (page) => {
      const message = await sendCode(env, page, url, phone, 'paste sign-in');
      const code = page.getByLabel('Code', { exact: true });
      const description = await code.evaluate((e) => e.getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id).textContent).join(' '));
      check(/6 digits/.test(description) && /Attempts left: \d/.test(description), `the code field's description gives the digits and attempts: ${show(description)}`);

      // Keyboard order: code → Sign in → (Send a new code, when enabled) → Use a different number → the languages.
      const order = [];
      await code.focus();
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => document.activeElement.textContent.trim() || document.activeElement.id));
      }
      eq(JSON.stringify(order), JSON.stringify(['Sign in', 'Send a new code', 'Use another number or email', 'English']), 'Tab order');

      const wrong = message.code === '000000' ? '111111' : '000000';
      await code.fill(wrong);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      const tied = await page.getByLabel('Code', { exact: true }).evaluate((e) => {
        const alert = document.querySelector('[role=alert]');
        return e.getAttribute('aria-invalid') === 'true' && e.getAttribute('aria-describedby').split(' ').includes(alert.id) && e === document.activeElement;
      });
      check(tied, 'after a wrong code the field is aria-invalid, described by the error, and focused');

      // A whole SMS pasted into the field: the page keeps the code's digits only.
      await page.getByLabel('Code', { exact: true }).evaluate((e, text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        e.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, `Your code: ${message.code.slice(0, 3)} ${message.code.slice(3)}`);
      eq(await page.getByLabel('Code', { exact: true }).inputValue(), message.code, 'the pasted code');
      const [request] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(CALLBACK)), page.keyboard.press('Enter')]);
      check(new URL(request.url()).searchParams.has('code'), 'signed in with the pasted code');
    });
  }, { timeoutMs: 90_000 });

  test('browser: every text on the page meets WCAG AA contrast (4.5:1, 3:1 for large text)', async () => {
    const { url } = await start(env);
    const phone = uniquePhone();
    const failures = [];
    const measure = async (page, screen) => {
      const found = await page.evaluate(() => {
        const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
          .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
        const background = (e) => {
          for (; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
          }
          return [255, 255, 255];
        };
        const out = [];
        for (const e of document.querySelectorAll('body *')) {
          const text = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
          if (!text || e.disabled || e.closest('[hidden]') || e.offsetParent === null) continue;
          const style = getComputedStyle(e);
          const [a, b] = [lum(rgb(style.color)), lum(background(e))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          const size = parseFloat(style.fontSize);
          const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
          out.push({ text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100, needed: large ? 3 : 4.5 });
        }
        return out;
      });
      check(found.length >= 3, `${screen}: texts measured (${found.length})`);
      failures.push(...found.filter((f) => f.ratio < f.needed).map((f) => `${screen}: ${show(f.text)} ${f.ratio}:1`));
    };
    await withPage('en-GB', async (page) => {
      await page.goto(url.href);
      await measure(page, 'phone');
      await page.getByLabel('Phone number').fill('12');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor();
      await measure(page, 'phone error');
      const watch = await outboxWatch(env, phone, 'SMS');
      await page.getByLabel('Phone number').fill(phone);
      await page.keyboard.press('Enter');
      const message = await watch.next('contrast sign-in');
      await page.getByLabel('Code', { exact: true }).fill(message.code === '000000' ? '111111' : '000000');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor();
      await measure(page, 'wrong code');
      await page.getByRole('button', { name: 'Send a new code' }).click();
      await page.getByRole('status').waitFor();
      await measure(page, 'code resent');
      await page.goto(`${env.serverUrl}/logout?client_id=${CLIENT_ID}`);
      await measure(page, 'signed out');
      await page.goto(`${env.serverUrl}/oauth2/authorize?client_id=${CLIENT_ID}&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F`);
      await measure(page, 'error');
    });
    check(failures.length === 0, `texts below WCAG AA contrast:\n${failures.join('\n')}`);
  }, { timeoutMs: 90_000 });

  test('browser: with the Web OTP API (Chrome on Android), the code the browser reads from the SMS signs in by itself', async () => {
    const { url } = await start(env);
    const phone = uniquePhone();
    await withPage('en-GB', async (page) => {
      // Desktop Chromium has no SMS to read: the platform's side of the API answers with the code the test gives it.
      await page.addInitScript(() => {
        window.OTPCredential = window.OTPCredential ?? function OTPCredential() {};
        Object.defineProperty(navigator, 'credentials', {
          value: { get: (options) => { window.otpRequest = JSON.parse(JSON.stringify({ otp: options.otp })); return new Promise((resolve) => { window.deliverOtp = resolve; }); } },
        });
      });
      const message = await sendCode(env, page, url, phone, 'Web OTP sign-in');
      await page.waitForFunction(() => typeof window.deliverOtp === 'function');
      eq(JSON.stringify(await page.evaluate(() => window.otpRequest)), '{"otp":{"transport":["sms"]}}', 'the page asks for an SMS one-time code');
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().startsWith(CALLBACK)),
        page.evaluate((code) => window.deliverOtp({ type: 'otp', code }), message.code),
      ]);
      check(new URL(request.url()).searchParams.has('code'), 'signed in with the code the browser read');
    });
  }, { timeoutMs: 90_000 });
}
