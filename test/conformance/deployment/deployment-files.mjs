#!/usr/bin/env node
// Static checks of the deployment files, part of scripts/publish-test.sh: the Dockerfile, docker-compose.yml and
// deploy/sesame.service must agree with each other (the data directory, the port, the executable, the proxy's address),
// and every variable the compose file requires must be one docs/deployment.md tells you to set. Each check stands for
// a mistake that would break a deployment nobody can start here (no Docker daemon). Prints `ok - …` / `not ok - …`.
// With --env-out DIR it also writes, as JSON objects of variable names to values, the environment the compose file gives
// its first Sesame node (compose-node.json, ${VAR} taken from this process's environment) and the unit's own
// Environment= lines (unit.json, %S as --state-root), which the caller hands to `sesame config check`.
//
//   node test/conformance/deployment/deployment-files.mjs [--repo DIR] [--env-out DIR --state-root DIR]

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

const { values: opt } = parseArgs({
  options: { repo: { type: 'string' }, 'env-out': { type: 'string' }, 'state-root': { type: 'string' } },
});
const repo = path.resolve(opt.repo ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..'));
const read = (file) => fs.readFileSync(path.join(repo, file), 'utf8');

let failures = 0;
function check(name, condition, detail) {
  if (condition) {
    console.log(`ok - ${name}`);
  } else {
    failures++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
}

// ------------------------------------------------------------------------------------------------ the Dockerfile
// Instructions with their continuation lines joined; comments dropped.
const instructions = read('Dockerfile').replace(/\\\r?\n/g, ' ').split(/\r?\n/)
  .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
  .map((l) => { const [, op, rest] = /^(\S+)\s*(.*)$/.exec(l); return { op: op.toUpperCase(), rest }; });
const runtimeAt = instructions.findLastIndex((i) => i.op === 'FROM');
const runtime = instructions.slice(runtimeAt);
const dockerEnv = {};
for (const { rest } of runtime.filter((i) => i.op === 'ENV')) {
  for (const [, key, value] of rest.matchAll(/(\w+)=(\S+)/g)) dockerEnv[key] = value;
}
const json = (op) => { const i = runtime.find((x) => x.op === op); return i ? JSON.parse(i.rest.replace(/^CMD\s+/, '')) : null; };
const entrypoint = json('ENTRYPOINT');
const cmd = json('CMD');
const healthcheck = runtime.find((i) => i.op === 'HEALTHCHECK');
const healthArgs = healthcheck ? JSON.parse(healthcheck.rest.slice(healthcheck.rest.indexOf('CMD') + 3).trim()) : null;
const expose = runtime.filter((i) => i.op === 'EXPOSE').map((i) => Number(i.rest.split('/')[0]));
const volumes = runtime.filter((i) => i.op === 'VOLUME').flatMap((i) => JSON.parse(i.rest));
const publishOut = /\s-o\s+(\S+)/.exec(instructions.find((i) => i.op === 'RUN' && /^dotnet publish /.test(i.rest))?.rest ?? '')?.[1];
const urlsPort = Number(/:(\d+)(?:\/|;|$)/.exec(dockerEnv.Urls ?? '')?.[1]);

check('Dockerfile: the runtime image runs in Production', dockerEnv.ASPNETCORE_ENVIRONMENT === 'Production', `ASPNETCORE_ENVIRONMENT=${dockerEnv.ASPNETCORE_ENVIRONMENT}`);
check('Dockerfile: ENTRYPOINT and HEALTHCHECK run the same program, from the publish output (-o)',
  entrypoint?.length === 1 && healthArgs?.[0] === entrypoint[0] && path.posix.dirname(entrypoint[0]) === publishOut,
  `ENTRYPOINT ${JSON.stringify(entrypoint)}, HEALTHCHECK ${JSON.stringify(healthArgs)}, publish -o ${publishOut}`);
check('Dockerfile: HEALTHCHECK is `sesame health`', healthArgs?.[1] === 'health', JSON.stringify(healthArgs));
check('Dockerfile: Urls listens on the EXPOSEd port, on every interface', expose.includes(urlsPort) && /^http:\/\/(\+|\*|0\.0\.0\.0|\[::\]):/.test(dockerEnv.Urls ?? ''),
  `Urls=${dockerEnv.Urls}, EXPOSE ${expose}`);
check('Dockerfile: SESAME_DATA_DIR is the VOLUME', volumes.length === 1 && dockerEnv.SESAME_DATA_DIR === volumes[0], `SESAME_DATA_DIR=${dockerEnv.SESAME_DATA_DIR}, VOLUME ${JSON.stringify(volumes)}`);

// ------------------------------------------------------------------------------------------- docker-compose.yml
const composeText = read('docker-compose.yml');
const compose = parseYaml(composeText, { merge: true });
const services = compose.services ?? {};
const sesameNodes = Object.entries(services).filter(([, s]) => s.build !== undefined);
const proxyEntry = Object.entries(services).find(([, s]) => String(s.image ?? '').startsWith('caddy'));
const pgEntry = Object.entries(services).find(([, s]) => String(s.image ?? '').startsWith('postgres'));
check('compose: two or more Sesame nodes built from the Dockerfile, a PostgreSQL and a proxy',
  sesameNodes.length >= 2 && proxyEntry && pgEntry && sesameNodes.every(([, s]) => s.build === '.' || s.build?.context === '.'),
  `nodes ${sesameNodes.map(([n]) => n)}, proxy ${proxyEntry?.[0]}, postgres ${pgEntry?.[0]}`);
const env = (s) => (Array.isArray(s.environment)
  ? Object.fromEntries(s.environment.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]))
  : { ...(s.environment ?? {}) });

