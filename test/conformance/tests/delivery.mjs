// Delivery through real transports: SMTP into a real SMTP server (maildev, started and stopped here), a provider
// that accepts a message at the moment the server is killed, delivery status signed with the SDK's own SigV4
// signer, and the Prometheus counters. Servers this file starts have their own data directory and configuration.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import sha256js from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CLIENT_ID, POOL_ID, check, eq, newSdkClient, show, uniqueEmail, uniquePhone } from '../lib/cognito.mjs';
import { freePort, startServer, waitForHealth } from '../lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const conformanceRoot = path.resolve(here, '..');
const dll = process.env.SESAME_DLL
  ? path.resolve(process.env.SESAME_DLL)
  : path.join(conformanceRoot, '..', '..', 'artifacts', 'bin', 'Sesame.Host', 'release', 'Sesame.Host.dll');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { Sha256 } = sha256js;
const POOL_ENV = `Sesame__UserPools__${POOL_ID}__Delivery`;

/** Starts a Sesame server of its own (own port, data dir, settings); stop() removes everything. */
async function ownServer(env, dataDir) {
  const dir = dataDir ?? (await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sesame-delivery-')));
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const server = startServer({ dll, port, dataDir: path.join(dir, 'data'), logFile: path.join(dir, 'server.log'), env });
  try {
    await waitForHealth(server.baseUrl, { timeoutMs: 60_000, server });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return { ...server, dir, sdk: newSdkClient(server.baseUrl) };
}

async function removeDir(dir) {
  if (process.env.SESAME_CONF_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

async function until(what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** maildev as a child process on loopback (SMTP with AUTH, web API), stopped by stop(). */
async function startMaildev() {
  const smtpPort = await freePort();
  const webPort = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(conformanceRoot, 'node_modules', 'maildev', 'bin', 'maildev'),
      '--ip', '127.0.0.1', '--smtp', String(smtpPort), '--web', String(webPort),
      '--incoming-user', 'sesame', '--incoming-pass', 'smtp-secret', '--silent'],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const web = `http://127.0.0.1:${webPort}`;
  await until('maildev to listen', async () => {
    try {
      return (await fetch(`${web}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  });
  return {
    smtpPort,
    web,
    async emails(to) {
      const all = await (await fetch(`${web}/email`, { signal: AbortSignal.timeout(5000) })).json();
      return all.filter((m) => m.to?.some((t) => t.address === to));
    },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export function registerDeliveryTests(test, env) {
  test('delivery: SMTP sign-up code arrives in a real SMTP server with subject, text and HTML, and confirms', async () => {
    const maildev = await startMaildev();
    let server;
    try {
      server = await ownServer({
        Sesame__Delivery__Providers__mail__Type: 'Smtp',
        Sesame__Delivery__Providers__mail__Host: '127.0.0.1',
        Sesame__Delivery__Providers__mail__Port: String(maildev.smtpPort),
        Sesame__Delivery__Providers__mail__UserName: 'sesame',
        Sesame__Delivery__Providers__mail__Password: 'smtp-secret',
        // maildev offers no STARTTLS (it hides it); production relays must (Security defaults to StartTls).
        Sesame__Delivery__Providers__mail__Security: 'None',
        Sesame__Delivery__Providers__mail__From: 'Sesame Dev <no-reply@sesame.test>',
        [`${POOL_ENV}__EmailProviders__0`]: 'mail',
        [`${POOL_ENV}__Templates__default__SignUp__EmailHtmlMessage`]: '<p>Your code is <b>{####}</b> ({minutes} min)</p>',
      });
      const email = uniqueEmail();
      await server.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: email }));
      const [mail] = await until('the email in maildev', async () => (await maildev.emails(email)).at(0) && (await maildev.emails(email)));
      eq(mail.subject, 'Your Sesame Dev verification code', 'subject');
      eq(mail.from?.[0]?.address, 'no-reply@sesame.test', 'from');
      const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
      check(code, `no 6-digit code in the text part: ${show(mail.text)}`);
      eq(mail.text.trim(), `Your Sesame Dev verification code is ${code}. It expires in 10 minutes.`, 'text part');
      check((mail.html ?? '').includes(`<p>Your code is <b>${code}</b> (10 min)</p>`), `HTML part: ${show(mail.html)}`);
      await server.sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: email, ConfirmationCode: code }));
    } finally {
      if (server) {
        await server.stop();
        await removeDir(server.dir);
      }
      await maildev.stop();
    }
  }, { timeoutMs: 90_000 });

  test('delivery: server killed between "provider accepted" and "marked sent" sends that one message twice, the rest once', async () => {
    // A Twilio stand-in: holds the first request unanswered (the provider has it), counts everything.
    const received = [];
    let hold = true;
    let held = null;
    const fake = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        received.push({ to: form.get('To'), body: form.get('Body'), path: req.url });
        if (hold && !held) {
          held = res;
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${received.length}`, status: 'queued' }));
      });
    });
    await new Promise((r) => fake.listen(0, '127.0.0.1', r));
    const settings = {
      Sesame__Delivery__Providers__twilio__Type: 'Twilio',
      Sesame__Delivery__Providers__twilio__Endpoint: `http://127.0.0.1:${fake.address().port}`,
      Sesame__Delivery__Providers__twilio__AccountSid: 'ACconformance',
      Sesame__Delivery__Providers__twilio__AuthToken: 'twilio-token',
      Sesame__Delivery__Providers__twilio__From: '+15005550006',
      Sesame__Delivery__SmsProviders__0: 'twilio',
      // One message in flight at a time, so the crash catches exactly one at the moment of sending.
      Sesame__Delivery__Parallelism: '1',
      Sesame__Delivery__AttemptsPerProvider: '1',
      Sesame__Delivery__SendTimeout: '00:00:20',
      Sesame__Delivery__Lease: '00:00:25',
    };
    let server;
    let dir;
    try {
      server = await ownServer({ ...settings, Sesame__Delivery__Lease: '00:00:04', Sesame__Delivery__SendTimeout: '00:00:03' });
      dir = server.dir;
      const phones = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
      await server.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phones[0] }));
      await until('the provider to receive the first message', async () => held);
      // The dispatcher is stuck sending message 1; these four are committed and queued behind it.
      for (const phone of phones.slice(1)) await server.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone }));
      server.child.kill('SIGKILL');
      await server.exited;
      eq(received.length, 1, 'requests the provider had when the server died');
      held.destroy();
      hold = false;

      server = await ownServer(settings, dir);
      // The queued four go at once; the one in flight waits for its lease to run out, then goes again.
      const count = (p) => received.filter((r) => r.to === p).length;
      await until('every number to get its code', async () => count(phones[0]) >= 2 && phones.every((p) => count(p) >= 1), 20_000);
      await sleep(1500);
      const per = phones.map((p) => received.filter((r) => r.to === p));
      eq(per[0].length, 2, `messages to the number in flight at the crash (${show(per.map((x) => x.length))})`);
      eq(per[0][0].body, per[0][1].body, 'the duplicate carries the same code');
      for (let i = 1; i < phones.length; i++) eq(per[i].length, 1, `messages to queued number #${i}`);
      eq(received.length, phones.length + 1, 'total requests');
      const code = /\b(\d{6})\b/.exec(per[0][1].body)[1];
      await server.sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: phones[0], ConfirmationCode: code }));
    } finally {
      if (server) await server.stop();
      if (dir) await removeDir(dir);
      held?.destroy();
      await new Promise((r) => fake.close(r));
    }
  }, { timeoutMs: 120_000 });

  test('delivery: GET /admin/messages signed by the AWS SDK signer shows the message as sent, masked', async () => {
    const phone = uniquePhone();
    await env.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone }));
    const url = new URL(`${env.serverUrl}/admin/messages`);
    const query = { pool: POOL_ID, destination: phone, status: 'sent' };
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'sesame-dev', secretAccessKey: 'sesame-dev-secret' },
      region: 'us-east-1',
      service: 'cognito-idp',
      sha256: Sha256,
    });
    const messages = await until('the message to be sent', async () => {
      const signed = await signer.sign({
        method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query,
        headers: { host: url.host },
      });
      const res = await fetch(`${url}?${new URLSearchParams(query)}`, { headers: signed.headers, signal: AbortSignal.timeout(5000) });
      eq(res.status, 200, `status (${await res.clone().text()})`);
      const list = (await res.json()).Messages;
      return list.length > 0 && list;
    });
    eq(messages.length, 1, 'messages to this number');
    eq(messages[0].Destination, `+*******${phone.slice(-4)}`, 'masked destination');
    eq(messages[0].Provider, 'development', 'provider');
    const unsigned = await fetch(`${url}?${new URLSearchParams(query)}`, { signal: AbortSignal.timeout(5000) });
    eq(unsigned.status, 403, 'unsigned request');
  });

  test('delivery: GET /metrics counts sent messages in Prometheus text format', async () => {
    const res = await fetch(`${env.serverUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    eq(res.status, 200, 'status');
    check((res.headers.get('content-type') ?? '').startsWith('text/plain'), `content-type ${res.headers.get('content-type')}`);
    const text = await res.text();
    check(text.includes('# TYPE sesame_delivery_messages_total counter'), `no TYPE line in ${show(text.slice(0, 300))}`);
    const sent = /^sesame_delivery_messages_total\{channel="sms",outcome="sent",provider="development"\} (\d+)$/m.exec(text);
    check(sent && Number(sent[1]) >= 1, `no sent SMS counted: ${show(text.slice(0, 500))}`);
  });
}
