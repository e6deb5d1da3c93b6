// Issue 12, booking check-in, in the browser at 320 px: a resident books a room that issues a
// smart-lock PIN and sees the QR code, its check-in code and the PIN on 予約の確認; staff open
// 来場受付 (/console/checkin), type the code (keyboard only: the camera is not needed), and the
// booking is checked in (after the resident moved it to another time); a second try says it already is; the resident's page then shows
// 受付済み. axe-core on each new page state. Then the camera path in a browser without
// BarcodeDetector: Chromium's fake camera shows the booking's QR code (the server's PNG) and
// the page's jsQR fallback reads it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { startServer } from '../integration/harness.mjs';
import { config, launch, newPage, screenshot } from './lib.mjs';

const NARROW = { width: 320, height: 720 };
let browser, srv;
before(async () => {
  browser = await launch();
  srv = await startServer();
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}
const smallTargets = (page) => page.evaluate(() => [...document.querySelectorAll('main a[href], main button, main input[type=checkbox]')]
  .map((el) => ({ el, box: el.getBoundingClientRect() }))
  .filter(({ box }) => box.width > 0 && (box.width < 43.5 || box.height < 43.5))
  .map(({ el, box }) => `${el.tagName} ${(el.textContent || '').trim().slice(0, 15)} ${Math.round(box.width)}×${Math.round(box.height)}`));
const shot = (page, name) => (process.env.MG_SCREENSHOTS ? screenshot(page, name) : undefined);
const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));

