// The sample app (samples/amplify-web: Amplify v6, bundled by esbuild) in headless Chromium against a Sesame that
// listens on a loopback https port beside its http one: Amplify builds https://{domain}/oauth2/authorize, /oauth2/token
// and /logout, so the test makes a throwaway certificate (openssl) for Kestrel, and the browser context ignores
// certificate errors for it. Both ways of signing in: signInWithRedirect through the hosted page (phone → code from the
// dev outbox → back in the app → fetchAuthSession / getCurrentUser show the user → signOut through /logout), and the
// app's own screens (signUp + confirmSignUp + autoSignIn for a new number, signIn USER_AUTH SMS_OTP + confirmSignIn).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { shot, withPage } from '../lib/browser.mjs';
import { CLIENT_ID, POOL_ID, check, createEnv, eq, outboxWatch, sdkConfirmedUser, show, uniquePhone } from '../lib/cognito.mjs';
import { freePort, startOwnSesame } from '../lib/server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

let fixture = null;

/** Stops the https Sesame and the sample's server; run.mjs calls it on the way out. */
export async function stopAmplifyBrowser() {
  if (!fixture) return;
  const f = await fixture.catch(() => null);
  fixture = null;
  if (!f) return;
  await f.sample?.close().catch(() => {});
  await f.sesame?.stop().catch(() => {});
}

function makeCertificate(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { encoding: 'utf8', timeout: 30_000 });
  check(r.status === 0, `openssl could not make a certificate: ${(r.stderr || r.error?.message || '').split('\n')[0]}`);
  return { cert, key };
}

async function startFixture() {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sesame-amplify-'));
  const f = {};
  try {
    const { cert, key } = makeCertificate(dir);
    const [httpsPort, samplePort] = [await freePort(), await freePort()];
    const appUrl = `http://localhost:${samplePort}/`;
    const devClient = `Sesame__UserPools__${POOL_ID}__Clients__${CLIENT_ID}`;
    f.sesame = await startOwnSesame({
      name: 'amplify', dir,
      urls: (httpPort) => `http://127.0.0.1:${httpPort};https://127.0.0.1:${httpsPort}`,
      env: {
        Kestrel__Certificates__Default__Path: cert,
        Kestrel__Certificates__Default__KeyPath: key,
        // The app on its free port is one more callback and sign-out URL of the development client (appended).
        [`${devClient}__CallbackURLs__90`]: appUrl,
        [`${devClient}__LogoutURLs__90`]: appUrl,
      },
    });
    f.env = createEnv({ serverUrl: f.sesame.server.baseUrl, apiUrl: f.sesame.server.baseUrl });
    f.httpsOrigin = `https://127.0.0.1:${httpsPort}`;
    f.sample = await (await import('../../../samples/amplify-web/server.mjs')).startSample({
      esbuild,
      nodePaths: [path.join(repoRoot, 'test', 'conformance', 'node_modules')],
      port: samplePort,
      config: { userPoolId: POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: `${f.httpsOrigin}/`, oauthDomain: `127.0.0.1:${httpsPort}` },
    });
    return f;
  } catch (e) {
    await f.sesame?.stop();
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    throw e;
  }
}

const getFixture = () => (fixture ??= startFixture());

/** The sample in a browser that accepts the throwaway certificate; every request must stay on loopback. */
async function withApp(fn) {
  const f = await getFixture();
  return withPage('en-GB', async (page) => {
    const outside = [];
    page.on('request', (r) => {
      const host = new URL(r.url()).hostname;
      if (!['localhost', '127.0.0.1'].includes(host)) outside.push(host);
    });
    await page.goto(f.sample.url);
    await page.locator('body[data-ready=true]').waitFor();
    await fn(page, f);
    check(outside.length === 0, `requests left loopback: ${show([...new Set(outside)])}`);
  }, { ignoreHTTPSErrors: true });
}

async function expectSignedIn(page, phone, what) {
  await page.getByRole('status').filter({ hasText: 'Signed in as' }).waitFor({ timeout: 20_000 }).catch(async (e) => {
    const error = await page.locator('#error').textContent().catch(() => '');
    throw new Error(`${what}: the app does not show a signed-in user (${show(error)}; ${e.message.split('\n')[0]})`);
  });
  eq(await page.locator('#phone-number').textContent(), phone, `${what}: the phone_number of the ID token (fetchAuthSession)`);
  const username = await page.locator('#username').textContent();
  check(/^[0-9a-f-]{36}$/.test(username) || username === phone, `${what}: getCurrentUser username ${show(username)}`);
}

export function registerAmplifyBrowserTests(test) {
  test('browser: Amplify signInWithRedirect signs a new number in through the hosted page over https, and signOut goes through /logout', async () => {
    await withApp(async (page, f) => {
      const phone = uniquePhone();
      await page.getByRole('button', { name: 'Sign in with the hosted page' }).click();
      await page.waitForURL((u) => u.href.startsWith(`${f.httpsOrigin}/login`));
      const watch = await outboxWatch(f.env, phone, 'SMS');
      await page.getByLabel('Phone number').fill(phone);
      await page.getByRole('button', { name: 'Send code' }).click();
      const message = await watch.next('hosted page, from Amplify');
      await page.getByLabel('Code', { exact: true }).fill(message.code);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.href.startsWith(f.sample.url));
      await expectSignedIn(page, phone, 'after signInWithRedirect');
      await shot(page, 'amplify-sample-signed-in');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('status').filter({ hasText: 'Signed out' }).waitFor({ timeout: 20_000 });
      // The page session ended with /logout: signing in again asks for the number again.
      await page.getByRole('button', { name: 'Sign in with the hosted page' }).click();
      await page.getByLabel('Phone number').waitFor();
    });
  }, { timeoutMs: 120_000 });

  test('browser: the Amplify sample signs up and signs in by phone with its own screens (signUp/autoSignIn, signIn USER_AUTH SMS_OTP/confirmSignIn)', async () => {
    await withApp(async (page, f) => {
      const phone = uniquePhone();
      const up = await outboxWatch(f.env, phone, 'SMS');
      await page.getByLabel('Phone number').fill(phone);
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByLabel('Code', { exact: true }).fill((await up.next('signUp from the sample')).code);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expectSignedIn(page, phone, 'after signUp + autoSignIn');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('status').filter({ hasText: 'Signed out' }).waitFor();

      const known = uniquePhone();
      await sdkConfirmedUser(f.env, { phone: known });
      const watch = await outboxWatch(f.env, known, 'SMS');
      await page.getByLabel('Phone number').fill(known);
      await page.getByRole('button', { name: 'Send code' }).click();
      await page.getByLabel('Code', { exact: true }).fill((await watch.next('signIn from the sample')).code);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expectSignedIn(page, known, 'after signIn + confirmSignIn');
      eq(await page.locator('#how').textContent(), 'USER_AUTH', 'signInDetails.authFlowType');
      await shot(page, 'amplify-sample-own-screens');
    });
  }, { timeoutMs: 120_000 });
}
