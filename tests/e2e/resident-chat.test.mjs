// Resident web chat end to end: apply for 粗大ごみ until a receipt number is shown,
// then staff find it in 申請一覧, set 処理中, and export it as CSV.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { config, driveChat, launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('resident applies for 粗大ごみ and staff process it', async () => {
  let receipt;
  {
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
    try {
      await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
      const link = page.getByTestId('service-link').filter({ hasText: '粗大ごみ' }).first();
      await link.waitFor();
      await link.click();
      await page.waitForURL(/\/chat\//);
      await page.getByTestId('chat-log').waitFor();
      const result = await driveChat(page, { maxSteps: 40, log: (l) => process.env.MG_VERBOSE && console.log(l) });
      receipt = result.receipt;
      assert.ok(receipt && receipt.length >= 3, `receipt number shown (${receipt})`);
      await screenshot(page, 'chat');

      // The resident sees it under "my applications".
      await page.goto(`/t/${encodeURIComponent(config.tenant)}/my`);
      await page.locator(`[data-testid=my-item][data-receipt="${receipt}"]`).waitFor();
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  }

  const { context, page } = await newPage(browser);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-applications').click();
    await page.getByTestId('applications').waitFor();
    await page.getByTestId('filter-q').fill(receipt);
    await page.getByTestId('filter-apply').click();
    const row = page.locator(`[data-testid=app-row][data-receipt="${receipt}"]`);
    await row.waitFor();
    const csvHref = await page.getByTestId('csv-export').getAttribute('href');
    await row.getByTestId('app-link').click();

    const detail = page.getByTestId('application-detail');
    await detail.waitFor();
    assert.equal((await page.getByTestId('detail-receipt').innerText()).trim(), receipt);
    assert.ok(await page.getByTestId('answers').locator('dt').count() > 0, 'answers shown');
    await page.getByTestId('status-in_progress').click();
    await page.locator('[data-testid=status-badge][data-status=in_progress]').first().waitFor();
    assert.equal(await page.getByTestId('status-in_progress').getAttribute('aria-pressed'), 'true');
    await screenshot(page, 'application-detail');

    // CSV with the list's filters contains the receipt number.
    const csv = await page.request.get(csvHref);
    assert.equal(csv.status(), 200);
    const body = await csv.text();
    assert.ok(body.includes(receipt), 'CSV contains the receipt number');
  } finally {
    await context.close();
  }
});

// The photo step uploads into the chat session (the server refuses uploads anywhere else),
// and staff see the photo with the application.
test('resident reports road damage with a photo and staff see it', async () => {
  let receipt;
  {
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
    try {
      await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
      const link = page.getByTestId('service-link').filter({ hasText: '道路' }).first();
      await link.waitFor();
      await link.click();
      await page.waitForURL(/\/chat\//);
      const result = await driveChat(page, { maxSteps: 40, log: (l) => process.env.MG_VERBOSE && console.log(l) });
      receipt = result.receipt;
      assert.ok(result.transcript.some((l) => l.includes('photo.png')), 'the photo step was answered');
      assert.ok(receipt, 'receipt number shown');
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  }
  const { context, page } = await newPage(browser);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-applications').click();
    await page.getByTestId('filter-q').fill(receipt);
    await page.getByTestId('filter-apply').click();
    await page.locator(`[data-testid=app-row][data-receipt="${receipt}"]`).getByTestId('app-link').click();
    await page.getByTestId('application-detail').waitFor();
    const img = page.getByTestId('attachments').locator('img').first();
    await img.waitFor();
    const src = await img.getAttribute('src');
    const res = await page.request.get(src);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^image\//);
  } finally {
    await context.close();
  }
});
