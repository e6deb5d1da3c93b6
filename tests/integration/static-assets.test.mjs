// Precompressed static assets: the build's <file>.br / <file>.gz are sent when the client's
// Accept-Encoding allows, with the asset's own Content-Type, Content-Encoding, Vary and
// year-long immutable caching; clients that accept no coding get the file as it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { startServer } from './harness.mjs';

// A web root of our own with one hashed asset and its precompressed siblings.
const web = mkdtempSync(join(tmpdir(), 'mg-web-enc-'));
const js = Buffer.from(`export const greeting = "${'こんにちは、まどぐち。'.repeat(200)}";\n`);
const gz = zlib.gzipSync(js);
const br = zlib.brotliCompressSync(js);
mkdirSync(join(web, 'assets'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title><p>INDEX-PAGE</p>');
writeFileSync(join(web, 'assets', 'app-AbC123.js'), js);
writeFileSync(join(web, 'assets', 'app-AbC123.js.gz'), gz);
writeFileSync(join(web, 'assets', 'app-AbC123.js.br'), br);
writeFileSync(join(web, 'assets', 'style-AbC123.css'), 'body{color:red}');
writeFileSync(join(web, 'assets', 'leak-AbC123.js'), 'LEAK-IDENTITY');

let srv;
before(async () => {
  srv = await startServer({ extra: ['--web-root', web] });
  // A precompressed "variant" that is a symlink out of the web root must never be sent.
  const canary = join(srv.db.dataDir, 'canary.br');
  writeFileSync(canary, 'CANARY-5e1d');
  symlinkSync(canary, join(web, 'assets', 'leak-AbC123.js.br'));
});
after(async () => {
  await srv?.cleanup();
  rmSync(web, { recursive: true, force: true });
});

// node's http module neither adds Accept-Encoding nor decodes bodies, unlike fetch.
function get(path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.end();
  });
}

const ASSET = '/assets/app-AbC123.js';
const IMMUTABLE = 'public, max-age=31536000, immutable';

test('brotli is sent to a browser that accepts it, and decodes to the asset', async () => {
  const r = await get(ASSET, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(r.headers['cache-control'], IMMUTABLE);
  assert.equal(Number(r.headers['content-length']), br.length);
  assert.ok(r.body.equals(br));
  assert.ok(zlib.brotliDecompressSync(r.body).equals(js));
});

test('gzip is sent when brotli is not accepted or ranks lower', async () => {
  for (const ae of ['gzip', 'gzip, deflate', 'br;q=0, gzip', 'br;q=0.2, gzip;q=0.8']) {
    const r = await get(ASSET, { headers: { 'accept-encoding': ae } });
    assert.equal(r.status, 200, ae);
    assert.equal(r.headers['content-encoding'], 'gzip', ae);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8', ae);
    assert.equal(r.headers.vary, 'Accept-Encoding', ae);
    assert.equal(r.headers['cache-control'], IMMUTABLE, ae);
    assert.ok(zlib.gunzipSync(r.body).equals(js), ae);
  }
});

test('a client without Accept-Encoding (or refusing every coding) gets identity', async () => {
  for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' },
    { 'accept-encoding': '*;q=0' }, { 'accept-encoding': 'deflate' }]) {
    const r = await get(ASSET, { headers });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined, JSON.stringify(headers));
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['cache-control'], IMMUTABLE);
    assert.ok(r.body.equals(js), JSON.stringify(headers));
  }
});

test('HEAD reports the chosen coding and its length without a body', async () => {
  const r = await get(ASSET, { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(Number(r.headers['content-length']), br.length);
  assert.equal(r.body.length, 0);
  const plain = await get(ASSET, { method: 'HEAD' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(Number(plain.headers['content-length']), js.length);
});

test('files without variants, and the SPA index, are sent as they are', async () => {
  const css = await get('/assets/style-AbC123.css', { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(css.status, 200);
  assert.equal(css.headers['content-encoding'], undefined);
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(css.body.toString(), 'body{color:red}');
  for (const path of ['/', '/t/demo', '/console/login']) {
    const r = await get(path, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-encoding'], undefined, path);
    assert.equal(r.headers['cache-control'], 'no-cache', path);
    assert.match(r.body.toString(), /INDEX-PAGE/, path);
  }
});

test('a precompressed variant linked outside the web root is never sent', async () => {
  const r = await get('/assets/leak-AbC123.js', { headers: { 'accept-encoding': 'br' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), 'LEAK-IDENTITY');
  const direct = await get('/assets/leak-AbC123.js.br');
  assert.equal(direct.status, 404);
  assert.doesNotMatch(direct.body.toString(), /CANARY/);
});