test('the resident sees the QR code and PIN; staff check the booking in by its typed code', async () => {
  const admin = await srv.admin();
  const room = await admin.post('/api/resources', { name: '音楽室', slot_minutes: 60, capacity: 2, opening_hours: everyDay, closed_on_holidays: false, pin_enabled: true });
  assert.equal(room.status, 201, room.text);
  const day = new Date(Date.now() + 9 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 10);
  const { context, page } = await newPage(browser, { viewport: NARROW, context: { baseURL: srv.base } });
  try {
    // The booking from this browser (its device cookie), as the public API takes it.
    const booked = await page.request.post(`/api/public/demo/resources/${room.json.id}/bookings`, { data: { slot: `${day}T10:00` } });
    assert.equal(booked.status(), 201, await booked.text());

    await page.goto('/t/demo/bookings');
    const qr = page.getByTestId('booking-qr');
    await qr.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=booking-qr]')?.naturalWidth > 0);
    assert.match(await qr.getAttribute('alt'), /受付用QRコード/);
    const pin = (await page.getByTestId('booking-pin').textContent()).trim();
    assert.match(pin, /^\d{6}$/);
    const first = (await page.getByTestId('booking-code').textContent()).trim();
    assert.match(first, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await axe(page, 'bookings with QR and PIN');
    await shot(page, 'booking-qr-pin');

    // The resident moves it to 11:00 the same day: a new code and PIN come with it.
    await page.getByTestId('booking-change').click();
    await page.getByTestId('booking-change-slot').first().waitFor();
    await axe(page, 'change form');
    await page.getByLabel('11:00').check();
    await page.getByTestId('booking-change-submit').click();
    await page.getByTestId('booking-done').getByText(`${day} 11:00`).waitFor();
    await page.locator('[data-testid=booking][data-status=booked] [data-testid=booking-code]').waitFor();
    const code = (await page.locator('[data-testid=booking][data-status=booked] [data-testid=booking-code]').textContent()).trim();
    assert.notEqual(code, first);

    // Staff: 来場受付, the code typed (lower case, no hyphens), by keyboard.
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(srv.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();
    await page.goto('/console/checkin');
    await page.getByTestId('checkin-form').waitFor();
    await axe(page, 'check-in page');
    assert.deepEqual(await smallTargets(page), []);
    await page.getByLabel('受付コード').focus();
    await page.keyboard.type(code.replaceAll('-', '').toLowerCase());
    await page.keyboard.press('Enter');
    const done = page.getByTestId('checkin-done');
    await done.waitFor();
    assert.match(await done.textContent(), new RegExp(`受付しました: 音楽室 ${day} 11:00（1人）`));
    await axe(page, 'checked in');
    await shot(page, 'checkin-done');
    // Again: already checked in.
    await page.getByTestId('checkin-code').fill(code);
    await page.getByTestId('checkin-submit').click();
    const again = page.getByTestId('checkin-error');
    await again.waitFor();
    assert.match(await again.textContent(), /すでに受付済みです/);
    await axe(page, 'already checked in');

    // The resident's page says so.
    await page.goto('/t/demo/bookings');
    await page.getByTestId('booking-checked-in').waitFor();
  } finally {
    await context.close();
  }
});

// The server's 1-bit grey PNG of a QR code (notices.cpp qr_png: one IDAT, filter none) as a
// Y4M video Chromium's fake camera plays: the code centred on white, a few identical frames.
function pngToY4m(png, W = 640, H = 480) {
  let at = 8, side = 0;
  const idat = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at), type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR') side = png.readUInt32BE(at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil(side / 8);
  const y = Buffer.alloc(W * H, 235);
  const ox = (W - side) >> 1, oy = (H - side) >> 1;
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      const white = raw[r * (rowBytes + 1) + 1 + (c >> 3)] & (0x80 >> (c & 7));
      if (!white) y[(oy + r) * W + ox + c] = 16;
    }
  const uv = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frames = [];
  for (let i = 0; i < 5; i++) frames.push(Buffer.from('FRAME\n'), y, uv);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg\n`), ...frames]);
}

test('without BarcodeDetector the camera still checks in: the jsQR fallback reads the QR code', async () => {
  const admin = await srv.admin();
  const room = await admin.post('/api/resources', { name: '和室', slot_minutes: 60, capacity: 2, opening_hours: everyDay, closed_on_holidays: false });
  assert.equal(room.status, 201, room.text);
  const day = new Date(Date.now() + 9 * 3600e3 + 4 * 86400e3).toISOString().slice(0, 10);
  // A resident's booking (device cookie), its check-in code and the QR image LINE would get.
  const booked = await fetch(`${srv.base}/api/public/demo/resources/${room.json.id}/bookings`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slot: `${day}T10:00` }) });
  assert.equal(booked.status, 201);
  const cookie = booked.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const mine = await (await fetch(`${srv.base}/api/public/demo/bookings`, { headers: { cookie } })).json();
  const code = mine.bookings[0].checkin_code;
  const png = Buffer.from(await (await fetch(`${srv.base}${mine.bookings[0].qr_svg.replace(/svg$/, 'png')}`, { headers: { cookie } })).arrayBuffer());
  const dir = mkdtempSync(join(tmpdir(), 'mg-qrcam-'));
  const video = join(dir, 'qr.y4m');
  writeFileSync(video, pngToY4m(png));
  const cam = await chromium.launch({
    executablePath: config.chromium, headless: config.headless,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const context = await cam.newContext({ baseURL: srv.base, viewport: NARROW, locale: 'ja-JP', permissions: ['camera'] });
    const page = await context.newPage();
    // Whatever this Chromium has, the page must take the fallback.
    await page.addInitScript(() => { delete globalThis.BarcodeDetector; });
    const fallback = page.waitForResponse((r) => /qrFallback-.*\.js$/.test(r.url()));
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(srv.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();
    await page.goto('/console/checkin');
    await page.getByTestId('checkin-camera').click();
    assert.equal((await fallback).status(), 200);
    const done = page.getByTestId('checkin-done');
    await done.waitFor({ timeout: 15000 });
    assert.match(await done.textContent(), new RegExp(`受付しました: 和室 ${day} 10:00（1人）`));
    assert.equal(await page.getByTestId('checkin-camera-note').count(), 0);
    await axe(page, 'checked in by camera');
    const ledger = await admin.get(`/api/resources/${room.json.id}/bookings?from=${day}&days=1`);
    assert.ok(ledger.json.bookings[0].checked_in_at, JSON.stringify(ledger.json));
    assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  } finally {
    await cam.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
