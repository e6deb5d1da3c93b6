// The operator's map tiles (--map-tiles): residents' pages learn them from /info, the tile host
// is allowed for images only in the pages' CSP, and an unusable template stops the server at start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BIN, freshDatabase, startServer } from './harness.mjs';

test('custom tiles reach /info and the page CSP (img-src only)', async () => {
  const srv = await startServer({
    extra: ['--map-tiles', 'https://{s}.tiles.example.jp/std/{z}/{x}/{y}.png', '--map-attribution', '地理院タイル',
      '--map-center', '36.8,137.4', '--map-zoom', '14'],
  });
  try {
    const info = await (await fetch(`${srv.base}/api/public/demo/info`)).json();
    assert.deepEqual(info.map, {
      tiles: 'https://{s}.tiles.example.jp/std/{z}/{x}/{y}.png', attribution: '地理院タイル', center: [36.8, 137.4], zoom: 14,
    });
    const page = await fetch(`${srv.base}/t/demo`);
    const csp = page.headers.get('content-security-policy');
    assert.match(csp, /img-src 'self' data: blob: https:\/\/\*\.tiles\.example\.jp;/, csp);
    assert.equal(csp.split('tiles.example.jp').length, 2, `tile host only once: ${csp}`);
    const api = await fetch(`${srv.base}/api/public/demo/info`);
    assert.equal(api.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
  } finally {
    await srv.stop();
    rmSync(srv.db.dataDir, { recursive: true, force: true });
  }
});

test('default: OpenStreetMap tiles with attribution link; "none" turns tiles off', async () => {
  const srv = await startServer({ extra: ['--map-tiles', 'none'] });
  try {
    const info = await (await fetch(`${srv.base}/api/public/demo/info`)).json();
    assert.equal(info.map.tiles, '');
    const csp = (await fetch(`${srv.base}/t/demo`)).headers.get('content-security-policy');
    assert.match(csp, /img-src 'self' data: blob:;/, csp);
  } finally {
    await srv.stop();
    rmSync(srv.db.dataDir, { recursive: true, force: true });
  }
  const def = await startServer();
  try {
    const info = await (await fetch(`${def.base}/api/public/demo/info`)).json();
    assert.equal(info.map.tiles, 'https://tile.openstreetmap.org/{z}/{x}/{y}.png');
    assert.equal(info.map.attribution_url, 'https://www.openstreetmap.org/copyright');
    assert.match(info.map.attribution, /OpenStreetMap/);
  } finally {
    await def.stop();
    rmSync(def.db.dataDir, { recursive: true, force: true });
  }
});

test('an unusable tile template or centre stops the server with a message', () => {
  for (const [flag, value] of [['--map-tiles', "https://t.example; script-src * /{z}/{x}/{y}"],
    ['--map-tiles', 'ftp://t.example/{z}/{x}/{y}'], ['--map-center', '135,500']]) {
    const db = freshDatabase();
    const r = spawnSync(BIN, ['serve', '--demo', '--listen', '127.0.0.1:0', ...db.args, flag, value], { encoding: 'utf8', timeout: 20000 });
    rmSync(db.dataDir, { recursive: true, force: true });
    assert.notEqual(r.status, 0, `${flag} ${value} was accepted`);
    // The setting is named with what is wrong, before any database work.
    assert.match(r.stderr, new RegExp(`error: ${flag}.* must `), r.stderr);
  }
});
