// Delivery through real transports: SMTP into a real SMTP server (maildev, started and stopped here), a provider
// that accepts a message at the moment the server is killed, delivery status signed with the SDK's own SigV4
// signer, and the Prometheus counters. Servers this file starts have their own data directory and configuration.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
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

/** A provider stand-in on loopback: records every request (method, path, headers, raw body) and answers with answer(). */
async function standIn(answer) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const recorded = { method: req.method, url: req.url, headers: req.headers, body };
      requests.push(recorded);
      const [status, type, text] = answer(recorded);
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

const form = (body) => Object.fromEntries(new URLSearchParams(body));
const sixDigits = (text) => /\b(\d{6})\b/.exec(text ?? '')?.[1];

/** GET /admin/messages signed by the AWS SDK's own SigV4 signer. */
async function adminMessages(baseUrl, query) {
  const url = new URL(`${baseUrl}/admin/messages`);
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'sesame-dev', secretAccessKey: 'sesame-dev-secret' }, region: 'us-east-1', service: 'cognito-idp', sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers: { host: url.host },
  });
  const res = await fetch(`${url}?${new URLSearchParams(query)}`, { headers: signed.headers, signal: AbortSignal.timeout(5000) });
  eq(res.status, 200, `GET /admin/messages (${await res.clone().text()})`);
  return (await res.json()).Messages;
}

