#!/usr/bin/env node
// Sesame real-client conformance suite.
//
//   dotnet build -c Release            (from the repo root, beforehand)
//   node test/conformance/run.mjs [substring...]
//
// Starts artifacts/bin/Sesame.Host/release/Sesame.Host.dll on a free loopback port with a temporary
// data directory, runs every scenario (or those whose name contains one of the given substrings)
// through real npm clients, prints `ok - name` / `not ok - name: why`, then `N passed, M failed`.
//
// Environment:
//   SESAME_URL=http://127.0.0.1:9229   test a server that is already running instead of starting one
//   SESAME_DLL=/path/Sesame.Host.dll   another build of the server
//   SESAME_CONF_KEEP=1                 keep the temporary data dir and server log
//   SESAME_CONF_NO_PROXY=1             clients talk to Sesame directly (no recording proxy, no transcripts)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHarness } from './lib/harness.mjs';
import { createEnv } from './lib/cognito.mjs';
import { formatExchanges, startRecordingProxy } from './lib/proxy.mjs';
import { redactText } from './lib/redact.mjs';
import { freePort, startServer, tail, waitForHealth } from './lib/server.mjs';
import { registerAccountTests } from './tests/account.mjs';
import { registerAdminTests } from './tests/admin.mjs';
import { registerAmplifyUserAuthTests } from './tests/amplify-userauth.mjs';
import { registerAmplifyV5Tests } from './tests/amplify-v5.mjs';
import { registerFlutterWireTests } from './tests/flutter-wire.mjs';
import { registerDeliveryTests } from './tests/delivery.mjs';
import { registerGroupTests } from './tests/groups.mjs';
import { registerNewPasswordTests } from './tests/new-password.mjs';
import { registerLegacyTests } from './tests/legacy.mjs';
import { registerOidcTests } from './tests/oidc.mjs';
import { registerHostedUiBrowserTests } from './tests/hosted-ui-browser.mjs';
import { registerAmplifyBrowserTests, stopAmplifyBrowser } from './tests/amplify-browser.mjs';
import { registerMultiNodeTests, stopMultiNode } from './tests/multinode.mjs';
import { registerPasswordTests } from './tests/passwords.mjs';
import { registerPasswordRecoveryTests } from './tests/password-recovery.mjs';
import { registerPoolPolicyTests } from './tests/pool-policies.mjs';
import { registerSdkTests } from './tests/sdk.mjs';
import { registerTriggerTests, startSeedTriggers } from './tests/triggers.mjs';
import { registerWireTests } from './tests/wire.mjs';

// The SDK's Node 20 end-of-support notice is noise here (the brief pins Node 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const dll = process.env.SESAME_DLL
  ? path.resolve(process.env.SESAME_DLL)
  : path.join(repoRoot, 'artifacts', 'bin', 'Sesame.Host', 'release', 'Sesame.Host.dll');
const filters = process.argv.slice(2);
const out = (line) => process.stdout.write(line + '\n');

let server = null;
let seedTriggers = null;
let proxy = null;
let tmpDir = null;
let logFile = null;
let cleaningUp = null;

function cleanup() {
  cleaningUp ??= (async () => {
    await stopMultiNode().catch(() => {});
    await stopAmplifyBrowser().catch(() => {});
    if (proxy) await proxy.close().catch(() => {});
    if (server) await server.stop().catch(() => {});
    if (seedTriggers) await seedTriggers.host.close().catch(() => {});
    if (tmpDir) {
      if (process.env.SESAME_CONF_KEEP === '1') out(`# kept ${tmpDir}`);
      else fs.rmSync(tmpDir, { recursive: true, force: true, maxRetries: 3 });
    }
  })();
  return cleaningUp;
}

