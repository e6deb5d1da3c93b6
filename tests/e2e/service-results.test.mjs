// Issue 9 item 15: the results page of a service — applications per status, counts per choice
// and the rating distribution, filtered by a date range — reached from the services page and
// from the applications list's service filter; axe on a desktop and a phone-sized screen.
// Needs a running server with demo data: MG_BASE_URL, MG_TENANT, MG_ADMIN_EMAIL, MG_ADMIN_PASSWORD.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, login, newPage, screenshot } from './lib.mjs';

let browser, surveyId;
const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };
const todayJst = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);

// Two survey answers through the residents' public chat API: ratings 5 and 4.
async function answerSurvey(request, rating, services) {
  const api = `${config.base}/api/public/${encodeURIComponent(config.tenant)}`;
  const start = await request.post(`${api}/chat`, { data: { service_id: surveyId } });
  assert.equal(start.status(), 201, await start.text());
  const { session_id: s } = await start.json();
  for (const input of [{ type: 'choice', value: 'web' }, { type: 'choices', values: services }, { type: 'choice', value: '30s' },
    { type: 'choice', value: '__skip__' }, { type: 'choice', value: 'confirm' }, { type: 'choice', value: rating }]) {
    const r = await request.post(`${api}/chat/${s}/input`, { data: input });
    assert.equal(r.status(), 200, await r.text());
    assert.ok(!(await r.json()).prompts.some((p) => p.type === 'error'), JSON.stringify(input));
  }
}

before(async () => {
  browser = await launch();
  const { context, page } = await newPage(browser);
  const list = await (await page.request.get(`${config.base}/api/public/${encodeURIComponent(config.tenant)}/services`)).json();
  surveyId = list.items.find((s) => s.service_key === 'survey').id;
  await answerSurvey(page.request, '5', ['certificate', 'garbage']);
  await answerSurvey(page.request, '4', ['certificate']);
  await context.close();
});
after(async () => { await browser?.close(); });

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} (${v.help}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// Buttons, links and selects smaller than 44×44 CSS px.
const smallTargets = (page) => page.evaluate(() => [...document.querySelectorAll('a[href], button, select')]
  .filter((el) => getComputedStyle(el).display !== 'none' && !el.classList.contains('skip-link'))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
  .map(([el, r]) => `${el.tagName}[${el.textContent.trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`));

const counts = async (table) => Object.fromEntries(await table.getByTestId('results-row').evaluateAll((rows) =>
  rows.map((r) => [r.dataset.key, Number(r.querySelector('[data-testid=results-count]').textContent)])));

test('desktop: from the services page to the results, filtered by dates', async () => {
  const { context, page } = await newPage(browser);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('nav-services').click();
    await page.locator('[data-testid=service-row][data-service-key=survey]').getByTestId('service-results').click();
    await page.waitForURL(new RegExp(`/console/services/${surveyId}/results`));
    await page.getByTestId('results-total').waitFor();
    assert.match(await page.title(), /^集計｜/);
    assert.match(await page.locator('h1').innerText(), /オンライン手続きの満足度アンケート/);
    const rating = await counts(page.getByTestId('results-rating').first());
    assert.ok(rating['5'] >= 1 && rating['4'] >= 1, JSON.stringify(rating));
    // 5 満足 first (integer-like keys would be reordered by an object, so read the rows).
    assert.deepEqual(await page.getByTestId('results-rating').first().getByTestId('results-row').evaluateAll((rows) => rows.map((r) => r.dataset.key)), ['5', '4', '3', '2', '1']);
    const services = await counts(page.getByTestId('results-question').filter({ hasText: '利用した手続き' }));
    assert.ok(services.certificate >= 2 && services.garbage >= 1, JSON.stringify(services));
    const statuses = await counts(page.getByTestId('results-statuses'));
    assert.ok(statuses.new >= 2);
    assert.deepEqual(await axe(page, 'results desktop'), []);
    await screenshot(page, 'service-results-desktop');

    // Today only: the same answers. A past year: none.
    const total = await page.getByTestId('results-total').innerText();
    await page.getByTestId('results-from').fill(todayJst());
    await page.getByTestId('results-to').fill(todayJst());
    await page.getByTestId('results-apply').click();
    await page.waitForURL(/from=/);
    await page.getByTestId('results-total').waitFor();
    assert.equal(await page.getByTestId('results-total').innerText(), total);
    await page.getByTestId('results-from').fill('2001-01-01');
    await page.getByTestId('results-to').fill('2001-12-31');
    await page.getByTestId('results-apply').click();
    await page.getByTestId('results-total').filter({ hasText: '0件' }).waitFor();
    assert.deepEqual(Object.values(await counts(page.getByTestId('results-rating').first())), [0, 0, 0, 0, 0]);
    // Dates in the wrong order: the server's message, no crash.
    await page.getByTestId('results-from').fill('2001-12-31');
    await page.getByTestId('results-to').fill('2001-01-01');
    await page.getByTestId('results-apply').click();
    await page.getByTestId('results-error').waitFor();
    assert.match(await page.getByTestId('results-error').innerText(), /開始日/);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('phone: from the applications filter to the results; axe and touch targets', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    await page.goto('/console/applications');
    await page.getByTestId('applications').waitFor();
    assert.equal(await page.getByTestId('apps-results').count(), 0, 'no results link without a service');
    await page.getByTestId('filter-service').selectOption(String(surveyId));
    await page.getByTestId('filter-from').fill(todayJst());
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('apps-results').click();
    await page.waitForURL(new RegExp(`/console/services/${surveyId}/results\\?from=${todayJst()}`));
    await page.getByTestId('results-total').waitFor();
    assert.equal(await page.getByTestId('results-from').inputValue(), todayJst());
    assert.ok((await counts(page.getByTestId('results-rating').first()))['5'] >= 1);
    assert.deepEqual(await axe(page, 'results phone'), []);
    assert.deepEqual(await smallTargets(page), []);
    await screenshot(page, 'service-results-phone');
    // Back to the filtered list.
    await page.getByTestId('results-applications').click();
    await page.getByTestId('apps-total').waitFor();
    assert.equal(await page.getByTestId('filter-service').inputValue(), String(surveyId));
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