for (const [name, node] of sesameNodes) {
  const mounts = (node.volumes ?? []).map((v) => (typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v));
  const data = mounts.find((m) => m.target === dockerEnv.SESAME_DATA_DIR);
  check(`compose: ${name} keeps its data on a named volume at the image's SESAME_DATA_DIR (${dockerEnv.SESAME_DATA_DIR})`,
    data && Object.hasOwn(compose.volumes ?? {}, data.source), `volumes ${JSON.stringify(node.volumes)}`);
  check(`compose: ${name} has a writable /tmp beside its read-only root`, node.read_only !== true || (node.tmpfs ?? []).includes('/tmp'), `tmpfs ${JSON.stringify(node.tmpfs)}`);
}
const nodeEnvs = sesameNodes.map(([, s]) => env(s));
check('compose: every node has the same storage, master key and public origin',
  nodeEnvs.every((e) => ['Sesame__Storage__Provider', 'Sesame__Storage__ConnectionString', 'Sesame__Secrets__MasterKey', 'Sesame__PublicOrigin']
    .every((k) => e[k] && e[k] === nodeEnvs[0][k])));

const [pgName, pg] = pgEntry ?? [];
const pgEnv = pg ? env(pg) : {};
const cs = Object.fromEntries((nodeEnvs[0]?.Sesame__Storage__ConnectionString ?? '').split(';').filter(Boolean)
  .map((p) => [p.slice(0, p.indexOf('=')).trim().toLowerCase(), p.slice(p.indexOf('=') + 1).trim()]));
