#!/usr/bin/env node
// Builds the sample (src/app.js with Amplify, bundled by esbuild) and serves it on loopback with /config.json, which
// tells the app where Sesame is.
//
//   npm --prefix samples/amplify-web start        (installs its packages the first time)
//
// Environment (defaults are the development server's):
//   SESAME_URL=http://127.0.0.1:9229             Sesame's Cognito API (Amplify's userPoolEndpoint)
//   SESAME_OAUTH_DOMAIN=localhost:9230           host:port where Sesame answers https (Amplify builds https://{domain}/oauth2/...)
//   SESAME_POOL_ID=us-east-1_SesameDev  SESAME_CLIENT_ID=sesamedevclient0000000000
//   PORT=5173                                    the app is at http://localhost:PORT/ (a CallbackURL of the dev client)
//
// The conformance suite imports startSample() and serves the same app against a Sesame it starts.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bundles src/app.js with esbuild (the caller's module, so the test suite can lend its own) into memory. */
export async function bundle({ esbuild, nodePaths = [] }) {
  const result = await esbuild.build({
    entryPoints: [path.join(here, 'src', 'app.js')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    write: false,
    nodePaths,
    logLevel: 'silent',
    define: { global: 'globalThis' },
  });
  return result.outputFiles[0].contents;
}

/**
 * Serves the app on http://localhost:<port>/ (loopback only). `config` is what /config.json answers:
 * { userPoolId, userPoolClientId, userPoolEndpoint, oauthDomain }. Returns { url, close() }.
 */
export async function startSample({ esbuild, nodePaths, port = 0, config }) {
  const files = {
    '/': { type: 'text/html; charset=utf-8', body: fs.readFileSync(path.join(here, 'index.html')) },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: await bundle({ esbuild, nodePaths }) },
    '/app.css': { type: 'text/css; charset=utf-8', body: fs.readFileSync(path.join(here, 'src', 'app.css')) },
    '/config.json': { type: 'application/json', body: JSON.stringify(config) },
  };
  const server = http.createServer((req, res) => {
    const file = req.method === 'GET' ? files[new URL(req.url, 'http://localhost').pathname] : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://localhost:${server.address().port}/`;
  return {
    url,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const esbuild = await import('esbuild');
  const env = process.env;
  const config = {
    userPoolId: env.SESAME_POOL_ID ?? 'us-east-1_SesameDev',
    userPoolClientId: env.SESAME_CLIENT_ID ?? 'sesamedevclient0000000000',
    userPoolEndpoint: `${(env.SESAME_URL ?? 'http://127.0.0.1:9229').replace(/\/+$/, '')}/`,
    oauthDomain: env.SESAME_OAUTH_DOMAIN ?? 'localhost:9230',
  };
  const sample = await startSample({ esbuild, port: Number(env.PORT ?? 5173), config });
  process.stdout.write(`Sesame Amplify sample at ${sample.url} (API ${config.userPoolEndpoint}, hosted page https://${config.oauthDomain}/). Ctrl+C stops it.\n`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => sample.close().then(() => process.exit(0)));
  }
}
