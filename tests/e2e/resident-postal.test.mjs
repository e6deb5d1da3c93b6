// Resident web chat, postal code → address (issue 9, item 7) on a phone: the resident types
// 0600001, sees 北海道札幌市中央区北一条西 before sending, types only 2丁目, and the summary
// shows the full address. The new state passes axe and has 44 px touch targets.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, driveChat, launch, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };

test('住民票: 0600001 shows the town, the resident types only 2丁目, the summary has the full address', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    const link = page.getByTestId('service-link').filter({ hasText: '住民票' }).first();
    await link.waitFor();
    await link.click();
    await page.waitForURL(/\/chat\//);
    const res = await driveChat(page, { until: ({ stepId }) => stepId === 'address' });
    assert.ok(res.stopped, res.transcript?.join('\n'));

    const active = page.locator('[data-testid=chat-active][data-step-id=address]');
    assert.equal(await active.getAttribute('data-format'), 'postal_code');
    await active.getByTestId('postal-input').fill('0600001');
    await page.waitForFunction(() => document.querySelector('[data-testid=postal-found]')?.textContent?.includes('北海道札幌市中央区北一条西'));
    assert.equal((await active.getByTestId('postal-found').innerText()).trim(), '北海道札幌市中央区北一条西');

    // The new state: no serious/critical axe findings, finger-sized controls.
    const axe = await new AxeBuilder({ page }).analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`), []);
    for (const id of ['postal-input', 'postal-submit']) {
      const b = await active.getByTestId(id).boundingBox();
      assert.ok(b && b.height >= 44 && b.width >= 44, `${id} is ${b?.width}×${b?.height}`);
    }
    await screenshot(page, 'resident-postal-code');

    // An unknown code says so before sending.
    await active.getByTestId('postal-input').fill('999-9999');
    await page.waitForFunction(() => document.querySelector('[data-testid=postal-found]')?.textContent?.includes('見つかりません'));
    assert.ok(await active.getByTestId('postal-submit').isDisabled());

    await active.getByTestId('postal-input').fill('０６０－０００１');
    await page.waitForFunction(() => document.querySelector('[data-testid=postal-found]')?.textContent?.includes('北一条西'));
    await active.getByTestId('postal-submit').click();
    const rest = page.locator('[data-testid=chat-active][data-step-id=address][data-format=address]');
    await rest.waitFor();
    assert.match(await rest.locator('.q-text').innerText(), /〒060-0001 北海道札幌市中央区北一条西 に続く番地/);

    await page.getByTestId('chat-text-input').fill('2丁目');
    await page.getByTestId('chat-send').click();
    const done = await driveChat(page, { until: ({ type }) => type === 'confirm' || type === 'summary' });
    assert.ok(done.stopped, done.transcript?.join('\n'));
    const summary = page.locator('.summary').last();
    assert.equal((await summary.locator('[data-step-id=address] .summary-value').innerText()).trim(),
      '〒060-0001 北海道札幌市中央区北一条西2丁目');
    await screenshot(page, 'resident-postal-summary');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
