// Issue 12, the reservations staff console, in the browser at 320 px: staff create a category
// and a resource with opening hours (a bad capacity is refused at the field, in Japanese),
// open its ledger, reach a slot by keyboard, enter a phone booking (a bad phone number is
// refused at the field), read its detail, cancel it with a required reason, switch to week
// and month views, and see the occupancy and the CSV. axe-core on each state.
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

/** Buttons, links and form controls in main smaller than 44×44 px (sr-only text excepted). */
const smallTargets = (page) => page.evaluate(() => [...document.querySelectorAll('main a[href], main button, main select, main input[type=checkbox], main input[type=radio]')]
  .map((el) => ({ el, box: (el.matches('input') && el.closest('label') ? el.closest('label') : el).getBoundingClientRect() }))
  .filter(({ box }) => box.width > 0 && (box.width < 43.5 || box.height < 43.5))
  .map(({ el, box }) => `${el.tagName} ${(el.textContent || '').trim().slice(0, 15)} ${Math.round(box.width)}×${Math.round(box.height)}`));

const t0 = Date.now();
const lap = (what) => process.env.MG_VERBOSE && console.log(`${what}: ${Date.now() - t0} ms`);
const shot = (page, name) => (process.env.MG_SCREENSHOTS ? screenshot(page, name) : undefined);
const noOverflow = async (page, where) => {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 320, `${where}: page is ${w}px wide`);
};

