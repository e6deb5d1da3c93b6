// Hand-off to staff (issue 14) end to end in two browser contexts: a resident on a phone asks
// for a person from the FAQ chat, staff see the request appear in /console/handoff live
// (server-sent events), reply, the reply appears on the resident's page live, the resident's
// answer appears in the console live, and closing returns the resident to the bot. The resident
// was answered with an FAQ entry just before, so the console's FAQ statistics count the
// hand-off in that entry's 有人対応へ column. axe-core on each new page state; 44 px touch
// targets on the resident page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('main a[href], main button, main input, main select, main textarea')) {
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.matches('a') && cs.display === 'inline' && el.parentElement?.textContent.trim() !== el.textContent.trim()) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()}[${(el.textContent || '').trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

test('resident asks for staff → live queue → staff reply appears live → close returns to the bot', async () => {
  const bad = [];
  const resident = await newPage(browser, PHONE);
  const staff = await newPage(browser);
  try {
    const page = resident.page;
    // Staff add the entry the resident is about to be answered with.
    const question = '犬の登録の手続き';
    await login(staff.page);
    await staff.page.waitForURL(/\/console\/?$/);
    const csrf = await staff.page.evaluate(async () => (await (await fetch('/api/session')).json()).csrf_token);
    const created = await staff.page.request.post('/api/faq/entries', {
      data: { question, answer: '犬を飼い始めたら30日以内に登録してください。', department: '環境課' },
      headers: { 'x-csrf-token': csrf },
    });
    assert.equal(created.status(), 201, await created.text());

    await page.goto(`/t/${encodeURIComponent(config.tenant)}/faq`);
    await page.getByTestId('faq-title').waitFor();
    await page.getByTestId('faq-q').fill(question);
    await page.getByTestId('faq-send').click();
    await page.getByTestId('faq-answer').waitFor();
    await page.getByTestId('handoff-open').click();
    await page.getByTestId('handoff-choose').waitFor();
    bad.push(...await axe(page, 'handoff choose'));
    assert.deepEqual(await smallTargets(page), []);

    // Staff open the queue first: the request must appear without reloading.
    await staff.page.goto('/console/handoff');
    await staff.page.getByTestId('handoff-console').waitFor();
    const before = await staff.page.getByTestId('handoff-item').count();

    await page.getByTestId('handoff-connect').click();
    await page.getByTestId('handoff-msg-system').first().waitFor();
    bad.push(...await axe(page, 'handoff waiting'));
    await page.getByTestId('handoff-text').fill('粗大ごみの収集日を変えたいです');
    await page.getByTestId('handoff-send').click();
    await page.getByTestId('handoff-msg-resident').waitFor();

    await staff.page.getByTestId('handoff-item').nth(before).waitFor();
    bad.push(...await axe(staff.page, 'console handoff queue'));
    await staff.page.getByTestId('handoff-item').first().click();
    const conv = staff.page.getByTestId('handoff-conversation');
    await conv.getByText('粗大ごみの収集日を変えたいです').waitFor();
    bad.push(...await axe(staff.page, 'console handoff conversation'));
    await staff.page.getByTestId('handoff-reply').fill('担当です。ご希望の日を教えてください。');
    await staff.page.getByTestId('handoff-reply-send').click();

    // Live on the resident's page (no reload).
    await page.getByTestId('handoff-msg-staff').filter({ hasText: 'ご希望の日を教えてください' }).waitFor();
    bad.push(...await axe(page, 'handoff with staff reply'));
    await page.getByTestId('handoff-text').fill('来週の月曜日でお願いします');
    await page.getByTestId('handoff-send').click();
    // Live in the console.
    await conv.getByText('来週の月曜日でお願いします').waitFor();
    await screenshot(staff.page, 'handoff-console');

    staff.page.once('dialog', (d) => void d.accept());
    await staff.page.getByTestId('handoff-close').click();
    await page.getByTestId('handoff-closed').waitFor();
    bad.push(...await axe(page, 'handoff closed'));
    await screenshot(page, 'handoff-resident');
    await page.getByTestId('handoff-back').click();
    await page.getByTestId('faq-q').waitFor();

    // The FAQ statistics: the entry's row counts the hand-off under 有人対応へ.
    await staff.page.goto('/console/faq');
    const stats = staff.page.getByTestId('faq-stats');
    const row = stats.getByTestId('faq-st-entry').filter({ hasText: question });
    await row.waitFor();
    assert.equal(await stats.getByTestId('faq-st-sort-handed_off').innerText(), '有人対応へ');
    assert.equal(await row.getByTestId('faq-st-entry-answered').innerText(), '1');
    assert.equal(await row.getByTestId('faq-st-entry-handed_off').innerText(), '1');
    bad.push(...await axe(staff.page, 'console faq statistics with a hand-off'));
    assert.deepEqual(bad, []);
    assert.deepEqual(page.problems, []);
    assert.deepEqual(staff.page.problems, []);
  } finally {
    await resident.context.close();
    await staff.context.close();
  }
});
