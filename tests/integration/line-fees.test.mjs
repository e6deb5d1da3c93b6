// LINE buttons say what a choice costs (issue 9, item 6), within LINE's 20-character labels,
// on the real server wired to `madoguchi line-sim` (SQLite or PostgreSQL via MG_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startStack, waitMessages, messageText, actionsOf, describe, lastSeq } from './line-harness.mjs';

const MENU = /ご利用になりたい手続きを選んでください/;
let stack;
before(async () => { stack = await startStack(); });
after(async () => {
  for (const c of [stack?.sim, stack?.srv]) if (c && c.proc.exitCode === null) await c.stop('SIGKILL').catch(() => {});
  if (stack) rmSync(stack.srv.db.dataDir, { recursive: true, force: true });
});

const units = (s) => s.length; // JS strings are UTF-16, as LINE counts labels

test('粗大ごみ item buttons carry their fee, once, within 20 characters', async () => {
  const { sim } = stack;
  const u = await sim.createUser('料金 確認');
  const menu = await waitMessages(sim, u, 0, { until: (m) => m.some((x) => MENU.test(messageText(x))) });
  const start = menu.flatMap(actionsOf).find((a) => /mg=s&/.test(a.data ?? '') && /粗大ごみ/.test(a.displayText ?? a.label));
  assert.ok(start, menu.map(describe).join('\n'));
  let seq = await lastSeq(sim, u);
  await sim.postback(u, start.data);
  let batch = await waitMessages(sim, u, seq, { until: (m) => m.some((x) => actionsOf(x).length > 2) });
  const labels = batch.flatMap(actionsOf).map((a) => a.label);
  assert.ok(labels.includes('自転車（400円）'), labels.join(' | '));
  assert.ok(labels.includes('ソファ（2人掛け以上）（800円）'), labels.join(' | '));
  assert.ok(labels.includes('布団（200円）'), labels.join(' | '));
  for (const l of labels) {
    assert.ok(units(l) <= 20, `label over 20: ${l}`);
    assert.ok((l.match(/円/g) ?? []).length <= 1, `fee twice: ${l}`);
  }
  // Tapping ticks the item; the tick keeps the price, and what the resident "says" is the item.
  const bike = batch.flatMap(actionsOf).find((a) => a.label === '自転車（400円）');
  assert.equal(bike.displayText, '自転車');
  seq = await lastSeq(sim, u);
  await sim.postback(u, bike.data);
  batch = await waitMessages(sim, u, seq, { until: (m) => m.some((x) => actionsOf(x).length > 2) });
  const after = batch.flatMap(actionsOf).map((a) => a.label);
  assert.ok(after.includes('✓自転車（400円）'), after.join(' | '));
  assert.ok(after.every((l) => units(l) <= 20), after.join(' | '));
});
