// A tiny sequential test harness: test(name, fn) registers, run() executes each test with a time
// bound and reports `ok - name` / `not ok - name: message`, TAP-like, plus `#` diagnostic lines.

import { redactText } from './redact.mjs';

export const DEFAULT_TEST_TIMEOUT_MS = 30_000;

export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function createHarness() {
  const tests = [];
  const test = (name, fn, options = {}) => {
    if (tests.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
    tests.push({ name, fn, timeoutMs: options.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS });
  };

  /**
   * @param {object} hooks
   * @param {(name:string)=>any} [hooks.before] called before each test; its result is passed to after
   * @param {(name:string, token:any, error:Error|null)=>string[]} [hooks.diagnostics] lines to print for a failure
   * @param {(name:string)=>boolean} [hooks.filter]
   */
  const run = async ({ before, diagnostics, filter, out = (line) => process.stdout.write(line + '\n') } = {}) => {
    const results = [];
    for (const t of tests) {
      if (filter && !filter(t.name)) continue;
      const token = before ? before(t.name) : undefined;
      const started = Date.now();
      let error = null;
      let timer;
      try {
        await Promise.race([
          Promise.resolve().then(() => t.fn()),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`timed out after ${t.timeoutMs / 1000} s`)),
              t.timeoutMs,
            );
          }),
        ]);
      } catch (e) {
        error = e instanceof Error ? e : new Error(String(e));
      } finally {
        clearTimeout(timer);
      }
      const ms = Date.now() - started;
      if (error) {
        out(`not ok - ${t.name}: ${oneLine(describeError(error))}`);
        const lines = diagnostics ? diagnostics(t.name, token, error) : [];
        for (const line of lines) out(`#   ${line}`);
      } else {
        out(`ok - ${t.name}`);
      }
      results.push({ name: t.name, ok: !error, error, ms });
    }
    return results;
  };

  return { test, run, tests };
}

export function describeError(e) {
  if (e && e.$metadata) {
    // AWS SDK v3 service exception
    return `${e.name} (HTTP ${e.$metadata.httpStatusCode ?? '?'}): ${e.message}`;
  }
  if (e && e.code && e.name && e.name !== 'Error' && e.name !== 'AssertionError') {
    return `${e.name}: ${e.message}`;
  }
  return e?.message ?? String(e);
}

function oneLine(s) {
  return redactText(String(s)).replace(/\s+/g, ' ').trim();
}
