// A transparent recording reverse proxy on loopback. The clients under test talk to it, it forwards
// every request byte for byte to Sesame (Host rewritten to Sesame's own address) and keeps a
// transcript, so a failing test can show the exact wire exchange that went wrong.

import http from 'node:http';
import { redactBody } from './redact.mjs';

export async function startRecordingProxy({ upstreamPort, maxExchanges = 2000 }) {
  const exchanges = [];
  let seq = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const reqBody = Buffer.concat(chunks);
      const headers = { ...req.headers, host: `127.0.0.1:${upstreamPort}` };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(reqBody.length);
      const ex = {
        seq: ++seq,
        at: new Date().toISOString(),
        method: req.method,
        path: req.url,
        target: req.headers['x-amz-target'] ?? null,
        requestBody: reqBody.toString('utf8'),
        status: null,
        responseHeaders: null,
        responseBody: null,
        error: null,
      };
      exchanges.push(ex);
      if (exchanges.length > maxExchanges) exchanges.shift();

      const up = http.request(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers, agent },
        (upRes) => {
          const upChunks = [];
          upRes.on('data', (c) => upChunks.push(c));
          upRes.on('error', (e) => {
            ex.error = `upstream response error: ${e.message}`;
            res.destroy();
          });
          upRes.on('end', () => {
            const body = Buffer.concat(upChunks);
            ex.status = upRes.statusCode;
            ex.responseHeaders = upRes.headers;
            ex.responseBody = body.toString('utf8');
            const outHeaders = { ...upRes.headers };
            delete outHeaders['transfer-encoding'];
            delete outHeaders['connection'];
            delete outHeaders['keep-alive'];
            outHeaders['content-length'] = String(body.length);
            res.writeHead(upRes.statusCode, upRes.statusMessage, outHeaders);
            res.end(body);
          });
        },
      );
      up.setTimeout(30_000, () => up.destroy(new Error('upstream timeout (30 s)')));
      up.on('error', (e) => {
        ex.error = `upstream error: ${e.message}`;
        ex.status = 502;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${e.message}`);
      });
      up.end(reqBody);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    /** A mark to pass to since(). */
    mark: () => seq,
    since: (mark) => exchanges.filter((e) => e.seq > mark),
    close: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Human-readable, redacted lines for a list of exchanges. */
export function formatExchanges(list) {
  const lines = [];
  for (const ex of list) {
    const op = ex.target ? ex.target.replace(/^AWSCognitoIdentityProviderService\./, '') : `${ex.method} ${ex.path}`;
    lines.push(`> ${op}  ${ex.method} ${ex.path}  ${redactBody(ex.requestBody)}`);
    if (ex.error) lines.push(`< ${ex.error}`);
    else {
      const ct = ex.responseHeaders?.['content-type'] ?? '-';
      const et = ex.responseHeaders?.['x-amzn-errortype'];
      lines.push(
        `< HTTP ${ex.status} [${ct}${et ? `; x-amzn-errortype: ${et}` : ''}]  ${redactBody(ex.responseBody)}`,
      );
    }
  }
  return lines;
}
