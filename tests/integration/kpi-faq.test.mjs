// The fiscal-year KPI report carries the FAQ figures (issue 14): questions asked, answered,
// resolved (解決しましたか？ → はい), unresolved, handed off to staff and the resolved share per
// fiscal year (年度, 1 April–31 March JST). A question at 31 March 23:59 JST and one at 1 April
// 00:00 JST land in different fiscal years (the process clock is moved with --test-clock).
// Viewers read it; residents and anonymous callers cannot. One server; SQLite or PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, expectError } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ extra: ['--test-clock'] });
  admin = await srv.admin();
  for (const e of [
    { question: '住民票の写しの取り方', answer: '市民課で請求できます。', url: 'https://city.example/juminhyo' },
    { question: '粗大ごみの出し方', answer: '粗大ごみは電話で予約制です。', url: 'https://city.example/sodai' },
  ]) assert.equal((await admin.post('/api/faq/entries', e)).status, 201);
});
after(async () => {
  await srv?.cleanup();
});

// Fiscal year of an instant, as the report names it (the calendar year its April falls in).
const fiscalYear = (ms) => {
  const d = new Date(ms + 9 * 3600e3);
  return d.getUTCMonth() >= 3 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
};
const report = async () => {
  const r = await admin.get('/api/delivery-report/fiscal-years');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const faqOf = (items, fy) => items.find((i) => i.fiscal_year === fy)?.faq;

test('FAQ figures per fiscal year: asked, answered, resolved, handed off; the 31 March / 1 April boundary', async () => {
  const resident = srv.client();
  const ask = async (q) => {
    const r = await resident.post('/api/public/demo/faq/ask', { q });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const feedback = async (a, resolved) =>
    assert.equal((await resident.post('/api/public/demo/faq/feedback', { question_id: a.question_id, token: a.token, resolved })).status, 200);

  // Now: a clear answer resolved, one not resolved, one nothing matched, a hand-off.
  const now = fiscalYear(Date.now());
  const a1 = await ask('住民票の写しの取り方');
  assert.equal(a1.outcome, 'answered');
  await feedback(a1, true);
  const a2 = await ask('粗大ごみの出し方');
  assert.equal(a2.outcome, 'answered');
  await feedback(a2, false);
  assert.equal((await ask('zzqx wvvk')).outcome, 'unanswered');
  const h = await resident.post('/api/public/demo/handoff', {});
  assert.equal(h.status, 201, h.text);

  let items = await report();
  assert.deepEqual(faqOf(items, now), { asked: 3, answered: 2, resolved: 1, unresolved: 1, unanswered: 1, handed_off: 1, resolved_share: 0.5 });
  // A year with FAQ activity but no deliveries is listed with zero deliveries.
  const cur = items.find((i) => i.fiscal_year === now);
  assert.deepEqual([cur.deliveries, cur.targeted, cur.sent, cur.failed], [0, 0, 0, 0]);

  // 31 March 23:59 JST of the next March: still fiscal year `now`; then 1 April 00:00 JST.
  const march31 = Date.UTC(now + 1, 2, 31, 14, 59, 0); // 23:59 JST
  assert.equal((await admin.post('/api/test/clock', { advance_ms: march31 - Date.now() })).status, 200);
  admin = await srv.admin(); // months later: the session has been idle too long
  const late = await ask('住民票の写しの取り方');
  await feedback(late, true);
  assert.equal((await admin.post('/api/test/clock', { advance_ms: 60_000 })).status, 200);
  const early = await ask('粗大ごみの出し方');
  await feedback(early, true);
  assert.equal((await resident.post('/api/public/demo/handoff', {})).status, 200, 'the open hand-off is resumed, not a new one');

  items = await report();
  assert.deepEqual(items.map((i) => i.fiscal_year), [now + 1, now], 'newest first');
  assert.deepEqual(faqOf(items, now), { asked: 4, answered: 3, resolved: 2, unresolved: 1, unanswered: 1, handed_off: 1, resolved_share: 2 / 3 });
  assert.deepEqual(faqOf(items, now + 1), { asked: 1, answered: 1, resolved: 1, unresolved: 0, unanswered: 0, handed_off: 0, resolved_share: 1 });

  // A tapped もしかして candidate is answered but not a new question; no rating: share null.
  const sodai = (await admin.get('/api/faq/entries')).json.items.find((e) => e.question === '粗大ごみの出し方');
  const chosen = await resident.post('/api/public/demo/faq/ask', { entry_id: sodai.id });
  assert.equal(chosen.status, 200, chosen.text);
  items = await report();
  assert.equal(faqOf(items, now + 1).asked, 1);
  assert.equal(faqOf(items, now + 1).answered, 2);

  // The FAQ statistics agree with the report for the same days.
  const st = await admin.get(`/api/faq/stats?from=${now + 1}-04-01&to=${now + 1}-04-01`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.total.asked, faqOf(items, now + 1).asked);
  assert.equal(st.json.total.answered, faqOf(items, now + 1).answered);

  // Viewers read it; anonymous callers and residents cannot.
  const viewer = srv.client();
  assert.equal((await admin.post('/api/staff', { email: 'kpi-viewer@demo.example', name: 'kpi', password: 'kpi-viewer-passphrase', role: 'viewer' })).status, 201);
  assert.equal((await viewer.login('demo', 'kpi-viewer@demo.example', 'kpi-viewer-passphrase')).status, 200);
  const seen = await viewer.get('/api/delivery-report/fiscal-years');
  assert.equal(seen.status, 200, seen.text);
  assert.deepEqual(seen.json.items, items);
  expectError(assert, await srv.client().get('/api/delivery-report/fiscal-years'), 401);
  expectError(assert, await resident.get('/api/delivery-report/fiscal-years'), 401);
});
