/**
 * The HTML report opened in headless Chromium (Debian's package; .ci/run installs it): it renders, logs no
 * console error, makes no network request, runs no script, and the hostile URL stays text. A screenshot is
 * kept in the temp dir for a person to look at.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithout } from '../helpers/tools.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'wsdiag-html-'));

describe.skipIf(skipWithout(CHROMIUM))('HTML report in Chromium', () => {
  it('Chromium is installed (CI installs it)', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('renders with no console error, no network request and no script run', { timeout: 60_000 }, async () => {
    const log = join(dir, 'mixed.log');
    const hostile = '/ws?q=<script>document.title="pwned"</script>\'`<img src=http://127.0.0.1:9/x.png onerror=alert(1)>';
    const { readFileSync } = await import('node:fs');
    writeFileSync(log, readFileSync(join(root, 'samples/ws-httplog.log'), 'utf8') +
      `127.0.0.1:40000 [22/Nov/2026:04:41:39.000] fe_ws be_ws/ws1 0/0/1/-1/5 502 0 - - SH-- 1/1/1/1/0 0/0 {websocket|Upgrade} "GET ${hostile} HTTP/1.1"\n`);
    const html = join(dir, 'report.html');
    await run(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'report', log, '--config', join(root, 'samples/ws-httplog.cfg'), '--compare', 'previous', '--format', 'html', '--out', html], { cwd: root, env: { ...process.env, TZ: 'UTC' } });

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => {
        consoleErrors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(`file://${html}`);
      await page.waitForLoadState('load');
      expect(await page.title()).toBe('wsdiag report');
      expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('h2', { hasText: 'Findings' }).count()).toBe(1);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('body').innerText()).toContain('<script>document.title="pwned"</script>');
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      expect(consoleErrors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