function printLogTail(lines = 60) {
  if (!logFile) return;
  out(`# --- last ${lines} lines of the server log (${logFile}) ---`);
  for (const l of tail(logFile, lines)) out(`# ${redactText(l)}`);
  out('# --- end of server log ---');
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    out(`# ${sig}: stopping the server`);
    cleanup().finally(() => process.exit(130));
  });
}
// A test that timed out may still fail later in the background: note it, never crash the run.
process.on('unhandledRejection', (e) => {
  out(`# (late, after its test ended) ${redactText(e?.message ?? e).split('\n')[0]}`);
});
// Last resort if the process is leaving without cleanup: never leave a server behind.
process.on('exit', () => {
  if (server && !server.exitInfo) {
    try {
      server.child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
});

async function main() {
  let serverUrl;
  if (process.env.SESAME_URL) {
    serverUrl = process.env.SESAME_URL.replace(/\/+$/, '');
    out(`# using the running server at ${serverUrl}`);
    await waitForHealth(serverUrl, { timeoutMs: 10_000 });
  } else {
    if (!fs.existsSync(dll)) {
      out(`error: the server is not built: ${dll} does not exist.`);
      out(`       Build it first from the repository root: dotnet build -c Release`);
      return 1;
    }
    const port = await freePort();
    tmpDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'sesame-conf-'));
    logFile = path.join(tmpDir, 'server.log');
    const dataDir = path.join(tmpDir, 'data');
    fs.mkdirSync(dataDir);
    // The tutorials' trigger handlers run behind a wrapper the server calls as HTTP triggers of extra pools.
    seedTriggers = await startSeedTriggers();
    server = startServer({ dll, port, dataDir, logFile, env: seedTriggers.serverEnv });
    serverUrl = server.baseUrl;
    out(`# server: dotnet ${dll} on ${serverUrl}, data in ${dataDir}`);
    try {
      await waitForHealth(serverUrl, { timeoutMs: 60_000, server });
    } catch (e) {
      out(`error: ${e.message}`);
      printLogTail();
      return 1;
    }
  }

  let apiUrl = serverUrl;
  if (process.env.SESAME_CONF_NO_PROXY !== '1') {
    proxy = await startRecordingProxy({ upstreamPort: Number(new URL(serverUrl).port || 80) });
    apiUrl = proxy.url;
  }
  const env = createEnv({ serverUrl, apiUrl });

  const { test, run } = createHarness();
  registerWireTests(test, env);
  registerSdkTests(test, env);
  registerLegacyTests(test, env);
  registerAdminTests(test, env);
  registerAmplifyUserAuthTests(test, env);
  registerPasswordTests(test, env);
  registerDeliveryTests(test, env);
  registerAccountTests(test, env);
  registerGroupTests(test, env);
  registerNewPasswordTests(test, env);
  registerPasswordRecoveryTests(test, env);
  registerPoolPolicyTests(test, env);
  registerOidcTests(test, env);
  registerHostedUiBrowserTests(test, env);
  registerAmplifyBrowserTests(test);
  registerMultiNodeTests(test, out);
  registerFlutterWireTests(test, env);
  if (seedTriggers) registerTriggerTests(test, env, seedTriggers);
  // Seed 003's own handlers: only in the pools the suite configures when it starts the server.
  if (seedTriggers) registerAmplifyV5Tests(test, env);

  const results = await run({
    filter: filters.length ? (name) => filters.some((f) => name.includes(f)) : undefined,
    before: () => proxy?.mark(),
    diagnostics: (name, mark, error) => {
      const lines = [];
      if (error?.stack && !error.$metadata && error.name !== 'AssertionError' && !error.code) {
        lines.push(...error.stack.split('\n').slice(1, 4).map((l) => `at ${l.trim().replace(/^at /, '')}`));
      }
      if (proxy) {
        const ex = proxy.since(mark);
        if (ex.length) {
          const shown = ex.slice(-6);
          lines.push(`wire transcript (last ${shown.length} of ${ex.length} API exchanges):`);
          lines.push(...formatExchanges(shown));
        }
      }
      if (server?.exitInfo) lines.push(`the server process has exited: ${JSON.stringify(server.exitInfo)}`);
      return lines.map(redactText);
    },
    out,
  });

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  if (failed > 0) printLogTail(40);
  out(`${passed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  out(`error: ${redactText(e?.stack ?? e)}`);
  printLogTail();
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