test('staff set up a resource, book by phone into the ledger and cancel with a reason', async () => {
  const { context, page } = await newPage(browser, { viewport: NARROW, context: { baseURL: srv.base } });
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(srv.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();

    // 施設・窓口: a category, then a resource; capacity 0 is refused at its field.
    await page.goto('/console/resources');
    await page.getByTestId('rsv-new').waitFor();  // the demo town already has resources
    await page.getByTestId('cat-name').fill('貸し会議室');
    await page.getByTestId('cat-add').click();
    await page.getByTestId('rsv-cat-notice').getByText('貸し会議室').waitFor();
    await page.getByTestId('rsv-new').click();
    await page.getByTestId('rf-name').fill('会議室A');
    await page.getByTestId('rf-category').selectOption({ label: '貸し会議室' });
    await page.getByTestId('rf-capacity').fill('0');
    await page.getByTestId('rf-slot_minutes').fill('60');
    await page.getByTestId('rf-add-sat').click();
    await page.getByTestId('rf-add-sun').click();
    await page.getByTestId('rf-holidays').uncheck();
    // Saturday's range reversed: the form names the weekday at the hours.
    await page.locator('#rf-sat-0-from').fill('18:00');
    await page.getByTestId('rf-save').click();
    await page.getByTestId('field-error-opening_hours').getByText('土曜日: 終了は開始より後にしてください').waitFor();
    await page.locator('#rf-sat-0-from').fill('09:00');
    await page.getByTestId('rf-save').click();
    const capErr = page.getByTestId('field-error-capacity');
    await capErr.waitFor();
    assert.match(await capErr.textContent(), /定員は 1〜10000 の整数です/);
    assert.equal(await page.getByTestId('rf-capacity').getAttribute('aria-invalid'), 'true');
    await axe(page, 'resource form with an error');
    lap('resource form with an error');
    await shot(page, 'rsv-resource-form-error');
    await noOverflow(page, 'resource form');
    assert.deepEqual(await smallTargets(page), []);
    await page.getByTestId('rf-capacity').fill('4');
    await page.getByTestId('rf-save').click();
    await page.getByTestId('notice').getByText('会議室A').waitFor();
    const row = page.getByTestId('rsv-resource-table').locator('tbody tr', { hasText: /^会議室A/ });
    assert.match(await row.textContent(), /会議室A.*貸し会議室.*4人.*60分.*受付中/);
    await axe(page, 'resources listed');
    lap('resources listed');

    // 予約台帳: tomorrow's day view; the 09:00 slot reached with the keyboard.
    await row.getByRole('link', { name: /台帳を見る/ }).click();
    await page.getByTestId('lg-day').waitFor();
    await page.getByTestId('lg-next').click();
    await page.getByTestId('lg-heading').getByText('会議室A').waitFor();
    await page.getByTestId('lg-slot-09:00').waitFor();
    assert.match(await page.getByTestId('lg-slot-09:00').textContent(), /予約 0 \/ 定員 4/);
    await page.getByTestId('lg-resource').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'lg-open-09:00');
    }
    assert.ok(reached, 'the 09:00 slot is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('lg-slot-panel').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H2', 'focus moves to the slot panel');

    // A phone booking: a bad number is refused at its field; then booked into the ledger.
    await page.getByTestId('bk-name').fill('山田 花子');
    await page.getByTestId('bk-phone').fill('でんわ');
    await page.getByTestId('bk-party').fill('2');
    await page.getByTestId('bk-note').fill('車いすで来館');
    await page.getByTestId('bk-submit').click();
    await page.getByTestId('field-error-contact_phone').waitFor();
    assert.match(await page.getByTestId('field-error-contact_phone').textContent(), /電話番号は半角の数字とハイフン/);
    await axe(page, 'ledger day with a phone booking error');
    lap('ledger day with a phone booking error');
    await page.getByTestId('bk-phone').fill('090-1234-5678');
    await page.getByTestId('bk-submit').click();
    await page.getByTestId('lg-notice').getByText('山田 花子').waitFor();
    await page.getByTestId('lg-slot-09:00').getByText('予約 2 / 定員 4').waitFor();
    await page.getByTestId('lg-detail').click();
    const detail = await page.getByTestId('lg-detail-list').textContent();
    assert.match(detail, /090-1234-5678/);
    assert.match(detail, /職員が入力（電話・窓口）/);
    assert.match(detail, /車いすで来館/);
    await noOverflow(page, 'slot panel');
    assert.deepEqual(await smallTargets(page), []);

    // Cancelling needs a reason: the server's message at the field, then cancelled.
    await page.getByTestId('lg-cancel').click();
    await page.getByTestId('lg-cancel-submit').click();
    await page.getByTestId('field-error-reason').waitFor();
    assert.match(await page.getByTestId('field-error-reason').textContent(), /取り消しの理由を入れてください/);
    await axe(page, 'booking detail and cancel without a reason');
    lap('booking detail and cancel without a reason');
    await shot(page, 'rsv-ledger-slot');
    await page.getByTestId('lg-cancel-reason').fill('本人から電話で取り消し');
    await page.getByTestId('lg-cancel-submit').click();
    await page.getByTestId('lg-notice').getByText('取り消しました').waitFor();
    await page.getByTestId('lg-slot-09:00').getByText('予約 0 / 定員 4').waitFor();

    // Week and month views; occupancy and CSV of the period.
    await page.getByTestId('lg-view-week').click();
    await page.getByTestId('lg-week').waitFor();
    await axe(page, 'ledger week');
    lap('ledger week');
    await shot(page, 'rsv-ledger-week');
    await page.getByTestId('lg-view-month').click();
    await page.getByTestId('lg-month').waitFor();
    await axe(page, 'ledger month');
    lap('ledger month');
    await shot(page, 'rsv-ledger-month');
    await noOverflow(page, 'month view');
    await page.getByTestId('st-total').getByText(/取り消し 1件/).waitFor();
    const csvHref = await page.getByTestId('st-csv').getAttribute('href');
    const csv = await page.request.get(csvHref);
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.match(text, /予約番号,施設・窓口,日付,時刻,人数,状態/);
    assert.match(text, /会議室A,.*,09:00,2,取り消し,職員（電話・窓口）,山田 花子,090-1234-5678,車いすで来館,本人から電話で取り消し/);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
