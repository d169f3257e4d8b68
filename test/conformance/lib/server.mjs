// Starting, health-waiting and stopping the Sesame server under test.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactText } from './redact.mjs';

/** The server build the suite tests: SESAME_DLL, else the Release build of this repository. */
export const SESAME_DLL = process.env.SESAME_DLL
  ? path.resolve(process.env.SESAME_DLL)
  : path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'artifacts', 'bin', 'Sesame.Host', 'release', 'Sesame.Host.dll');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `dotnet <dll> --urls http://127.0.0.1:<port> --data-dir <dataDir>` with its output in logFile.
 * `env` adds settings (e.g. `Sesame__Delivery__...`) for servers a test starts with its own configuration; `urls`
 * replaces the listening addresses (e.g. an https one beside the http one; baseUrl stays the http port).
 * Returns { child, baseUrl, exited: Promise<{code, signal}>, stop() }.
 */
export function startServer({ dll, port, dataDir, logFile, env = {}, urls = `http://127.0.0.1:${port}` }) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    'dotnet',
    [dll, '--urls', urls, '--data-dir', dataDir],
    {
      cwd: dataDir,
      env: {
        ...process.env,
        ...env,
        ASPNETCORE_ENVIRONMENT: 'Development',
        DOTNET_ENVIRONMENT: 'Development',
        DOTNET_NOLOGO: '1',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        // The suite sends many codes to few numbers from 127.0.0.1: it turns the send limits off for itself (the
        // .NET suite tests them, docs/security.md).
        // So do the password-attempt limits per IP and account and the prefix velocity (many new numbers, few verified).
        ...Object.fromEntries(['DestinationPerTenMinutes', 'DestinationPerDay', 'ClientIpPerHour', 'ClientIpPerDay', 'SmsPerHour', 'SmsPerDay',
          'PasswordAttemptsPerClientIpPerFiveMinutes', 'PasswordAttemptsPerClientIpPerHour', 'PasswordAttemptsPerAccountPerDay', 'PrefixUnconvertedPerHour']
          .map((name) => [`Sesame__UserPools__us-east-1_SesameDev__Limits__${name}`, '0'])),
        'Sesame__UserPools__us-east-1_SesameDev__Limits__DestinationInterval': '00:00:00',
        ...env,
      },
      stdio: ['ignore', log, log],
    },
  );
  fs.closeSync(log);
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.on('error', (err) => {
      exitInfo = { code: null, signal: null, error: err };
      resolve(exitInfo);
    });
  });

  const stop = async () => {
    if (exitInfo) return exitInfo;
    try {
      child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut && !exitInfo) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
      await Promise.race([exited, sleep(2000)]);
    }
    return exitInfo;
  };

  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    stop,
  };
}

/** Polls GET /health until it answers 200; throws on timeout or if the process exits first. */
export async function waitForHealth(baseUrl, { timeoutMs = 60_000, server } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server?.exitInfo) {
      const i = server.exitInfo;
      throw new Error(
        `server exited before it was healthy (code ${i.code}, signal ${i.signal}${i.error ? `, ${i.error.message}` : ''})`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
      await res.arrayBuffer().catch(() => {});
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await sleep(250);
  }
  throw new Error(`GET ${baseUrl}/health did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

export function tail(file, lines = 60) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1);
  } catch (e) {
    return [`(cannot read ${file}: ${e.message})`];
  }
}

/**
 * A Sesame of a test's own (its own settings, data directory and log, on free loopback ports), for scenarios the shared
 * server cannot host. `urls(httpPort)` may add listeners. Returns { server, dir, logFile, stop() }; stop() also
 * removes the directory (unless SESAME_CONF_KEEP=1). The process is killed if the suite exits without stopping it.
 */
export async function startOwnSesame({ name, env = {}, urls, dir, dll = SESAME_DLL }) {
  const home = dir ?? (await fs.promises.mkdtemp(path.join(os.tmpdir(), `sesame-${name}-`)));
  const port = await freePort();
  const dataDir = path.join(home, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(home, 'server.log');
  const server = startServer({ dll, port, dataDir, logFile, env, urls: urls ? urls(port) : undefined });
  const killOnExit = () => {
    if (!server.exitInfo) {
      try {
        server.child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  process.on('exit', killOnExit);
  const stop = async () => {
    await server.stop().catch(() => {});
    process.off('exit', killOnExit);
    if (process.env.SESAME_CONF_KEEP !== '1') fs.rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await waitForHealth(server.baseUrl, { timeoutMs: 60_000, server });
  } catch (e) {
    e.message += `\n${tail(logFile, 20).map(redactText).join('\n')}`;
    await stop();
    throw e;
  }
  return { server, dir: home, logFile, stop };
}
