// Three Sesame processes on one PostgreSQL database, driven by the official AWS SDK v3: any node serves any step of
// any sign-in, with no sticky sessions. Needs the cluster scripts/test.sh starts (SESAME_TEST_POSTGRES, an Npgsql
// connection string); a fresh database of it is made for the run and dropped after. Without it the tests are skipped
// with the reason, except under CI=true, where that is a failure (as for the .NET PostgreSQL tests).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sha256js from '@aws-crypto/sha256-js';
import {
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  ConfirmSignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { SignatureV4 } from '@smithy/signature-v4';
import { CLIENT_ID, POOL_ID, check, eq, expectError, newSdkClient, show, sleep, uniquePhone, wrongCode } from '../lib/cognito.mjs';
import { freePort, startServer, waitForHealth } from '../lib/server.mjs';

const { Sha256 } = sha256js;
const here = path.dirname(fileURLToPath(import.meta.url));
const dll = process.env.SESAME_DLL
  ? path.resolve(process.env.SESAME_DLL)
  : path.join(here, '..', '..', '..', 'artifacts', 'bin', 'Sesame.Host', 'release', 'Sesame.Host.dll');

/** Parses an Npgsql connection string (Host=…;Port=…;Username=…;Password=…;Database=…) into its parts. */
function parseConnectionString(value) {
  const parts = {};
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) parts[pair.slice(0, at).trim().toLowerCase()] = pair.slice(at + 1).trim();
  }
  return parts;
}

function psql(server, sql) {
  const r = spawnSync('psql', ['-h', server.host, '-p', server.port ?? '5432', '-U', server.username, '-d', server.database ?? 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { ...process.env, PGPASSWORD: server.password ?? '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`psql failed: ${(r.stderr || r.error?.message || '').split('\n')[0]}`);
}

let cluster = null;

/** Stops the three nodes and drops their database; run.mjs calls it on the way out. */
export async function stopMultiNode() {
  if (!cluster) return;
  const c = await cluster.catch(() => null);
  cluster = null;
  if (!c) return;
  await Promise.all(c.nodes.map((n) => n.stop().catch(() => {})));
  try {
    psql(c.server, `DROP DATABASE IF EXISTS ${c.database} WITH (FORCE)`);
  } catch {
    /* the cluster may be gone already */
  }
  if (process.env.SESAME_CONF_KEEP !== '1') fs.rmSync(c.dir, { recursive: true, force: true, maxRetries: 3 });
}

async function startCluster() {
  const server = parseConnectionString(process.env.SESAME_TEST_POSTGRES);
  const database = `sesame_conf_${Math.random().toString(36).slice(2, 10)}`;
  psql(server, `CREATE DATABASE ${database}`);
  const connectionString = `Host=${server.host};Port=${server.port ?? 5432};Username=${server.username};Password=${server.password ?? ''};Database=${database}`;
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sesame-multinode-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  // One public origin for all, as behind a load balancer: tokens name one issuer whichever node minted them.
  const origin = `http://127.0.0.1:${ports[0]}`;
  const nodes = ports.map((port, i) => {
    const dataDir = path.join(dir, `node${i + 1}`);
    fs.mkdirSync(dataDir, { recursive: true });
    return startServer({
      dll, port, dataDir, logFile: path.join(dir, `node${i + 1}.log`),
      env: {
        Sesame__Storage__Provider: 'Postgres',
        Sesame__Storage__ConnectionString: connectionString,
        Sesame__Storage__RefreshInterval: '00:00:01',
        Sesame__SigningKeys__PublishAhead: '00:00:05',
        Sesame__PublicOrigin: origin,
        // A message claimed by a node that dies is sent by another once the claim's lease ends: short here.
        Sesame__Delivery__SendTimeout: '00:00:02',
        Sesame__Delivery__Lease: '00:00:08',
      },
    });
  });
  // All three at once on an empty database: they race for the schema, the master key and the signing keys.
  try {
    await Promise.all(nodes.map((n) => waitForHealth(n.baseUrl, { timeoutMs: 90_000, server: n })));
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop().catch(() => {})));
    try {
      psql(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } catch {
      /* reported by the error below */
    }
    throw e;
  }
  return { server, database, dir, nodes, sdks: nodes.map((n) => newSdkClient(n.baseUrl)) };
}

const useCluster = () => (cluster ??= startCluster());

/** The n-th message to a destination, from whichever node's dispatcher sent it (the dev outbox is per node). */
async function messageFrom(nodes, to, count, waitMs = 20_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lists = await Promise.all(nodes.filter((n) => !n.exitInfo).map(async (n) => {
      const res = await fetch(`${n.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
      return res?.status === 200 ? res.json() : [];
    }));
    const all = lists.flat().sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
    if (all.length >= count) return all[count - 1];
    if (Date.now() > deadline) throw new Error(`no message #${count} to ${to.slice(0, 5)}… within ${waitMs / 1000} s on any node`);
    await sleep(100);
  }
}

async function confirmedUser(c, i = 0) {
  const phone = uniquePhone();
  await c.sdks[i].send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone, Password: undefined }));
  const code = (await messageFrom(c.nodes, phone, 1)).code;
  await c.sdks[(i + 1) % 3].send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: phone, ConfirmationCode: code }));
  return { phone, sent: 1 };
}

