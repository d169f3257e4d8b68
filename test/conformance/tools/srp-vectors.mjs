#!/usr/bin/env node
// Computes SRP test vectors with the client code of amazon-cognito-identity-js (AuthenticationHelper,
// DateHelper and its BigInteger), so Sesame's server-side SRP is checked against what real clients compute.
//
//   npm ci --prefix test/conformance
//   node test/conformance/tools/srp-vectors.mjs > test/Sesame.Tests/Unit/Fixtures/srp-vectors.json
//
// Every input is fixed (derived from a seed), so the output is reproducible and committed as a fixture.

import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AuthenticationHelper = require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger.js').default;
const DateHelper = require('amazon-cognito-identity-js/lib/DateHelper.js').default;

const seeded = (label, bytes) => {
  let out = Buffer.alloc(0);
  for (let i = 0; out.length < bytes; i++) {
    out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}`).digest()]);
  }
  return out.subarray(0, bytes);
};

const cases = [
  { poolId: 'us-east-1_SesameDev', user: '5f0c7b1e-3c1a-4d7e-9f57-0c8b6c1a2e44', password: 'correct horse battery staple', salt: seeded('salt-1', 16) },
  // A salt whose top bit is set: PAD adds a leading 0x00.
  { poolId: 'us-east-1_SesameDev', user: 'jane', password: 'P@ssw0rd!', salt: Buffer.concat([Buffer.from([0xc3]), seeded('salt-2', 15)]) },
  // A salt with a leading zero byte: PAD drops it.
  { poolId: 'eu-west-2_AbCdEf123', user: 'Jane.Doe@example.com', password: 'stäple 🔑 ünïcode', salt: Buffer.concat([Buffer.from([0x00, 0x7f]), seeded('salt-3', 14)]) },
  { poolId: 'ap-southeast-2_x', user: '+15551234567', password: 'x'.repeat(64), salt: seeded('salt-4', 16) },
];

const hex = (bi) => bi.toString(16);
const vectors = [];
for (const [i, c] of cases.entries()) {
  const poolName = c.poolId.split('_')[1];
  const helper = new AuthenticationHelper(poolName);
  // Fix the client's secret a (1024 bits, as the library draws it) instead of a random one.
  helper.smallAValue = new BigInteger(seeded(`a-${i}`, 128).toString('hex'), 16);
  helper.largeAValue = null;
  let A;
  helper.getLargeAValue((err, value) => {
    if (err) throw err;
    A = value;
  });

  const salt = new BigInteger(c.salt.toString('hex'), 16);
  // v = g^x mod N, with x built from the library's own padHex/hash/hexHash.
  const x = new BigInteger(helper.hexHash(helper.padHex(salt) + helper.hash(`${poolName}${c.user}:${c.password}`)), 16);
  let v;
  helper.g.modPow(x, helper.N, (err, value) => {
    if (err) throw err;
    v = value;
  });
  const b = new BigInteger(seeded(`b-${i}`, 32).toString('hex'), 16);
  let gb;
  helper.g.modPow(b, helper.N, (err, value) => {
    if (err) throw err;
    gb = value;
  });
  const B = helper.k.multiply(v).add(gb).mod(helper.N);

  let key;
  helper.getPasswordAuthenticationKey(c.user, c.password, B, salt, (err, value) => {
    if (err) throw err;
    key = value;
  });

  const secretBlock = seeded(`secret-block-${i}`, 48).toString('base64');
  const timestamp = ['Wed Apr 5 22:42:34 UTC 2017', 'Sat Nov 21 09:05:07 UTC 2026', 'Mon Jan 1 00:00:00 UTC 2024', 'Thu Feb 29 23:59:59 UTC 2024'][i];
  // As CognitoUser.authenticateUserDefaultAuth signs the claim.
  const signature = createHmac('sha256', key)
    .update(Buffer.concat([
      Buffer.from(poolName, 'utf8'),
      Buffer.from(c.user, 'utf8'),
      Buffer.from(secretBlock, 'base64'),
      Buffer.from(timestamp, 'utf8'),
    ]))
    .digest('base64');

  vectors.push({
    poolId: c.poolId,
    userIdForSrp: c.user,
    password: c.password,
    salt: hex(salt),
    a: hex(helper.smallAValue),
    A: hex(A),
    b: hex(b),
    verifier: hex(v),
    B: hex(B),
    u: hex(helper.UValue),
    key: Buffer.from(key).toString('hex'),
    secretBlock,
    timestamp,
    signature,
  });
}

// DateHelper.getNowString at fixed instants: the TIMESTAMP format clients send.
const RealDate = globalThis.Date;
const timestamps = [];
for (const ms of [Date.UTC(2017, 3, 5, 22, 42, 34), Date.UTC(2026, 10, 1, 9, 5, 7), Date.UTC(2024, 0, 10, 0, 0, 0)]) {
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [ms]));
    }
  };
  timestamps.push({ unixMs: ms, text: new DateHelper().getNowString() });
  globalThis.Date = RealDate;
}

const k = new AuthenticationHelper('x').k;
process.stdout.write(JSON.stringify({ source: 'amazon-cognito-identity-js 6.3.21 AuthenticationHelper/DateHelper', k: hex(k), vectors, timestamps }, null, 2) + '\n');
