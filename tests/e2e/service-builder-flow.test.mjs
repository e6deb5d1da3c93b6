// Issue 11 (flowgraph): on a tablet, the builder's flow view shows a choice that branches and a
// branch step; tapping a node opens that step in the list, arrows and Enter on a focused node do
// the same from the keyboard; a nested condition (all of: an answer, and none of: two age rules) is built
// with the drop-downs and saved in the definition's all/any/not grammar. axe on that view.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function staffApi(context) {
  const r = await context.request.post('/api/login', { data: { tenant: config.tenant, email: config.email, password: config.password } });
  assert.equal(r.status(), 200);
  const csrf = (await r.json()).csrf_token;
  const call = async (method, path, data) => {
    const res = await context.request.fetch(path, { method, data, headers: { 'x-csrf-token': csrf } });
    assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  return { get: (p) => call('GET', p), post: (p, d) => call('POST', p, d ?? {}) };
}

const DRAFT = {
  format: 'madoguchi.service/1', service_key: 'e2e-flow-graph', title: 'フロー図の確認（テスト）', category: 'テスト',
  steps: [
    { id: 'intro', kind: 'message', text: '犬猫の登録を始めます。' },
    { id: 'birth', kind: 'date', label: '生年月日', text: '飼い主の生年月日を入力してください。' },
    { id: 'kind', kind: 'choice', label: '種類', text: 'どちらですか。', choices: [{ value: 'dog', label: '犬', next: 'dog' }, { value: 'cat', label: '猫', next: 'cat' }] },
    { id: 'dog', kind: 'text', label: '犬の名前', text: '犬の名前は？', next: 'check' },
    { id: 'cat', kind: 'text', label: '猫の名前', text: '猫の名前は？' },
    { id: 'check', kind: 'branch', label: '対象の確認', cases: [{ when: { answer: 'kind', op: 'eq', value: 'dog' }, next: 'confirm' }], default: 'sorry' },
    { id: 'sorry', kind: 'message', text: '対象外です。', next: 'end' },
    { id: 'confirm', kind: 'confirm' },
    { id: 'submit', kind: 'submit', text: '受け付けました。{{receipt_number}}' },
  ],
};

test('flow view on a tablet: branches, node selection, a nested condition saved, axe', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 820, height: 1180 }, context: { hasTouch: true } });
  const bad = [];
  try {
    const staff = await staffApi(context);
    const svc = await staff.post('/api/services', { definition: DRAFT });
    await page.goto(`/console/services/${svc.id}/edit`);
    await page.getByTestId('builder').waitFor();
    await page.getByTestId('flow-toggle').click();
    const graph = page.getByTestId('flow-graph');
    await graph.waitFor();
    await graph.locator('.react-flow__node[data-id=kind]').waitFor();

    // The choice branches: one edge per choice, labelled with the choice; the branch has its case and default.
    const edgeLabel = (id) => graph.locator(`[data-testid="rf__edge-${id}"]`).getAttribute('aria-label');
    assert.match(await edgeLabel('e-kind-dog'), /「犬」を選んだとき/);
    assert.match(await edgeLabel('e-kind-cat'), /「猫」を選んだとき/);
    assert.match(await edgeLabel('e-check-confirm'), /条件1（種類が次と同じ 犬）/);
    assert.match(await edgeLabel('e-check-sorry'), /どの条件にも当てはまらない/);
    assert.equal(await graph.getByTestId('flow-unreachable').count(), 0);

    // Tapping a node opens that step in the list; the node shows it is the selected one.
    await graph.locator('.react-flow__node[data-id=cat]').tap();
    await page.locator('li.builder-step.open[data-step-id=cat]').waitFor();
    await graph.locator('.react-flow__node[data-id=cat][aria-current=step]').waitFor();
    // Selecting in the list marks the node in the graph.
    await page.locator('[data-testid=builder-step][data-step-id=dog] [data-testid=step-toggle]').click();
    await graph.locator('.react-flow__node[data-id=dog][aria-current=step]').waitFor();
    // From the keyboard: arrows walk the steps in list order, Enter opens the focused one and focus moves to it in the list.
    await graph.locator('.react-flow__node[data-id=cat]').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-id') === 'check');
    await page.keyboard.press('Enter');
    const step = page.locator('li.builder-step.open[data-step-id=check]');
    await step.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-step-handle')), 'check');

    // Nested condition: 種類が犬 AND NOT (age >= 65 OR age < 18), built with drop-downs only.
    const row = step.getByTestId('case-row').first();
    await row.locator('[data-testid=cond-group][data-depth="1"] > .btn-row [data-testid=cond-add-group]').click();
    const inner = row.locator('[data-testid=cond-group][data-depth="2"]');
    await inner.waitFor();
    await inner.getByTestId('cond-mode').selectOption('none');
    await inner.getByTestId('case-answer').selectOption('birth');
    await inner.getByTestId('case-op').selectOption('age_gte');
    await inner.getByTestId('case-value').fill('65');
    await inner.locator('> .btn-row [data-testid=cond-add-rule]').click();
    const second = inner.getByTestId('cond-rule').nth(1);
    await second.getByTestId('case-answer').selectOption('birth');
    await second.getByTestId('case-op').selectOption('age_lt');
    await second.getByTestId('case-value').fill('18');
    // Saved once valid; the file holds the definition's own grammar.
    await page.waitForFunction(() => document.querySelector('[data-testid=save-status]')?.dataset.state === 'saved');
    const expected = { all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { not: { any: [{ answer: 'birth', op: 'age_gte', value: 65 }, { answer: 'birth', op: 'age_lt', value: 18 }] } }] };
    let saved;
    for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
      saved = (await staff.get(`/api/services/${svc.id}`)).definition.steps.find((s) => s.id === 'check').cases[0].when;
      if (JSON.stringify(saved) === JSON.stringify(expected)) break;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(saved, expected);
    assert.match(await page.getByTestId('findings-count').innerText(), /問題 0件/);
    // The graph's edge reads the nested condition in words.
    assert.match(await edgeLabel('e-check-confirm'), /種類が次と同じ 犬 かつ 次を満たさない\(生年月日の年齢が次以上 65、生年月日の年齢が次未満 18\)/);

    bad.push(...(await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `[${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
    await screenshot(page, 'builder-flow');
    assert.deepEqual(page.problems, []);
  } finally { await context.close(); }
  assert.deepEqual(bad, []);
});
