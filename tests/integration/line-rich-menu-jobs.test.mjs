// Rich-menu switch-all and links run as jobs: the admin's request answers 202 at once even when
// LINE is slow, and the console polls GET /api/line/rich-menus/jobs/{id} until the job has done
// the LINE calls (here against line-sim).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitMessages, messageText, sleep } from './line-harness.mjs';

let stack;
let admin;
let user;

const menu = (name, bar) => ({
  size: { width: 2500, height: 843 }, selected: true, name, chatBarText: bar,
  areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label: '災害', text: '災害' } }],
});

async function poll(url, until = (j) => j.status === 'done' || j.status === 'dead') {
  const deadline = Date.now() + 20000;
  for (;;) {
    const r = await admin.get(url);
    assert.equal(r.status, 200, r.text);
    if (until(r.json)) return r.json;
    if (Date.now() > deadline) throw new Error(`job did not finish: ${r.text}`);
    await sleep(100);
  }
}

before(async () => {
  stack = await startStack();
  admin = await stack.srv.admin();
  user = await stack.sim.createUser('切替 試子');
  await waitMessages(stack.sim, user, 0, { until: (ms) => ms.some((m) => /手続き/.test(messageText(m))) });
});

after(async () => {
  await stack?.sim.faults({ latencyMs: 0 });
  await stack?.srv.stop();
  await stack?.sim.stop();
});

test('switch-all answers 202 within a second while LINE hangs; the job then switches everyone', async () => {
  assert.equal((await admin.put('/api/line/rich-menus/disaster', { menu: menu('災害メニュー', '災害情報') })).status, 201);
  const before = await stack.sim.ok('GET', `/sim/users/${user}/richmenu`);
  await stack.sim.faults({ latencyMs: 4000 });
  const t0 = Date.now();
  const sw = await admin.post('/api/line/rich-menus/switch-all', { name: 'disaster' });
  const took = Date.now() - t0;
  assert.equal(sw.status, 202, sw.text);
  assert.ok(took < 1000, `switch-all took ${took} ms`);
  assert.equal(sw.json.job.status, 'pending');
  assert.match(sw.json.job.url, /^\/api\/line\/rich-menus\/jobs\/\d+$/);
  // Nothing changed on LINE yet for the resident.
  assert.deepEqual((await stack.sim.ok('GET', `/sim/users/${user}/richmenu`)).richMenu?.name, before.richMenu?.name);
  await stack.sim.faults({ latencyMs: 0 });
  const done = await poll(sw.json.job.url);
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.equal(done.message, 'LINE への反映が完了しました');
  assert.equal(done.state.switched_all, true);
  assert.equal((await stack.sim.ok('GET', `/sim/users/${user}/richmenu`)).richMenu.name, '災害メニュー');

  const back = await admin.post('/api/line/rich-menus/switch-all', { restore: true });
  assert.equal(back.status, 202, back.text);
  assert.equal((await poll(back.json.job.url)).status, 'done');
  assert.equal((await admin.get('/api/line/rich-menus')).json.switched_all, false);
  assert.notEqual((await stack.sim.ok('GET', `/sim/users/${user}/richmenu`)).richMenu?.name, '災害メニュー');
});

test('a job id of another kind, or none, is 404; a bad id is 404', async () => {
  assert.equal((await admin.get('/api/line/rich-menus/jobs/999999')).status, 404);
  assert.equal((await admin.get('/api/line/rich-menus/jobs/1x')).status, 404);
});
