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

// Issue 11 (flowedit): where a step leads is editable in the graph. Dragging a choice's handle to
// another step sets that choice's next (the list and the preview follow); Delete on a focused
// edge or 「つながりを外す」 takes an explicit link away; C on a focused node reaches the
// 「つなぎ先を変える」 selects; undo restores. axe with the graph, a picked edge and the selects shown.
const waitSaved = (page) => page.waitForFunction(() => document.querySelector('[data-testid=save-status]')?.dataset.state === 'saved');
async function savedSteps(staff, id, pred) {
  let steps;
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    steps = Object.fromEntries((await staff.get(`/api/services/${id}`)).definition.steps.map((s) => [s.id, s]));
    if (pred(steps)) return steps;
    await new Promise((r) => setTimeout(r, 100));
  }
  return steps;
}

test('flow view edits links: drag a choice, delete an edge, keyboard, undo, axe', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 1024, height: 768 } });
  const bad = [];
  const axe = async () => bad.push(...(await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `[${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
  try {
    const staff = await staffApi(context);
    const svc = await staff.post('/api/services', { definition: { ...DRAFT, service_key: 'e2e-flow-edit', title: 'フロー図でつなぐ（テスト）' } });
    await page.goto(`/console/services/${svc.id}/edit`);
    await page.getByTestId('builder').waitFor();
    await page.getByTestId('flow-toggle').click();
    const graph = page.getByTestId('flow-graph');
    const node = (id) => graph.locator(`.react-flow__node[data-id="${id}"]`);
    // An edge's box can be a zero-width line, so presence (not visibility) is what is waited for.
    const edge = (id) => graph.locator(`[data-testid="rf__edge-${id}"]`);
    const label = (id) => graph.locator(`.flow-edge-label[data-edge-id="${id}"] span`);
    const ariaOf = (id) => page.evaluate((x) => document.querySelector(`[data-testid="rf__edge-${x}"]`)?.getAttribute('aria-label') ?? '', id);
    const drag = async (fromNode, slot, toNode) => {
      await graph.locator('.flow-canvas').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const from = await node(fromNode).locator(`.react-flow__handle[data-handleid="${slot}"]`).boundingBox();
      const to = await node(toNode).boundingBox();
      assert.ok(from && to, `${fromNode}/${slot} and ${toNode} are on screen`);
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2 + 4, { steps: 12 });
      await page.mouse.up();
    };
    await node('kind').waitFor();
    await waitSaved(page);

    // Drag from the handle of choice 2 (猫) onto 犬の名前: both choices now lead there, in one edge with both words.
    await drag('kind', 'choice-1', 'dog');
    await graph.getByTestId('flow-said').filter({ hasText: /「猫」の行き先を「4\. 犬の名前」にしました/ }).waitFor();
    await page.waitForFunction(() => /「犬」を選んだとき、「猫」を選んだとき/.test(document.querySelector('[data-testid="rf__edge-e-kind-dog"]')?.getAttribute('aria-label') ?? ''));
    assert.equal(await edge('e-kind-cat').count(), 0);
    // The list editor shows the new next step.
    await page.locator('[data-testid=builder-step][data-step-id=kind] [data-testid=step-toggle]').click();
    const kindForm = page.locator('li.builder-step.open[data-step-id=kind]');
    assert.equal(await kindForm.getByTestId('choice-next').nth(1).inputValue(), 'dog');
    // The validator runs as for any edit: 猫の名前 is no longer reached, which blocks saving.
    await node('cat').getByTestId('flow-unreachable').waitFor();
    await page.locator('[data-testid=builder-step][data-step-id=cat] [data-testid=finding][data-code=unreachable]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=save-status]')?.dataset.state === 'invalid');
    // Fixed in the graph too: 犬の名前 leads on to 猫の名前.
    await drag('dog', 'next', 'cat');
    await edge('e-dog-cat').waitFor({ state: 'attached' });
    assert.equal(await edge('e-dog-check').count(), 0);
    await waitSaved(page);
    let steps = await savedSteps(staff, svc.id, (s) => s.kind.choices[1].next === 'dog' && s.dog.next === 'cat');
    assert.equal(steps.kind.choices[1].next, 'dog');
    assert.equal(steps.dog.next, 'cat');
    // The preview follows it: 猫 now asks for the dog's name.
    await page.getByTestId('play-from-step').selectOption('kind');
    await page.getByTestId('play-from-go').click();
    const preview = page.getByTestId('builder-preview');
    await preview.locator('[data-testid=chat-active][data-step-id=kind]').waitFor();
    await preview.locator('[data-testid=choice][data-value=cat]').click();
    await preview.locator('[data-testid=chat-active][data-step-id=dog]').waitFor();
    // A link the format does not allow (a step onto itself) changes nothing.
    await drag('dog', 'next', 'dog');
    await graph.getByTestId('flow-said').filter({ hasText: /できません/ }).waitFor();
    assert.equal(await edge('e-dog-dog').count(), 0);

    // The whole flow in view for the rest.
    await graph.getByRole('button', { name: '全体を表示' }).click();
    await node('submit').waitFor();
    await page.waitForTimeout(300);

    // Delete on a focused edge takes its explicit link away: 「対象外です」 (sorry) falls back to the following step.
    assert.match(await ariaOf('e-sorry-__end__'), /外せます/);
    await edge('e-sorry-__end__').focus();
    await page.keyboard.press('Delete');
    await edge('e-sorry-confirm').waitFor({ state: 'attached' });
    assert.equal(await edge('e-sorry-__end__').count(), 0);
    await waitSaved(page);
    steps = await savedSteps(staff, svc.id, (s) => s.sorry.next === undefined);
    assert.equal(steps.sorry.next, undefined);
    // Undo restores it, like any other edit.
    await page.getByTestId('undo').click();
    await edge('e-sorry-__end__').waitFor({ state: 'attached' });
    await waitSaved(page);
    steps = await savedSteps(staff, svc.id, (s) => s.sorry.next === 'end');
    assert.equal(steps.sorry.next, 'end');

    // A condition's target cannot be taken away: picking it says so instead of offering the button.
    await label('e-check-confirm').click();
    await graph.getByTestId('flow-edge-picked').filter({ hasText: /外せません/ }).waitFor();
    assert.equal(await graph.getByTestId('flow-unlink').count(), 0);
    // Picking an edge by its words, then 「つながりを外す」: both choices lose their own targets.
    await label('e-kind-dog').click();
    await graph.getByTestId('flow-unlink').waitFor();
    assert.match(await graph.getByTestId('flow-edge-picked').innerText(), /「犬」を選んだとき/);
    await axe();
    await graph.getByTestId('flow-unlink').click();
    await waitSaved(page);
    steps = await savedSteps(staff, svc.id, (s) => !s.kind.choices[0].next && !s.kind.choices[1].next);
    assert.deepEqual(steps.kind.choices.map((c) => c.next), [undefined, undefined]);
    await page.getByTestId('undo').click();
    await page.waitForFunction(() => /「犬」を選んだとき、「猫」を選んだとき/.test(document.querySelector('[data-testid="rf__edge-e-kind-dog"]')?.getAttribute('aria-label') ?? ''));

    // The keyboard path: C on a focused node moves to its selects under the graph; an arrow key picks the next step in the list.
    await node('kind').focus();
    await page.keyboard.press('c');
    await page.waitForFunction(() => document.activeElement?.matches('[data-testid=flow-links][data-step-id=kind] [data-testid=flow-link-select]'));
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.slot), 'choice-0');
    assert.equal(await page.evaluate(() => document.activeElement?.value), 'dog');
    await page.keyboard.press('ArrowDown'); // 犬 → 猫の名前
    await edge('e-kind-cat').waitFor({ state: 'attached' });
    assert.match(await ariaOf('e-kind-cat'), /「犬」を選んだとき/);
    assert.equal(await page.locator('li.builder-step.open[data-step-id=kind] [data-testid=choice-next]').first().inputValue(), 'cat');
    await waitSaved(page);
    steps = await savedSteps(staff, svc.id, (s) => s.kind.choices[0].next === 'cat');
    assert.equal(steps.kind.choices[0].next, 'cat');
    assert.match(await page.getByTestId('findings-count').innerText(), /問題 0件/);

    await axe();
    await screenshot(page, 'builder-flow-edit');
    assert.deepEqual(page.problems, []);
  } finally { await context.close(); }
  assert.deepEqual(bad, []);
});

// Issue 11 (flowedit): on tablets an edge's words never sit on a step's box.
for (const viewport of [{ width: 768, height: 1024 }, { width: 1024, height: 768 }]) {
  test(`edge labels never overlap steps at ${viewport.width}×${viewport.height}`, async () => {
    const { context, page } = await newPage(browser, { viewport, context: { hasTouch: true } });
    try {
      const staff = await staffApi(context);
      // A third choice skips both name questions: its edge spans two rows of steps, where a label
      // placed halfway along the edge would sit on 犬の名前 or 猫の名前.
      const steps = DRAFT.steps.map((s) => (s.id === 'kind' ? { ...s, choices: [...s.choices, { value: 'other', label: 'その他の動物', next: 'check' }] } : s));
      const svc = await staff.post('/api/services', { definition: { ...DRAFT, steps, service_key: `e2e-flow-labels-${viewport.width}`, title: 'ラベルの重なり（テスト）' } });
      await page.goto(`/console/services/${svc.id}/edit`);
      await page.getByTestId('builder').waitFor();
      await page.getByTestId('flow-toggle').click();
      const graph = page.getByTestId('flow-graph');
      await graph.locator('.react-flow__node[data-id=kind]').waitFor();
      // The whole flow in view, so every step and label is drawn.
      await graph.getByRole('button', { name: '全体を表示' }).click();
      await graph.locator('.react-flow__node[data-id=submit]').waitFor();
      await page.waitForTimeout(400);
      const boxes = await page.evaluate(() => {
        const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
        return {
          nodes: [...document.querySelectorAll('[data-testid=flow-graph] .react-flow__node')].map((el) => ({ id: el.dataset.id, ...box(el) })),
          labels: [...document.querySelectorAll('[data-testid=flow-graph] .flow-edge-label span, [data-testid=flow-graph] .react-flow__edge-text')]
            .map((el) => ({ id: el.closest('[data-edge-id]')?.dataset.edgeId ?? el.textContent, ...box(el) })),
        };
      });
      assert.ok(boxes.nodes.length >= 10, `all steps drawn: ${boxes.nodes.length}`);
      assert.ok(boxes.labels.length >= 5, `labels drawn: ${boxes.labels.length}`);
      const hit = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      const overlaps = [];
      for (const l of boxes.labels) {
        for (const n of boxes.nodes) if (hit(l, n)) overlaps.push(`${l.id} on ${n.id}`);
        for (const m of boxes.labels) if (m !== l && hit(l, m)) overlaps.push(`${l.id} on ${m.id}`);
      }
      assert.deepEqual(overlaps, []);
      await screenshot(page, `builder-flow-labels-${viewport.width}`);
      assert.deepEqual(page.problems, []);
    } finally { await context.close(); }
  });
}
