// Generative FAQ answers (issue 14) in the browser: an admin switches them on in the console's
// FAQ page; a resident's question with only candidates gets the AI answer with its sources as
// links, above the candidates. A fake OpenAI-compatible endpoint on loopback; axe on both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { freePort, launch, newPage, startChild, stopChildren } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.MG_BIN || join(ROOT, 'build/madoguchi');
let browser, llm, srv, base, dataDir, password;
let calls = 0;

before(async () => {
  browser = await launch();
  llm = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: '粗大ごみは電話で予約してください [1]' } }], usage: { prompt_tokens: 10, completion_tokens: 5 } }));
    });
  });
  await new Promise((r) => llm.listen(0, '127.0.0.1', r));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-generative-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  srv = await startChild(BIN, ROOT, ['serve', '--demo', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--llm-url', `http://127.0.0.1:${llm.address().port}/v1`], async (o) => {
    try { return /password=\S+/.test(o) && (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  password = srv.output().match(/password=(\S+)/)[1];
});

after(async () => {
  await browser?.close();
  await stopChildren(srv);
  llm?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${name}: ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`), []);
}

test('an admin switches generative answers on; a resident gets an AI answer citing its sources', async () => {
  const { page, context } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { baseURL: base, hasTouch: true, isMobile: true } });
  await page.goto('/console/login');
  await page.getByTestId('login-tenant').fill('demo');
  await page.getByTestId('login-email').fill('admin@demo.example');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('tenant-name').waitFor();
  const csrf = (await (await page.request.get('/api/session')).json()).csrf_token;
  for (const data of [
    { question: '粗大ごみの出し方', answer: '粗大ごみは電話で予約制です。', url: 'https://city.example/sodai' },
    { question: '粗大ごみの料金', answer: '1個300円です。', url: 'https://city.example/fee' },
  ]) assert.equal((await page.request.post('/api/faq/entries', { data, headers: { 'x-csrf-token': csrf } })).status(), 201);

  await page.goto('/console/faq');
  const sw = page.getByTestId('faq-generative-switch');
  await sw.waitFor();
  assert.equal(await sw.isChecked(), false, 'off by default');
  const label = await page.getByTestId('faq-generative').locator('label.check').boundingBox();
  assert.ok(label && label.height >= 44, JSON.stringify(label));
  await sw.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="faq-generative-switch"]')?.checked && !document.querySelector('[data-testid="faq-generative-switch"]')?.disabled);
  await axe(page, 'console faq generative');
  assert.equal((await (await page.request.get('/api/faq/generative')).json()).enabled, true);

  const resident = await context.newPage();
  await resident.goto('/t/demo/faq');
  await resident.getByTestId('faq-q').fill('粗大ごみの出し方と料金 03-1234-5678');
  await resident.getByTestId('faq-send').click();
  const gen = resident.getByTestId('faq-generated');
  await gen.waitFor();
  assert.match(await gen.innerText(), /電話で予約してください/);
  assert.equal(await gen.locator('a[href="https://city.example/sodai"]').count(), 1);
  await resident.getByTestId('faq-candidates').waitFor();
  await axe(resident, 'resident faq generated');
  assert.equal(calls, 1);
  assert.deepEqual(page.problems, []);
});