const variable = (value) => /^\$\{(\w+)/.exec(value ?? '')?.[1];
check('compose: the connection string names the PostgreSQL service, its user, database and password variable',
  nodeEnvs[0]?.Sesame__Storage__Provider === 'Postgres' && cs.host === pgName && cs.username === pgEnv.POSTGRES_USER
  && cs.database === pgEnv.POSTGRES_DB && variable(cs.password) && variable(cs.password) === variable(pgEnv.POSTGRES_PASSWORD),
  `Host=${cs.host} Username=${cs.username} Database=${cs.database} Password=${cs.password} against ${pgName} ${JSON.stringify(pgEnv)}`);

const [proxyName, proxy] = proxyEntry ?? [];
const proxyCommand = Array.isArray(proxy?.command) ? proxy.command : String(proxy?.command ?? '').split(/\s+/);
const targets = proxyCommand.flatMap((a, i) => (a === '--to' ? [proxyCommand[i + 1]] : []));
check(`compose: ${proxyName} balances over every node, at the port the image listens on (${urlsPort})`,
  targets.length === sesameNodes.length && sesameNodes.every(([n]) => targets.includes(`${n}:${urlsPort}`)), `--to ${targets.join(' ')}`);
const proxyNetworks = Object.values(proxy?.networks ?? {}).filter((n) => n && n.ipv4_address);
const proxyAddress = proxyNetworks[0]?.ipv4_address;
const trusted = nodeEnvs.map((e) => Object.entries(e).filter(([k]) => k.startsWith('Sesame__TrustedProxies__')).map(([, v]) => v));
check(`compose: the nodes trust exactly the proxy's fixed address (${proxyAddress})`,
  proxyAddress && trusted.every((t) => t.length === 1 && t[0] === proxyAddress), `TrustedProxies ${JSON.stringify(trusted)}`);
const inSubnet = (address, cidr) => {
  const [base, bits] = cidr.split('/');
  const number = (a) => a.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(number(address) / size) === Math.floor(number(base) / size);
};
const subnets = Object.values(compose.networks ?? {}).flatMap((n) => n?.ipam?.config ?? []).map((c) => c.subnet);
check('compose: the proxy\'s address lies in the network\'s subnet', proxyAddress && subnets.some((s) => inSubnet(proxyAddress, s)), `${proxyAddress} in ${subnets}`);
const healthy = (name) => Boolean(services[name]?.healthcheck) || (services[name]?.build !== undefined && healthcheck);
const waits = Object.entries(services).flatMap(([n, s]) => Object.entries(s.depends_on ?? {})
  .filter(([, d]) => d?.condition === 'service_healthy').map(([target]) => [n, target]));
check('compose: every service waited for as service_healthy has a health check',
  waits.length > 0 && waits.every(([, t]) => healthy(t)), waits.filter(([, t]) => !healthy(t)).map(([n, t]) => `${n} -> ${t}`).join(', '));
const required = [...composeText.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]);
const optional = [...composeText.matchAll(/\$\{(\w+):-/g)].map((m) => m[1]);
const guide = read('docs/deployment.md');
const undocumented = [...new Set([...required, ...optional])].filter((v) => !guide.includes(`${v}=`));
check('compose: every variable it reads from .env is shown in docs/deployment.md', required.length > 0 && undocumented.length === 0, `missing ${undocumented}`);

// ------------------------------------------------------------------------------------------------ the systemd unit
const unit = {};
for (const line of read('deploy/sesame.service').split(/\r?\n/)) {
  const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
  if (m) (unit[m[1]] ??= []).push(m[2]);
}
const unitEnv = Object.fromEntries((unit.Environment ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
const execStart = (unit.ExecStart?.[0] ?? '').split(/\s+/);
check('unit: ExecStart runs the image\'s program name with the image\'s command',
  entrypoint && path.posix.basename(execStart[0]) === path.posix.basename(entrypoint[0]) && execStart[1] === cmd?.[0],
  `ExecStart ${unit.ExecStart}, ENTRYPOINT ${JSON.stringify(entrypoint)} CMD ${JSON.stringify(cmd)}`);
check('unit: SESAME_DATA_DIR is its StateDirectory (the only place it may write)',
  unit.StateDirectory?.length === 1 && unitEnv.SESAME_DATA_DIR === `%S/${unit.StateDirectory[0]}`, `SESAME_DATA_DIR=${unitEnv.SESAME_DATA_DIR}, StateDirectory=${unit.StateDirectory}`);
check('unit: runs in Production, state directory 0700', unitEnv.ASPNETCORE_ENVIRONMENT === 'Production' && unit.StateDirectoryMode?.[0] === '0700');

if (opt['env-out']) {
  const interpolate = (value) => String(value).replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name, kind, rest) => {
    const given = process.env[name];
    if (given) return given;
    if (kind === '-') return rest;
    throw new Error(`${name} is not set (the compose file requires it)`);
  });
  const nodeEnv = Object.fromEntries(Object.entries(nodeEnvs[0] ?? {}).map(([k, v]) => [k, interpolate(v)]));
  fs.writeFileSync(path.join(opt['env-out'], 'compose-node.json'), JSON.stringify({ ...dockerEnv, ...nodeEnv }));
  const stateRoot = opt['state-root'] ?? '/var/lib';
  fs.writeFileSync(path.join(opt['env-out'], 'unit.json'),
    JSON.stringify(Object.fromEntries(Object.entries(unitEnv).map(([k, v]) => [k, v.replaceAll('%S', stateRoot)]))));
}
process.exit(failures ? 1 : 0);