async function start(c, i, user) {
  // Counted on the nodes alive now: a dead node's development outbox (memory) is gone with it.
  const before = await liveMessages(c.nodes, user.phone);
  const res = await c.sdks[i].send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: user.phone } }));
  eq(res.ChallengeName, 'CUSTOM_CHALLENGE', 'ChallengeName');
  const code = (await messageFrom(c.nodes, user.phone, before + 1)).code;
  return { session: res.Session, username: res.ChallengeParameters.USERNAME, code };
}

async function liveMessages(nodes, to) {
  const lists = await Promise.all(nodes.filter((n) => !n.exitInfo).map(async (n) => {
    const res = await fetch(`${n.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
    return res?.status === 200 ? res.json() : [];
  }));
  return lists.flat().length;
}

const answer = (c, i, s, code) => c.sdks[i].send(new RespondToAuthChallengeCommand({
  ClientId: CLIENT_ID, ChallengeName: 'CUSTOM_CHALLENGE', Session: s.session, ChallengeResponses: { USERNAME: s.username, ANSWER: code },
}));

async function jwksKids(node) {
  const res = await fetch(`${node.baseUrl}/${POOL_ID}/.well-known/jwks.json`, { signal: AbortSignal.timeout(5000) });
  return (await res.json()).keys.map((k) => k.kid).sort().join(',');
}

export function registerMultiNodeTests(test, out) {
  if (!process.env.SESAME_TEST_POSTGRES) {
    if (process.env.CI === 'true') {
      test('multinode: a PostgreSQL cluster is available', async () => {
        throw new Error('SESAME_TEST_POSTGRES is not set, and CI=true: the multi-node tests must run here (scripts/test.sh starts the cluster).');
      });
    } else {
      out('# multinode: skipped: SESAME_TEST_POSTGRES is not set (no PostgreSQL cluster; run bash scripts/test.sh, or start one with scripts/postgres.sh)');
    }
    return;
  }

  const slow = { timeoutMs: 120_000 };

  test('multinode: three nodes started together on an empty database publish the same keys', async () => {
    const c = await useCluster();
    const kids = await Promise.all(c.nodes.map(jwksKids));
    check(kids[0].length > 0 && kids.every((k) => k === kids[0]), `JWKS differ between nodes: ${show(kids)}`);
  }, slow);

  test('multinode: InitiateAuth on node 1, RespondToAuthChallenge on node 2 (SDK v3)', async () => {
    const c = await useCluster();
    const user = await confirmedUser(c);
    const s = await start(c, 0, user);
    const res = await answer(c, 1, s, s.code);
    check(res.AuthenticationResult?.AccessToken, `no tokens: ${show(res)}`);
  }, slow);

  test('multinode: a refresh token from node 1 refreshed on node 3; GlobalSignOut on node 2 refused at once on nodes 1 and 3', async () => {
    const c = await useCluster();
    const user = await confirmedUser(c);
    const s = await start(c, 0, user);
    const tokens = (await answer(c, 0, s, s.code)).AuthenticationResult;
    const refreshed = await c.sdks[2].send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken }));
    check(refreshed.AuthenticationResult?.AccessToken, 'node 3 refreshed');
    await c.sdks[1].send(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken }));
    for (const i of [0, 2]) {
      await expectError(c.sdks[i].send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken })),
        'NotAuthorizedException', `refresh on node ${i + 1} after sign-out`);
    }
  }, slow);

  test('multinode: three wrong answers spread over three nodes end the sign-in', async () => {
    const c = await useCluster();
    const user = await confirmedUser(c);
    let s = await start(c, 0, user);
    const code = s.code;
    for (let i = 0; i < 3; i++) {
      const res = await answer(c, i, s, wrongCode(code)).catch((e) => e);
      if (i < 2) {
        eq(res.ChallengeName, 'CUSTOM_CHALLENGE', `answer ${i + 1} on node ${i + 1}: another challenge`);
        s = { ...s, session: res.Session };
      } else {
        eq(res.name, 'NotAuthorizedException', 'the third wrong answer ends the sign-in');
      }
    }
    await expectError(answer(c, 1, s, code), 'NotAuthorizedException', 'the right code after the sign-in ended');
  }, slow);

  test('multinode: of 16 concurrent right answers on one Session spread over the nodes exactly one gets tokens', async () => {
    const c = await useCluster();
    const user = await confirmedUser(c);
    const s = await start(c, 0, user);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => answer(c, i % 3, s, s.code).then((r) => r, (e) => e)));
    const winners = results.filter((r) => r.AuthenticationResult?.AccessToken);
    eq(winners.length, 1, `answers with tokens (others: ${show([...new Set(results.filter((r) => !r.AuthenticationResult).map((r) => r.name))])})`);
    check(results.filter((r) => !r.AuthenticationResult).every((r) => r.name === 'NotAuthorizedException'), 'the others are NotAuthorizedException');
  }, slow);

  test('multinode: a key rotated on node 1 is served by every node, and signs on all once its time comes', async () => {
    const c = await useCluster();
    const before = await jwksKids(c.nodes[0]);
    const url = new URL(`${c.nodes[0].baseUrl}/admin/user-pools/${POOL_ID}/signing-keys/rotate`);
    const signer = new SignatureV4({ credentials: { accessKeyId: 'sesame-dev', secretAccessKey: 'sesame-dev-secret' }, region: 'us-east-1', service: 'cognito-idp', sha256: Sha256 });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } });
    const res = await fetch(url, { method: 'POST', headers: signed.headers, signal: AbortSignal.timeout(10_000) });
    eq(res.status, 200, `rotate (${await res.clone().text()})`);
    const after = await jwksKids(c.nodes[0]);
    check(after.split(',').length === before.split(',').length + 2, `two new keys published on node 1: ${after}`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const kids = await Promise.all(c.nodes.map(jwksKids));
      if (kids.every((k) => k === after)) break;
      if (Date.now() > deadline) throw new Error(`nodes do not all publish the rotated keys within 20 s: ${show(kids)}`);
      await sleep(200);
    }
    // PublishAhead is 5 s here: after it, every node signs with the new key.
    await sleep(6000);
    const newKids = after.split(',').filter((k) => !before.split(',').includes(k));
    for (let i = 0; i < 3; i++) {
      const user = await confirmedUser(c, i);
      const s = await start(c, i, user);
      const token = (await answer(c, i, s, s.code)).AuthenticationResult.AccessToken;
      const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
      check(newKids.includes(kid), `node ${i + 1} signs with a rotated key`);
    }
  }, slow);

  test('multinode: node 3 killed (SIGKILL) mid-load: every acknowledged sign-up signs in, nodes 1 and 2 go on serving', async () => {
    const c = await useCluster();
    const acknowledged = [];
    let killed = false;
    let servedAfterKill = 0;
    const stopAt = Date.now() + 8000;
    // Bounded load: 4 callers for 8 s, each sign-up (SignUp, then ConfirmSignUp) on the next node in turn.
    const worker = async (w) => {
      for (let n = w; Date.now() < stopAt; n += 4) {
        const i = n % 3;
        const phone = uniquePhone();
        const killedBefore = killed;
        try {
          await c.sdks[i].send(new SignUpCommand({ ClientId: CLIENT_ID, Username: phone }));
          let code;
          try {
            code = (await messageFrom(c.nodes, phone, 1, 30_000)).code;
          } catch (e) {
            // Any node may claim any message: one that node 3 claimed and sent just before the kill went into node 3's
            // own dev outbox, which died with it (a provider would have delivered it). Only then is a code not seen;
            // the sign-up is not acknowledged, so nothing is owed for it.
            if (!killedBefore && killed) continue;
            throw e;
          }
          await c.sdks[i].send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: phone, ConfirmationCode: code }));
          acknowledged.push({ phone, sent: 1 });
          if (killed && i !== 2) servedAfterKill += 1;
        } catch (e) {
          // Only the killed node may fail a call; anything else is a failure of the test.
          if (!(killed && i === 2)) throw e;
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    await sleep(3000);
    c.nodes[2].child.kill('SIGKILL');
    killed = true;
    await load;
    check(servedAfterKill > 0, 'nodes 1 and 2 served sign-ups after node 3 died');
    check(acknowledged.length >= 4, `acknowledged sign-ups: ${acknowledged.length}`);
    for (const user of acknowledged) {
      const s = await start(c, acknowledged.indexOf(user) % 2, user);
      const res = await answer(c, (acknowledged.indexOf(user) + 1) % 2, s, s.code);
      check(res.AuthenticationResult?.AccessToken, `an acknowledged sign-up signs in after the kill (${acknowledged.indexOf(user) + 1} of ${acknowledged.length})`);
    }
  }, { timeoutMs: 180_000 });
}
