// Issue 12, the resident side of reservations: the demo 施設予約 booked through the web chat on
// a phone (category, party, a day with room, a slot, the summary), then found in 予約 and
// cancelled there; axe on the slot question and on the bookings page, touch targets ≥ 44 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function serious(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function waitIdle(page, usersBefore) {
  await page.waitForFunction((n) =>
    document.querySelector('[data-testid=chat-error]') ||
    (document.querySelectorAll('[data-testid=bubble-user]').length > n && !document.querySelector('[data-testid=chat-busy]') &&
      (document.querySelector('[data-testid=chat-active]') || document.querySelector('[data-testid=receipt-number], .completion'))), usersBefore);
  const err = page.getByTestId('chat-error');
  if (await err.count()) throw new Error(`chat error: ${await err.innerText()}`);
}

async function tap(page, locator) {
  const users = await page.getByTestId('bubble-user').count();
  const box = await locator.boundingBox();
  assert.ok(box && box.height >= 44, `touch target ${JSON.stringify(box)} at least 44 px high`);
  await locator.click();
  await waitIdle(page, users);
}

test('a web resident books 施設予約 in the chat, sees it in 予約 and cancels it', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  const bad = [];
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    const link = page.getByTestId('service-link').filter({ hasText: '施設予約' }).first();
    await link.waitFor();
    await link.click();
    await page.waitForURL(/\/chat\//);
    const active = page.getByTestId('chat-active');
    await active.waitFor();
    await tap(page, active.getByTestId('choice').filter({ hasText: '公民館' }));

    // Party size: typed.
    await page.getByTestId('chat-text-input').fill('2');
    let users = await page.getByTestId('bubble-user').count();
    await page.getByTestId('chat-send').click();
    await waitIdle(page, users);

    // Only days with room are offered as buttons (a date question: a picker too).
    assert.equal(await active.getAttribute('data-input-type'), 'date');
    const day = active.locator('[data-testid=choice][data-value^="day:"]').first();
    const dayValue = (await day.getAttribute('data-value')).slice(4);
    await tap(page, day);

    const slot = active.locator('[data-testid=choice]').filter({ hasText: '〜' }).first();
    await slot.waitFor();
    bad.push(...await serious(page, 'slot question'));
    await screenshot(page, 'reserve-slots');
    const slotText = (await slot.innerText()).trim();
    const time = slotText.split('〜')[0];
    await tap(page, slot);
    await tap(page, active.getByTestId('choice').filter({ hasText: '会議・打ち合わせ' }));

    // Summary, then 申請する.
    const summary = await page.locator('body').innerText();
    assert.match(summary, /中央公民館 会議室A/);
    assert.match(summary, /（2人）/);
    users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('confirm-choice').click();
    await page.waitForFunction(() => /予約を受け付けました/.test(document.body.innerText));

    // 予約: the booking is listed and can be cancelled.
    await page.getByTestId('bookings-link').click();
    await page.waitForURL(/\/bookings$/);
    const item = page.getByTestId('booking').first();
    await item.waitFor();
    assert.match(await item.innerText(), /中央公民館 会議室A/);
    assert.match(await item.innerText(), new RegExp(`${time.padStart(5, '0')}`));
    const [, m, d] = dayValue.split('-').map(Number);
    assert.match(await item.innerText(), new RegExp(`${m}月${d}日`));
    assert.equal(await item.getAttribute('data-status'), 'booked');
    bad.push(...await serious(page, 'bookings'));
    const cancel = item.getByTestId('booking-cancel');
    assert.ok((await cancel.boundingBox()).height >= 44);
    await cancel.click();
    const yes = item.getByTestId('booking-cancel-yes');
    assert.ok((await yes.boundingBox()).height >= 44);
    bad.push(...await serious(page, 'cancel question'));
    await yes.click();
    await page.getByTestId('booking-done').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=booking]')?.getAttribute('data-status') === 'cancelled');
    assert.equal(await item.getByTestId('booking-cancel').count(), 0, 'a cancelled booking offers no cancel');
    await screenshot(page, 'reserve-bookings');
    assert.deepEqual(bad, []);
  } finally {
    await context.close();
  }
});
