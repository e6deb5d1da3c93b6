// Issue 12, booking check-in, in the browser at 320 px: a resident books a room that issues a
// smart-lock PIN and sees the QR code, its check-in code and the PIN on 予約の確認; staff open
// 来場受付 (/console/checkin), type the code (keyboard only: the camera is not needed), and the
// booking is checked in (after the resident moved it to another time); a second try says it already is; the resident's page then shows
// 受付済み. axe-core on each new page state.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { startServer } from '../integration/harness.mjs';
import { launch, newPage, screenshot } from './lib.mjs';

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