export function registerDeliveryTests(test, env) {
  test('delivery: routes by country through the real server: India to a DLT gateway, US to Twilio, Jamaica (+1) not to the US route, Germany to Vonage, the rest to SNS signed with the instance role', async () => {
    const india = '+918123456789';
    const us = '+12015550123';
    const jamaica = '+18765230123';
    const germany = '+4915123456789';
    const gateway = await standIn(() => [200, 'application/json', JSON.stringify({ type: 'success', request_id: `gw-${gateway.requests.length}` })]);
    const twilio = await standIn(() => [201, 'application/json', JSON.stringify({ sid: `SM${twilio.requests.length}`, status: 'queued' })]);
    const vonage = await standIn(() => [200, 'application/json', JSON.stringify({ 'message-count': '1', messages: [{ status: '0', 'message-id': 'vonage-1' }] })]);
    const sns = await standIn(() => [200, 'text/xml', '<PublishResponse><PublishResult><MessageId>sns-1</MessageId></PublishResult></PublishResponse>']);
    const role = { AccessKeyId: 'ASIACONFORMANCEROLE', SecretAccessKey: 'role-secret-for-the-instance', Token: 'IQoJb3JpZ2luX2VjEConformance//token==' };
    // IMDSv2 on loopback: a session token for a PUT with a TTL; the role and its credentials only with that token.
    const imds = await standIn((r) => {
      if (r.method === 'PUT' && r.url === '/latest/api/token') {
        return r.headers['x-aws-ec2-metadata-token-ttl-seconds'] ? [200, 'text/plain', 'imds-token'] : [400, 'text/plain', 'no TTL'];
      }
      if (r.method !== 'GET' || r.headers['x-aws-ec2-metadata-token'] !== 'imds-token') return [401, 'text/plain', 'Unauthorized'];
      if (r.url === '/latest/meta-data/iam/security-credentials/') return [200, 'text/plain', 'sesame-sms'];
      if (r.url === '/latest/meta-data/iam/security-credentials/sesame-sms') {
        return [200, 'application/json', JSON.stringify({ Code: 'Success', Type: 'AWS-HMAC', ...role, Expiration: new Date(Date.now() + 6 * 3600_000).toISOString() })];
      }
      return [404, 'text/plain', 'Not Found'];
    });
    const routes = `${POOL_ENV}__Routes`;
    const provider = 'Sesame__Delivery__Providers';
    let server;
    try {
      server = await ownServer({
        [`${provider}__gateway__Type`]: 'Http',
        [`${provider}__gateway__Url`]: `${gateway.url}/api/v2/send`,
        [`${provider}__gateway__Auth`]: 'Header',
        [`${provider}__gateway__AuthHeader`]: 'authkey',
        [`${provider}__gateway__ApiKey`]: 'gateway-key',
        [`${provider}__gateway__ContentType`]: 'application/x-www-form-urlencoded',
        [`${provider}__gateway__MessageIdField`]: 'request_id',
        [`${provider}__gateway__Fields__mobiles`]: '{to_digits}',
        [`${provider}__gateway__Fields__message`]: '{body}',
        [`${provider}__gateway__Fields__sender`]: '{from}',
        [`${provider}__gateway__Fields__DLT_TE_ID`]: '{dlt_template_id}',
        [`${provider}__gateway__Fields__PE_ID`]: '{dlt_entity_id}',
        [`${provider}__twilio__Type`]: 'Twilio',
        [`${provider}__twilio__Endpoint`]: twilio.url,
        [`${provider}__twilio__AccountSid`]: 'ACconformance',
        [`${provider}__twilio__AuthToken`]: 'twilio-token',
        [`${provider}__twilio__From`]: '+15005550006',
        [`${provider}__vonage__Type`]: 'Vonage',
        [`${provider}__vonage__Endpoint`]: vonage.url,
        [`${provider}__vonage__ApiKey`]: 'vonage-key',
        [`${provider}__vonage__ApiSecret`]: 'vonage-secret',
        [`${provider}__vonage__From`]: 'Sesame',
        [`${provider}__sns__Type`]: 'Sns',
        [`${provider}__sns__Endpoint`]: sns.url,
        [`${provider}__sns__Region`]: 'us-east-1',
        // No keys: the default chain, which here ends at the instance endpoint (a loopback stand-in).
        AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_PROFILE: '',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '', AWS_CONTAINER_CREDENTIALS_FULL_URI: '', AWS_EC2_METADATA_DISABLED: '',
        AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'sesame-no-such-credentials'), AWS_CONFIG_FILE: path.join(os.tmpdir(), 'sesame-no-such-config'),
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
        [`${routes}__0__Name`]: 'india', [`${routes}__0__CountryCodes__0`]: '91', [`${routes}__0__Providers__0`]: 'gateway',
        [`${routes}__0__RequireDlt`]: 'true', [`${routes}__0__CostPerMessage`]: '0.0018',
        [`${routes}__1__Name`]: 'us-ca', [`${routes}__1__Regions__0`]: 'US', [`${routes}__1__Regions__1`]: 'CA', [`${routes}__1__Providers__0`]: 'twilio',
        [`${routes}__1__CostPerMessage`]: '0.0083',
        [`${routes}__2__Name`]: 'europe', [`${routes}__2__Regions__0`]: 'DE', [`${routes}__2__Regions__1`]: 'FR', [`${routes}__2__Providers__0`]: 'vonage',
        [`${routes}__3__Name`]: 'rest', [`${routes}__3__Channel`]: 'Sms', [`${routes}__3__Providers__0`]: 'sns',
        [`${POOL_ENV}__Templates__default__SignUp__DltEntityId`]: '1101234567890123456',
        [`${POOL_ENV}__Templates__default__SignUp__DltTemplateId`]: '1107160000000000002',
        [`${POOL_ENV}__Templates__default__SignUp__DltSenderId`]: 'SESAME',
      });
      for (const phone of [india, us, jamaica, germany]) await server.sdk.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone }));
      await until('every stand-in to get its message', async () => [gateway, twilio, vonage, sns].every((s) => s.requests.length >= 1));

      // India: the gateway's documented form, its API-key header, and the template's DLT ids and sender id.
      const [g] = gateway.requests;
      eq(`${g.method} ${g.url}`, 'POST /api/v2/send', 'gateway request line');
      eq(g.headers.authkey, 'gateway-key', 'gateway authkey header');
      check(g.headers['content-type'].startsWith('application/x-www-form-urlencoded'), `gateway content-type ${g.headers['content-type']}`);
      const gf = form(g.body);
      eq(Object.keys(gf).sort().join(','), 'DLT_TE_ID,PE_ID,message,mobiles,sender', 'gateway fields');
      eq([gf.mobiles, gf.sender, gf.DLT_TE_ID, gf.PE_ID].join(' '), '918123456789 SESAME 1107160000000000002 1101234567890123456', 'gateway values');
      const indiaCode = sixDigits(gf.message);
      check(indiaCode, `no code in ${show(gf.message)}`);
      await server.sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: india, ConfirmationCode: indiaCode }));

      // The US: Twilio's Messages API with basic auth; Jamaica is +1 too, but not the US by the whole number.
      eq(twilio.requests.length, 1, 'Twilio requests (the US number only)');
      const [t] = twilio.requests;
      eq(`${t.method} ${t.url}`, 'POST /2010-04-01/Accounts/ACconformance/Messages.json', 'Twilio request line');
      eq(t.headers.authorization, `Basic ${Buffer.from('ACconformance:twilio-token').toString('base64')}`, 'Twilio basic auth');
      const tf = form(t.body);
      eq(Object.keys(tf).sort().join(','), 'Body,From,To', 'Twilio fields');
      eq([tf.To, tf.From].join(' '), `${us} +15005550006`, 'Twilio To/From');
      await server.sdk.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: us, ConfirmationCode: sixDigits(tf.Body) }));

      // Germany: Vonage's SMS API, the number as digits.
      const vf = form(vonage.requests[0].body);
      eq(`${vonage.requests[0].method} ${vonage.requests[0].url}`, 'POST /sms/json', 'Vonage request line');
      eq(Object.keys(vf).sort().join(','), 'api_key,api_secret,from,text,to', 'Vonage fields');
      eq([vf.api_key, vf.from, vf.to].join(' '), 'vonage-key Sesame 4915123456789', 'Vonage values');

      // Jamaica, the rest: SNS Publish signed with the instance role's keys and session token, as the SDK signer signs it.
      eq(imds.requests.map((r) => `${r.method} ${r.url}`).join(', '),
        'PUT /latest/api/token, GET /latest/meta-data/iam/security-credentials/, GET /latest/meta-data/iam/security-credentials/sesame-sms', 'IMDSv2 requests');
      const [p] = sns.requests;
      const pf = form(p.body);
      eq([pf.Action, pf.PhoneNumber, pf['MessageAttributes.entry.1.Value.StringValue']].join(' '), `Publish ${jamaica} Transactional`, 'SNS Publish');
      eq(p.headers['x-amz-security-token'], role.Token, 'X-Amz-Security-Token');
      const amzDate = p.headers['x-amz-date'];
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const snsUrl = new URL(sns.url);
      const expected = await new SignatureV4({
        credentials: { accessKeyId: role.AccessKeyId, secretAccessKey: role.SecretAccessKey, sessionToken: role.Token },
        region: 'us-east-1', service: 'sns', sha256: Sha256, applyChecksum: false,
      }).sign({
        method: 'POST', protocol: 'http:', hostname: snsUrl.hostname, port: Number(snsUrl.port), path: '/',
        headers: { host: snsUrl.host, 'content-type': p.headers['content-type'] }, body: p.body,
      }, { signingDate });
      eq(p.headers.authorization, expected.headers.authorization, 'SNS Authorization (SigV4 with the role credentials)');

      // A sign-in code of the US user takes the same route.
      const started = await server.sdk.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: us } }));
      eq(started.ChallengeName, 'CUSTOM_CHALLENGE', 'InitiateAuth challenge');
      await until('the sign-in code at Twilio', async () => twilio.requests.length >= 2);
      eq(form(twilio.requests[1].body).To, us, 'sign-in code To');
      eq(gateway.requests.length + vonage.requests.length + sns.requests.length, 3, 'no other provider got a second message');

      // Which route each message took, and what it cost there.
      const sent = await until('all five messages sent', async () => {
        const list = await adminMessages(server.baseUrl, { limit: '10', pool: POOL_ID });
        return list.length === 5 && list.every((m) => m.Status === 'sent') && list;
      });
      const taken = sent.map((m) => `${m.Route} ${m.Provider} ${m.Cost ?? '-'}`).sort().join(', ');
      const expectedRoutes = 'europe vonage -, india gateway 0.0018, rest sns -, us-ca twilio 0.0083, us-ca twilio 0.0083';
      check(taken === expectedRoutes, `route, provider and cost per message: expected ${expectedRoutes}, got ${taken}`);
      eq(sent.find((m) => m.Route === 'india').Destination, `+${'*'.repeat(india.length - 5)}${india.slice(-4)}`, 'masked destination on the india route');
      const metrics = await (await fetch(`${server.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      check(metrics.includes('sesame_delivery_route_messages_total{channel="sms",outcome="sent",route="us-ca"} 2'), `us-ca count in ${show(metrics.slice(0, 300))}`);
      check(metrics.includes('sesame_delivery_route_cost_total{route="us-ca"} 0.0166'), 'us-ca spend');
      check(metrics.includes('sesame_delivery_route_cost_total{route="india"} 0.0018'), 'india spend');
    } finally {
      if (server) {
        await server.stop();
        await removeDir(server.dir);
      }
      for (const s of [gateway, twilio, vonage, sns, imds]) await s.close();
    }
  }, { timeoutMs: 120_000 });

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
