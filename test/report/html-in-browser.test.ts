/**
 * The HTML report of a real-HAProxy incident (samples/ws-httplog.log, written by HAProxy 2.6 while backends failed
 * on purpose, plus a hostile request) opened in headless Chromium at 1280 px: the incident is on the first screen
 * (header, worst findings, a chart), no SVG text is clipped or overlaps another, nothing runs, nothing is
 * fetched, and the hostile URL stays text. Screenshots stay in the temp dir for a person to look at.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithout } from '../helpers/tools.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'wsdiag-html-'));
const WIDTH = 1280;
const HEIGHT = 800;
const hostile = '/ws?q=<script>document.title="pwned"</script>\'`<img src=http://127.0.0.1:9/x.png onerror=alert(1)>';

describe.skipIf(skipWithout(CHROMIUM))('HTML report in Chromium', () => {
  let browser: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const log = join(dir, 'incident.log');
    // The lab's server DOWN/UP lines (samples/events.log; HAProxy wrote them with `format raw`) as a syslog daemon
    // stores them, with a time stamp, inside the incident's window: the DOWN/UP timeline needs times.
    const stateLines = readFileSync(join(root, 'samples/events.log'), 'utf8').split('\n')
      .filter((l) => /^Server \S+ is (DOWN|UP)\b|has no server available!$/.test(l))
      // In the order logged: the first half in one second, the rest in the next.
      .map((l, i, all) => `Nov 22 04:41:${i < all.length / 2 ? 39 : 40} lb1 haproxy[4242]: ${l}`);
    expect(stateLines.length).toBeGreaterThan(4);
    writeFileSync(log, readFileSync(join(root, 'samples/ws-httplog.log'), 'utf8') + stateLines.join('\n') + '\n' +
      `127.0.0.1:40000 [22/Nov/2026:04:41:39.000] fe_ws be_ws/ws1 0/0/1/-1/5 502 0 - - SH-- 1/1/1/1/0 0/0 {websocket|Upgrade} "GET ${hostile} HTTP/1.1"\n`);
    const html = join(dir, 'report.html');
    await run(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'report', log, '--config', join(root, 'samples/ws-httplog.cfg'), '--compare', 'previous', '--format', 'html', '--out', html], { cwd: root, env: { ...process.env, TZ: 'UTC' } });
    // A fresh profile (--user-data-dir) for every run.
    browser = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: WIDTH, height: HEIGHT },
    });
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      consoleErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(`file://${html}`);
    await page.waitForLoadState('load');
    await page.screenshot({ path: join(dir, 'first-screen.png') });
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('Chromium is installed (CI installs it)', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('the first screen holds the header, the three worst findings and a whole chart', async () => {
    const header = (await page.locator('header').boundingBox())!;
    expect(header.y + header.height).toBeLessThanOrEqual(HEIGHT);
    await expect(page.locator('header h1').innerText()).resolves.toBe('WebSocket incident report');
    await expect(page.locator('header .window').innerText()).resolves.toMatch(/^2026-11-22 04:41:38 – 04:41:4\d UTC/);
    await expect(page.locator('header .totals').innerText()).resolves.toMatch(/46\s+sessions[\s\S]*\d+\s+5xx/);
    const worst = page.locator('header .worst li');
    expect(await worst.count()).toBe(3);
    for (const li of await worst.all()) {
      const box = (await li.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(HEIGHT);
      // One line each.
      expect(box.height).toBeLessThan(30);
      await expect(li.innerText()).resolves.toMatch(/^CRITICAL/i);
    }
    const firstChart = (await page.locator('svg').first().boundingBox())!;
    expect(firstChart.y + firstChart.height).toBeLessThanOrEqual(HEIGHT);
    expect(await page.locator('svg').first().getAttribute('aria-label')).toBe('failures by cause over time');
  });

  it('no SVG text is clipped by its chart or overlaps another', async () => {
    // Runs in the page (the test's TypeScript has no DOM types): every text box inside its <svg>, none on another.
    const problems = await page.evaluate(`(() => {
      const out = [];
      const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
      const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
      for (const svg of document.querySelectorAll('svg')) {
        const frame = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].map((t) => ({ t: t.textContent, r: t.getBoundingClientRect() }));
        for (const { t, r } of texts) if (!inside(r, frame)) out.push(svg.getAttribute('aria-label') + ': "' + t + '" outside the chart');
        for (let i = 0; i < texts.length; i++) {
          for (let j = i + 1; j < texts.length; j++) {
            if (overlap(texts[i].r, texts[j].r)) out.push(svg.getAttribute('aria-label') + ': "' + texts[i].t + '" overlaps "' + texts[j].t + '"');
          }
        }
      }
      return out;
    })()`);
    expect(problems).toEqual([]);
    expect(await page.locator('svg text').count()).toBeGreaterThan(50);
  });

  it('charts have axes, counts on hover and marked timeouts', async () => {
    const timeline = page.locator('svg[aria-label="failures by cause over time"]');
    // A time axis with ticks (more than its two ends), a y axis per cause.
    const ticks = await timeline.locator('text').allTextContents();
    expect(ticks.filter((t) => /^\d\d:\d\d:\d\d/.test(t)).length).toBeGreaterThan(2);
    expect(ticks.some((t) => /UTC, 2026-11-22/.test(t))).toBe(true);
    const histogram = page.locator('svg[aria-label="tunnel durations of be_ws"]');
    expect(await histogram.locator('rect title').count()).toBeGreaterThan(2);
    await expect(histogram.locator('rect title').first().textContent()).resolves.toMatch(/^0 – 10 ms: \d+ tunnels?$/);
    await expect(histogram.locator('text', { hasText: 'timeout tunnel 2s' }).count()).resolves.toBe(1);
    await expect(histogram.locator('text', { hasText: 'tunnels' }).count()).resolves.toBeGreaterThan(0);
    // The DOWN/UP timeline: no row of an empty server name, and a legend.
    const events = page.locator('svg[aria-label="server state changes"]');
    const labels = await events.locator('text').allTextContents();
    expect(labels.some((t) => / \(backend\)$/.test(t))).toBe(true);
    expect(labels.filter((t) => t.endsWith('/'))).toEqual([]);
    expect(await events.locator('circle').count()).toBeGreaterThan(2);
    await expect(page.locator('.legend').last().innerText()).resolves.toMatch(/server DOWN[\s\S]*server UP/);
  });

  it('details come grouped by severity, folded but the critical ones', async () => {
    const groups = page.locator('details');
    expect(await groups.count()).toBeGreaterThanOrEqual(2);
    expect(await groups.first().getAttribute('open')).not.toBeNull();
    await expect(groups.first().locator('summary').innerText()).resolves.toMatch(/\d+ critical/);
    await expect(groups.nth(1).getAttribute('open')).resolves.toBeNull();
  });

  it('runs no script, fetches nothing, logs no error; the hostile URL stays text', async () => {
    expect(await page.title()).toBe('wsdiag report');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain('<script>document.title="pwned"</script>');
    expect(consoleErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
  });
});
