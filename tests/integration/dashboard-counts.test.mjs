// Issue 15: the dashboard's counts come from counters that triggers keep in the transaction of
// every write (migration 42), not from a scan. This drives every way an application's count
// can change, all at once (web submissions, staff status changes, correction requests and
// answered corrections, deletions), and then compares the dashboard with fresh counts: through
// the list API and by COUNT(*) in the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, BACKEND } from './harness.mjs';

let srv, admin, services;
const tomorrow = () => new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);

before(async () => {
  srv = await startServer();
  admin = await srv.admin();
  services = (await admin.get('/api/services')).json.items;
});
after(async () => { await srv?.cleanup(); });

function sql(text) {
  return BACKEND === 'postgres'
    ? execFileSync('psql', [srv.db.url, '-X', '-q', '-At', '-c', text], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', ['-cmd', '.timeout 10000', join(srv.db.dataDir, 'madoguchi.db'), text], { encoding: 'utf8' }).trim();
}

const say = (resident, session, input) => resident.post(`/api/public/demo/chat/${session}/input`, input);

// One 欠席連絡 through the web chat; returns the application's id.
async function submit(resident, name) {
  const service_id = services.find((s) => s.service_key === 'school-absence').id;
  const start = await resident.post('/api/public/demo/chat', { service_id });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  for (const input of [
    { type: 'text', text: name }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow() },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' },
  ]) assert.equal((await say(resident, s, input)).status, 200);
  const receipt = (await say(resident, s, { type: 'choice', value: 'confirm' })).json.receipt_number;
  assert.ok(receipt);
  return (await admin.get(`/api/applications?q=${receipt}`)).json.items[0].id;
}

const patchStatus = async (id, status) => {
  const r = await admin.patch(`/api/applications/${id}`, { status });
  assert.equal(r.status, 200, r.text);
};

// Staff ask for a correction of 組; the resident answers it (a done application goes back to
// 対応中 through this path, not through a status change).
async function correct(resident, id) {
  const corr = await admin.post(`/api/applications/${id}/corrections`, { step_ids: ['class'], reason: '組を確認してください' });
  assert.equal(corr.status, 201, corr.text);
  const c = corr.json.corrections.at(-1);
  const cs = (await resident.post(`/api/public/demo/my/corrections/${c.id}/chat`, {})).json.session_id;
  await say(resident, cs, { type: 'text', text: '3年1組' });
  assert.equal((await say(resident, cs, { type: 'choice', value: 'confirm' })).json.done, true);
}

// Deletion (no route deletes applications today: this is what a retention purge would do),
// with the rows that reference the application, in one transaction.
function remove(id) {
  const tables = ['application_events', 'corrections'];
  const body = tables.map((t) => `DELETE FROM ${t} WHERE application_id = ${id};`).join(' ') +
    ` DELETE FROM applications WHERE id = ${id};`;
  sql(`BEGIN; ${body} COMMIT;`);
}

async function life(worker) {
  const resident = srv.client();
  const ids = [];
  for (let i = 0; i < 3; ++i) ids.push(await submit(resident, `住民 ${worker}-${i}`));
  await patchStatus(ids[0], 'in_progress');
  await patchStatus(ids[1], ['done', 'rejected', 'withdrawn'][worker % 3]);
  await patchStatus(ids[0], 'done');
  await correct(resident, ids[0]); // done -> in_progress
  if (worker % 2 === 0) remove(ids[2]);
  await patchStatus(ids[0], worker % 2 ? 'done' : 'rejected');
}

test('after concurrent submissions, status changes, corrections and deletions the dashboard equals fresh counts', async () => {
  const before = (await admin.get('/api/dashboard')).json.counts;
  assert.equal(before.applications, Number(sql('SELECT COUNT(*) FROM applications WHERE tenant_id = (SELECT id FROM tenants WHERE code = \'demo\')')));
  await Promise.all([0, 1, 2, 3, 4, 5].map(life));

  const d = (await admin.get('/api/dashboard')).json.counts;
  const total = async (q) => {
    const r = await admin.get(`/api/applications?limit=1${q}`);
    assert.equal(r.status, 200, r.text);
    return r.json.total;
  };
  // 6 workers x 3 submitted, 3 deleted.
  assert.equal(d.applications, before.applications + 15);
  assert.equal(d.applications, await total(''));
  assert.equal(d.applications_open, (await total('&status=new')) + (await total('&status=in_progress')));
  // The counters row by row against a fresh GROUP BY, every tenant (none left non-zero
  // without rows, none missing).
  const counters = sql('SELECT tenant_id, department, status, n FROM application_status_counts WHERE n <> 0 ORDER BY 1, 2, 3');
  const fresh = sql('SELECT tenant_id, department, status, COUNT(*) FROM applications GROUP BY tenant_id, department, status ORDER BY 1, 2, 3');
  assert.equal(counters, fresh);
  assert.ok(fresh.length > 0);
  // Residents: one per worker's device came in during the run.
  const residents = Number(sql('SELECT COUNT(*) FROM residents WHERE tenant_id = (SELECT id FROM tenants WHERE code = \'demo\')'));
  assert.equal(d.residents, residents);
  assert.equal(d.residents, before.residents + 6);
  assert.equal(sql('SELECT tenant_id, n FROM resident_counts WHERE n <> 0 ORDER BY 1'),
    sql('SELECT tenant_id, COUNT(*) FROM residents GROUP BY tenant_id ORDER BY 1'));
  // The jobs counts still answer (now through an index on tenant and status).
  assert.equal(d.jobs_dead, Number(sql('SELECT COUNT(*) FROM jobs WHERE status = \'dead\' AND tenant_id = (SELECT id FROM tenants WHERE code = \'demo\')')));
});
