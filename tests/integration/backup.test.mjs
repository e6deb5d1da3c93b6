// madoguchi backup / restore on SQLite: a backup taken while residents and staff keep writing
// restores into a fresh directory with every application, attachment and audit row it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freshDatabase, freePort, Client, BIN, BACKEND } from './harness.mjs';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f80f0000030101008d2e4a2a0000000049454e44ae426082', 'hex');

// Runs the binary without blocking the event loop (the load keeps going meanwhile).
function run(args) {
  return new Promise((resolve) => {
    execFile(BIN, args, { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, stdout, stderr }));
  });
}

// A resident's road-damage report with a photo, through the web chat API.
async function applyRoad(srvBase, serviceId) {
  const resident = new Client(srvBase);
  const start = await resident.post('/api/public/demo/chat', { service_id: serviceId });
  assert.equal(start.status, 201, start.text);
  const s = start.json.session_id;
  const say = (input) => resident.post(`/api/public/demo/chat/${s}/input`, input);
  assert.equal((await say({ type: 'choice', value: 'pothole' })).status, 200);
  const up = await resident.request('POST', `/api/public/demo/chat/${s}/attachments?filename=a.png`, { raw: PNG, headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  let last;
  for (const input of [
    { type: 'photo', attachment_id: up.json.attachment_id, content_type: 'image/png' },
    { type: 'location', lat: 36.8, lng: 137.4, address: '本町1丁目' },
    { type: 'choice', value: '__skip__' }, { type: 'choice', value: 'no' }, { type: 'choice', value: 'confirm' },
  ]) {
    last = await say(input);
    assert.equal(last.status, 200, last.text);
  }
  assert.ok(last.json.receipt_number, last.text);
  return last.json.receipt_number;
}

// The restored directory has a demo tenant already, so the server prints no new password:
// the backed-up admin's password logs in.
async function startRestored(dataDir) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', '--data', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`restored server exited: ${err}`);
    try { if ((await fetch(`${base}/healthz`)).status === 200) break; } catch {}
    if (Date.now() > deadline) throw new Error(`restored server did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    async stop() {
      if (proc.exitCode !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    },
  };
}

async function allApplications(admin) {
  const r = await admin.get('/api/applications?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('a backup taken under write load restores every application, attachment and audit row', {
  skip: BACKEND === 'postgres' ? 'SQLite only: PostgreSQL is backed up with pg_dump (see the next test)' : false,
}, async () => {
  const srv = await startServer({ extra: ['--upload-daily-count', '1000'] });
  const work = mkdtempSync(join(tmpdir(), 'mg-backup-'));
  let restored;
  try {
    const admin = await srv.admin();
    const road = (await admin.get('/api/services')).json.items.find((s) => s.service_key === 'road-damage').id;
    let stop = false;
    const done = [];
    const residents = [0, 1].map(async () => {
      while (!stop) done.push(await applyRoad(srv.base, road));
    });
    // Staff move applications along meanwhile (each change writes an audit row).
    const staff = (async () => {
      let i = 0;
      while (!stop) {
        const items = (await admin.get('/api/applications?limit=20')).json.items;
        for (const a of items.filter((x) => x.status === 'new').slice(0, 3)) {
          const r = await admin.patch(`/api/applications/${a.id}`, { status: 'in_progress', memo: `確認 ${i++}` });
          assert.equal(r.status, 200, r.text);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const until = async (fn) => {
      const deadline = Date.now() + 15000;
      while (!fn()) {
        assert.ok(Date.now() < deadline, 'the load did not progress');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until(() => done.length >= 6);
    const before = (await allApplications(admin)).length;
    const receiptsBefore = new Set(done);
    const out = join(work, 'backup');
    // Small steps, so commits land between them while the copy runs.
    const b = await run(['backup', '--data', srv.db.dataDir, '--out', out, '--pages-per-step', '8']);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /backed up/);
    const after = (await allApplications(admin)).length;
    const doneAtBackupEnd = done.length;
    await until(() => done.length >= doneAtBackupEnd + 2);  // the load went on after the backup
    stop = true;
    await Promise.all([...residents, staff]);

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.format, 'madoguchi-backup/1');
    assert.ok(manifest.schema_version > 0);
    assert.deepEqual(manifest.files.map((f) => f.path).sort(), ['madoguchi.db', 'secret.key']);
    assert.ok(manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.size > 0));
    const counted = manifest.row_counts.applications;
    assert.ok(counted >= before && counted <= after, `backup holds ${counted}, load had ${before}..${after}`);

    // Bad inputs, before the real restore.
    const usage = await run(['restore', '--from', out]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--data NEW_DIR/);
    assert.equal((await run(['backup', '--data', srv.db.dataDir])).code, 2);
    const inside = await run(['backup', '--data', srv.db.dataDir, '--out', join(srv.db.dataDir, 'b')]);
    assert.equal(inside.code, 2);
    assert.match(inside.stderr, /outside the data directory/);
    const occupied = join(work, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'x'), 'x');
    const refused = await run(['restore', '--from', out, '--data', occupied]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not empty/);
    assert.equal((await run(['backup', '--data', srv.db.dataDir, '--out', occupied])).code, 1);
    const tamperedFile = join(work, 'tampered-file');
    cpSync(out, tamperedFile, { recursive: true });
    writeFileSync(join(tamperedFile, 'secret.key'), 'not the key\n');
    const badFile = await run(['restore', '--from', tamperedFile, '--data', join(work, 't1')]);
    assert.equal(badFile.code, 1);
    assert.match(badFile.stderr, /secret\.key does not match/);
    const tamperedManifest = join(work, 'tampered-manifest');
    cpSync(out, tamperedManifest, { recursive: true });
    const m2 = JSON.parse(readFileSync(join(tamperedManifest, 'manifest.json'), 'utf8'));
    m2.files[0].sha256 = '0'.repeat(64);
    writeFileSync(join(tamperedManifest, 'manifest.json'), JSON.stringify(m2));
    const badManifest = await run(['restore', '--from', tamperedManifest, '--data', join(work, 't2')]);
    assert.equal(badManifest.code, 1);
    assert.match(badManifest.stderr, /madoguchi\.db does not match/);
    const escape = join(work, 'escape');
    cpSync(out, escape, { recursive: true });
    const m3 = JSON.parse(readFileSync(join(escape, 'manifest.json'), 'utf8'));
    m3.files.push({ path: '../tampered-file/secret.key', size: 1, sha256: '0'.repeat(64) });
    writeFileSync(join(escape, 'manifest.json'), JSON.stringify(m3));
    assert.equal((await run(['restore', '--from', escape, '--data', join(work, 't3')])).code, 1);

    const target = join(work, 'restored');
    const r = await run(['restore', '--from', out, '--data', target]);
    assert.equal(r.code, 0, r.stderr);
    restored = await startRestored(target);
    const radmin = new Client(restored.base);
    assert.equal((await radmin.login('demo', 'admin@demo.example', srv.password)).status, 200);
    const apps = await allApplications(radmin);
    assert.equal(apps.length, counted);
    const receipts = new Set(apps.map((a) => a.receipt_number));
    for (const rc of receiptsBefore) assert.ok(receipts.has(rc), `${rc} finished before the backup is missing`);
    const audit = [];
    for (let beforeId = null; ;) {
      const page = (await radmin.get(`/api/audit?limit=500${beforeId ? `&before_id=${beforeId}` : ''}`)).json.items;
      audit.push(...page);
      if (page.length < 500) break;
      beforeId = page.at(-1).id;
    }
    // Newest first: the restored server's own login, then exactly the backed-up rows.
    assert.match(audit[0].action, /login/, JSON.stringify(audit[0]));
    assert.equal(audit.length, manifest.row_counts.audit_log + 1);
    let photos = 0;
    for (const a of apps) {
      const detail = (await radmin.get(`/api/applications/${a.id}`)).json;
      assert.match(JSON.stringify(detail), /本町1丁目/, `answers of ${a.receipt_number}`);
      for (const att of detail.attachments) {
        const img = await radmin.get(`/api/attachments/${att.id}`);
        assert.equal(img.status, 200);
        photos++;
      }
      if (a.status !== 'new')
        assert.ok(audit.some((x) => x.action === 'application.update' && x.object_id === String(a.id)), `audit of ${a.id}`);
    }
    assert.equal(photos, counted, JSON.stringify(apps.map((a) => a.receipt_number)));
    // Same bytes: the text decoding above is lossy, so fetch one raw.
    const one = (await radmin.get(`/api/applications/${apps[0].id}`)).json.attachments[0].id;
    const raw = Buffer.from(await (await fetch(`${restored.base}/api/attachments/${one}`, { headers: { cookie: radmin.cookieHeader() } })).arrayBuffer());
    assert.deepEqual(raw, PNG);
  } finally {
    await restored?.stop();
    await srv.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
});

test('backup and restore refuse PostgreSQL and name pg_dump / pg_restore instead', async () => {
  const db = BACKEND === 'postgres' ? freshDatabase() : { args: ['--database', 'postgresql://127.0.0.1/madoguchi'] };
  for (const cmd of [['backup', '--out', join(tmpdir(), 'never')], ['restore', '--from', tmpdir()]]) {
    const r = await run([...cmd, ...db.args]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pg_dump -Fc/);
    assert.match(r.stderr, /pg_restore/);
    assert.match(r.stderr, /pg_basebackup/);
  }
  if (db.dataDir) rmSync(db.dataDir, { recursive: true, force: true });
});
