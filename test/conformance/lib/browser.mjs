// Headless Chromium (Debian's chromium, driven by npm playwright-core) for the browser tests: one browser per test,
// bounded in time, always closed. With SESAME_SCREENSHOTS=<dir>, shot() saves PNGs (scripts/screenshots.sh).

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { check } from './cognito.mjs';

const CHROMIUM = process.env.SESAME_CHROMIUM ?? '/usr/bin/chromium';

/** Runs fn(page) in a fresh browser whose language is `lang`; `context` adds Playwright context options. */
export async function withPage(lang, fn, context = {}) {
  check(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's chromium (scripts/test.sh does) or set SESAME_CHROMIUM`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
  try {
    const ctx = await browser.newContext({ locale: lang, extraHTTPHeaders: { 'accept-language': lang }, ...context });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    return await fn(page);
  } finally {
    await browser.close();
  }
}

export async function shot(page, name) {
  const dir = process.env.SESAME_SCREENSHOTS;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`) });
  }
}
