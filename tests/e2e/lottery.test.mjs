// Issue 12, lottery rounds (抽選) in the browser on a phone-sized screen: staff open a round
// over a day's slots in the console, a resident applies on the web with ranked choices, the
// window closes (the server's test clock), staff draw with an entered seed (shown) and
// publish, and the resident sees the result. One context: the staff session and the
// resident's device cookie live side by side. axe-core on each new page state.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { startServer } from '../integration/harness.mjs';
import { launch, newPage } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let browser, srv, admin;
before(async () => {
  browser = await launch();
  srv = await startServer({ extra: ['--test-clock'] });
  admin = await srv.admin();
});
after(async () => { await browser?.close(); await srv?.cleanup(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}
/** Buttons, links and form controls in main smaller than 44×44 px. */
const smallTargets = (page) => page.evaluate(() => [...document.querySelectorAll('main a[href], main button, main select')]
  .map((el) => ({ el, box: el.getBoundingClientRect() }))
  .filter(({ box }) => box.width > 0 && (box.width < 43.5 || box.height < 43.5))
  .map(({ el, box }) => `${el.tagName} ${(el.textContent || '').trim().slice(0, 15)} ${Math.round(box.width)}×${Math.round(box.height)}`));

const jst = (ms) => new Date(ms + 9 * 3600e3).toISOString().slice(0, 16);

test('staff open a lottery and draw it; a resident applies on the web and sees the result', async () => {
  const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '12:00']]]));
  const hall = await admin.post('/api/resources', { name: '市民ホール', slot_minutes: 60, capacity: 1, opening_hours: everyDay, closed_on_holidays: false, daily_limit: 0 });
  assert.equal(hall.status, 201, hall.text);
  const D = jst(Date.now() + 10 * 86400e3).slice(0, 10);
  const { context, page } = await newPage(browser, { viewport: PHONE, context: { baseURL: srv.base } });
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(srv.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();

    // Staff open a round over day D.
    await page.goto('/console/lotteries');
    await page.getByTestId('lot-empty').waitFor();
    await page.getByTestId('lot-resource').selectOption({ label: '市民ホール' });
    await page.getByTestId('lot-title').fill('ホール 抽選');
    await page.getByTestId('lot-opens').fill(jst(Date.now() - 60e3));
    await page.getByTestId('lot-closes').fill(jst(Date.now() + 3600e3));
    await page.getByTestId('lot-from').fill(D);
    await page.getByTestId('lot-to').fill(D);
    await page.getByTestId('lot-create-submit').click();
    await page.getByTestId('lot-notice').getByText('抽選を開きました').waitFor();
    await page.getByTestId('lot-round').getByText('ホール 抽選').waitFor();
    await axe(page, 'console: a round open');

    // A resident applies on the web: first choice 10:00, second 09:00.
    await page.goto('/t/demo/lotteries');
    const round = page.getByTestId('lottery').filter({ hasText: 'ホール 抽選' });
    await round.waitFor();
    await round.getByTestId('lottery-choice-1').selectOption(`${D}T10:00`);
    await round.getByTestId('lottery-choice-2').selectOption(`${D}T09:00`);
    await round.getByTestId('lottery-apply').click();
    await page.getByTestId('lottery-done').getByText('申し込みました').waitFor();
    await round.getByTestId('lottery-mine').waitFor();
    assert.match(await round.getByTestId('lottery-mine').textContent(), /10:00 → .*09:00/);
    await axe(page, 'resident: applied');
    assert.deepEqual(await smallTargets(page), []);

    // The window closes; staff draw with seed 2a and publish.
    assert.equal((await admin.post('/api/test/clock', { advance_ms: 2 * 3600e3 })).status, 200);
    await page.goto('/console/lotteries');
    await page.getByTestId('lot-seed-input').fill('2a');
    await page.getByTestId('lot-draw').click();
    await page.getByTestId('lot-draw-confirm').getByTestId('confirm-ok').click();
    await page.getByTestId('lot-seed').getByText('000000000000002a').waitFor();
    await page.getByTestId('lot-show').click();
    await page.getByTestId('lot-applications').getByText('第 1 希望').waitFor();
    await axe(page, 'console: drawn, applications shown');
    await page.getByTestId('lot-publish').click();
    await page.getByTestId('lot-publish-confirm').getByTestId('confirm-ok').click();
    await page.getByTestId('lot-notice').getByText('結果を公開しました').waitFor();

    // The resident sees the win and the booking.
    await page.goto('/t/demo/lotteries');
    const result = page.getByTestId('lottery-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-result'), 'won');
    assert.match(await result.textContent(), /10:00/);
    await axe(page, 'resident: result');
    await page.goto('/t/demo/bookings');
    await page.getByTestId('booking').getByText('市民ホール', { exact: true }).waitFor();
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
