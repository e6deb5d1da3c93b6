// Resident web chat, 粗大ごみ multi-choice: ticks across two pages read as labels, the hint names
// the button the resident sees, LINE-only text stays out of the web, and editing the items from
// the summary starts from the current ticks (one more item adds to the fee, not replaces it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config, driveChat, launch, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const VALUES = /\b(bicycle|chair|microwave|futon|heater)\b/;

async function waitIdle(page, usersBefore) {
  await page.waitForFunction((n) =>
    document.querySelector('[data-testid=chat-error]') ||
    (document.querySelectorAll('[data-testid=bubble-user]').length > n && !document.querySelector('[data-testid=chat-busy]') &&
      document.querySelector('[data-testid=chat-active]')), usersBefore);
  const err = page.getByTestId('chat-error');
  if (await err.count()) throw new Error(`chat error: ${await err.innerText()}`);
}

async function lastUserBubble(page) {
  const text = (await page.getByTestId('bubble-user').last().innerText()).trim();
  return text.replace(/^[^:：]*[:：]\s*/, ''); // drop the screen-reader "あなた:" prefix
}

test('粗大ごみ items: labels across pages, matching hint, and editing keeps earlier ticks', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
    const link = page.getByTestId('service-link').filter({ hasText: '粗大ごみ' }).first();
    await link.waitFor();
    await link.click();
    await page.waitForURL(/\/chat\//);
    const active = page.locator('[data-testid=chat-active][data-step-id=items]');
    await active.waitFor();

    // Page 1: the question text is the template's, without the LINE-only list of full labels.
    assert.ok(!(await active.locator('.q-text').innerText()).includes('灯油'), 'no LINE-only text in the question');
    const decide = (await active.getByTestId('multi-decide').innerText()).trim();
    const hint = await active.locator('.q-hint').innerText();
    assert.ok(hint.includes(`「${decide}」`), `hint "${hint}" names the button "${decide}"`);
    await active.locator('[data-testid=multi-option][value=bicycle]').check();
    await active.locator('[data-testid=multi-option][value=chair]').check();
    let users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('nav-choice').filter({ hasText: '次へ' }).click();
    await waitIdle(page, users);

    // Page 2: the cut button label shows in full; ticks from page 1 are listed by label.
    await active.locator('[data-testid=multi-option][value=microwave]').waitFor();
    assert.ok((await active.innerText()).includes('ストーブ（灯油を抜いたもの）'));
    assert.ok(!(await active.locator('.q-text').innerText()).includes('灯油'));
    await active.locator('[data-testid=multi-option][value=microwave]').check();
    assert.equal((await active.getByTestId('multi-selected').innerText()).trim(), '選択: 自転車、椅子、電子レンジ');
    users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('multi-decide').click();
    await waitIdle(page, users);
    assert.equal(await lastUserBubble(page), '自転車、椅子、電子レンジ');

    const res = await driveChat(page, { until: ({ type }) => type === 'confirm' || type === 'summary' });
    assert.ok(res.stopped, res.transcript?.join('\n'));
    let summary = page.locator('.summary').last();
    assert.equal((await summary.locator('[data-step-id=items] .summary-value').innerText()).trim(), '自転車、椅子、電子レンジ');
    assert.match(await summary.locator('.summary-fee').innerText(), /1,200円/);

    // 修正 the items: the boxes start ticked with the current answer.
    users = await page.getByTestId('bubble-user').count();
    await summary.locator('[data-step-id=items] [data-testid=summary-edit]').click();
    await waitIdle(page, users);
    await active.waitFor();
    assert.equal(await active.locator('[data-testid=multi-option][value=bicycle]').isChecked(), true);
    assert.equal(await active.locator('[data-testid=multi-option][value=chair]').isChecked(), true);
    assert.equal(await active.locator('[data-testid=multi-option][value=futon]').isChecked(), false);
    assert.equal((await active.getByTestId('multi-selected').innerText()).trim(), '選択: 自転車、椅子、電子レンジ');
    await active.locator('[data-testid=multi-option][value=futon]').check();
    users = await page.getByTestId('bubble-user').count();
    await active.getByTestId('multi-decide').click();
    await waitIdle(page, users);
    const echo = await lastUserBubble(page);
    assert.ok(!VALUES.test(echo) && echo.includes('布団') && echo.includes('電子レンジ'), echo);

    summary = page.locator('.summary').last();
    await summary.waitFor();
    assert.equal((await summary.locator('[data-step-id=items] .summary-value').innerText()).trim(), '自転車、椅子、布団、電子レンジ');
    assert.match(await summary.locator('.summary-fee').innerText(), /1,400円/);
    await screenshot(page, 'multichoice-edit');
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
