// Shared helpers for the madoguchi browser tests (playwright-core + Debian chromium).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(here, 'screenshots');

export const config = {
  base: (process.env.MG_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  tenant: process.env.MG_TENANT || 'demo',
  email: process.env.MG_ADMIN_EMAIL || 'admin@example.jp',
  password: process.env.MG_ADMIN_PASSWORD || 'password',
  chromium: process.env.MG_CHROMIUM || '/usr/bin/chromium',
  headless: process.env.MG_HEADED ? false : true,
};

export async function launch() {
  return chromium.launch({
    executablePath: config.chromium,
    headless: config.headless,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A fresh context (own cookies, storage) with a phone-ish viewport and Japanese locale. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({
    baseURL: config.base,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: opts.viewport || { width: 1200, height: 900 },
    ...opts.context,
  });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  // Uncaught exceptions in the page. (HTTP 4xx answers also log "Failed to load resource"
  // console errors — those are expected, e.g. the 401 session probe, and not collected.)
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  return { context, page };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Municipality name from the public API (so tests do not hard-code demo data). */
export async function tenantName(request) {
  const r = await request.get(`${config.base}/api/public/${encodeURIComponent(config.tenant)}/info`);
  if (!r.ok()) return null;
  return (await r.json()).name ?? null;
}

export async function login(page, { tenant = config.tenant, email = config.email, password = config.password } = {}) {
  await page.goto('/console/login');
  await page.getByTestId('login-tenant').fill(tenant);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

// ---------------------------------------------------------------- test data

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A small valid PNG (solid colour), generated so no binary fixture is needed. */
export function makePng(width = 16, height = 16, rgb = [29, 79, 145]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pad(n) { return String(n).padStart(2, '0'); }
export function isoAddDays(iso, days) {
  const [y, m, d] = iso.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}
export function todayJst() {
  const d = new Date(Date.now() + 9 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The example in a hint such as "例：090-1234-5678（ハイフンなしでも可）" → "090-1234-5678". */
export function hintExample(hint = '') {
  const m = /例[：:]\s*([^\s（(、，,\n]+)/.exec(hint);
  return m ? m[1] : null;
}

/** Candidate answers for a free-text question, best first, from its format, hint and wording. */
export function textCandidates({ format = '', hint = '', text = '' }) {
  const f = format.toLowerCase();
  const s = `${hint} ${text}`;
  const ex = hintExample(hint);
  const withEx = (list) => (ex && !list.includes(ex) ? [...list, ex] : list);
  if (/postal|zip/.test(f) || /郵便番号|〒\s*$/.test(text) || /郵便番号/.test(hint)) return withEx(['100-0001', '1000001']);
  if (/phone|tel/.test(f) || /電話|携帯/.test(s)) return withEx(['090-1234-5678', '09012345678']);
  if (/mail/.test(f) || /メール/.test(s)) return withEx(['taro.yamada@example.jp']);
  if (/kana/.test(f) || /フリガナ|ふりがな|カナ|カタカナ/.test(s)) return ['ヤマダ タロウ', 'ヤマダタロウ', 'やまだ たろう'];
  if (/hiragana/.test(f) || /ひらがな/.test(s)) return ['やまだ たろう', 'やまだたろう'];
  if (/番地|建物名|部屋番号/.test(text) && !/都道府県/.test(text)) return ['1-1', '1番1号'];
  if (/address/.test(f) || /住所|所在地/.test(s)) return withEx(['東京都千代田区千代田1-1']);
  if (/name/.test(f) || /氏名|お名前|申請者名/.test(s)) return ['山田 太郎', '山田太郎'];
  if (/number|integer|int|quantity/.test(f) || /数字|数量|個数|台数|枚数|点数|何[点個台枚人]/.test(s)) return withEx(['1', '2']);
  if (/date/.test(f) || /日付|年月日/.test(s)) return [isoAddDays(todayJst(), 7), '令和8年1月5日'];
  return ex ? [ex, 'テストです', 'なし'] : ['テストです', 'なし', '1'];
}

const YES = /申請|送信|確定|はい|この内容|OK|yes|confirm|submit|同意/i;
const NO = /修正|いいえ|やめ|戻|キャンセル|no\b|edit/i;

async function pickConfirm(locator) {
  const n = await locator.count();
  for (let i = 0; i < n; i++) {
    const label = (await locator.nth(i).innerText()).trim();
    if (YES.test(label) && !NO.test(label)) return locator.nth(i);
  }
  return locator.first();
}

/**
 * Answer the resident chat until a completion appears. Generic: reads the active prompt's
 * data attributes (data-input-type, data-format, data-step-id, data-min-date, data-max-date).
 * Returns { receipt, steps, transcript }; with `until({ type, stepId })`, stops (without
 * answering) at the first active prompt it accepts and returns { stopped: true, ... }.
 */
export async function driveChat(page, { maxSteps = 40, log = () => {}, until } = {}) {
  const visits = new Map();
  const transcript = [];
  for (let step = 0; step < maxSteps; step++) {
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=completion]') ||
      document.querySelector('[data-testid=chat-again]') ||
      (document.querySelector('[data-testid=chat-active]') && !document.querySelector('[data-testid=chat-busy]')), null, { timeout: 15000 });
    const completion = page.getByTestId('completion');
    if (await completion.count()) {
      const receipt = (await page.getByTestId('receipt-number').first().innerText()).trim();
      return { receipt, steps: step, transcript };
    }
    if (await page.getByTestId('chat-again').count()) throw new Error(`chat ended without completion:\n${transcript.join('\n')}`);

    const active = page.getByTestId('chat-active');
    const type = await active.getAttribute('data-input-type');
    const stepId = (await active.getAttribute('data-step-id')) || type;
    if (until && until({ type, stepId })) return { stopped: true, steps: step, transcript };
    const extras = active.getByTestId('choice-extra');
    const format = (await active.getAttribute('data-format')) || '';
    const textOf = async (sel) => { const l = active.locator(sel); return (await l.count()) ? (await l.first().innerText()).trim() : ''; };
    const text = await textOf('.q-text, .summary-title');
    const hint = await textOf('.q-hint');
    // Count visits per step *and* wording: one step may ask in phases (郵便番号 → 番地).
    const visitKey = `${stepId}|${text}`;
    const visit = (visits.get(visitKey) ?? 0) + 1;
    visits.set(visitKey, visit);
    if (visit > 6) throw new Error(`stuck on step ${stepId} (${type}):\n${transcript.join('\n')}`);
    const usersBefore = await page.getByTestId('bubble-user').count();
    let answer = '';

    switch (type) {
      case 'choice': {
        const opts = active.getByTestId('choice');
        const n = await opts.count();
        if (n === 0) {
          const target = (await extras.count()) ? extras.first() : active.getByTestId('nav-choice').last();
          answer = await target.innerText();
          await target.click();
          break;
        }
        // On a repeated visit (e.g. "add another item?") take the last option to move on.
        const target = visit >= 2 ? opts.nth(n - 1) : opts.first();
        answer = await target.innerText();
        await target.click();
        break;
      }
      case 'multi_choice': {
        const first = active.getByTestId('multi-option').first();
        await first.check();
        answer = 'multi:first';
        await active.getByTestId('multi-decide').click();
        break;
      }
      case 'text': {
        const cands = textCandidates({ format, hint, text });
        // Rejected twice and the question offers a way out (わからない, スキップ): take it.
        if (visit >= 3 && (await extras.count())) {
          answer = await extras.first().innerText();
          await extras.first().click();
          break;
        }
        answer = cands[Math.min(visit - 1, cands.length - 1)];
        await page.getByTestId('chat-text-input').fill(answer);
        await page.getByTestId('chat-send').click();
        break;
      }
      case 'date': {
        const min = await active.getAttribute('data-min-date');
        const max = await active.getAttribute('data-max-date');
        let d = min ? isoAddDays(min, 3 + (visit - 1)) : isoAddDays(todayJst(), 7 + (visit - 1));
        if (max && d > max) d = max;
        if (min && d < min) d = min;
        answer = d;
        await active.getByTestId('date-input').fill(d);
        await active.getByTestId('date-submit').click();
        break;
      }
      case 'photo': {
        answer = 'photo.png';
        await active.getByTestId('photo-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: makePng(32, 24) });
        break;
      }
      case 'location': {
        // No geolocation here: the pin goes to the map's centre, then is sent.
        answer = 'pin:centre';
        await active.getByTestId('location-centre').click();
        await active.getByTestId('location-pin').waitFor();
        await active.getByTestId('location-submit').click();
        break;
      }
      case 'consent': {
        answer = 'consent:agree';
        await active.getByTestId('consent-agree').click();
        break;
      }
      case 'rating': {
        const stars = active.getByTestId('rating-star');
        const last = stars.nth((await stars.count()) - 1);
        answer = `rating:${await last.getAttribute('data-value')}`;
        await last.click();
        break;
      }
      case 'confirm':
      case 'summary': {
        const target = await pickConfirm(active.getByTestId('confirm-choice'));
        answer = await target.innerText();
        await target.click();
        break;
      }
      default:
        throw new Error(`unknown prompt type ${type}`);
    }
    const line = `#${step} [${type}${format ? `/${format}` : ''}] ${stepId}: ${text.slice(0, 40)} → ${answer}`;
    transcript.push(line);
    log(line);
    await page.waitForFunction((n) =>
      document.querySelector('[data-testid=chat-error]') ||
      (document.querySelectorAll('[data-testid=bubble-user]').length > n && !document.querySelector('[data-testid=chat-busy]')),
    usersBefore, { timeout: 15000 });
    const err = page.getByTestId('chat-error');
    if (await err.count()) throw new Error(`chat error: ${await err.innerText()}\n${transcript.join('\n')}`);
  }
  throw new Error(`no completion after ${maxSteps} steps:\n${transcript.join('\n')}`);
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** Starts `bin args…` in `cwd` and waits until ready(output) says so (60 s at most). */
export async function startChild(bin, cwd, args, ready) {
  const proc = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 60000;
  while (!(await ready(out))) {
    if (proc.exitCode !== null) throw new Error(`${args[0]} exited ${proc.exitCode}: ${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');  // else it keeps the test file's process alive
      throw new Error(`${args[0]} did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.output = () => out;
  return proc;
}

/** Stops the children (SIGTERM) and waits for each to exit. */
export async function stopChildren(...procs) {
  for (const p of procs) {
    if (!p || p.exitCode !== null) continue;
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await done;
  }
}
