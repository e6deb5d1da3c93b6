// The FAQ widget (issue 14): a page of another origin embeds it with one script tag; the
// button opens our /widget/{tenant} page in an iframe (framing allowed for that page only),
// a garbage question is answered there and the district gives the next collection day.
// axe-core on the host page with the open frame; 44 px targets; phone viewport.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, launch, newPage, screenshot } from './lib.mjs';

let browser;
let host;
before(async () => {
  browser = await launch();
  host = await new Promise((resolve) => {
    const s = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>デモ町公式サイト</title></head>
<body><main><h1>デモ町公式サイト</h1><p>町からのお知らせ</p></main>
<script src="${config.base}/widget.js" data-tenant="${config.tenant}" async></script></body></html>`);
    });
    s.listen(0, '127.0.0.1', () => resolve({ server: s, base: `http://localhost:${s.address().port}` }));
  });
});
after(async () => { await browser?.close(); host?.server.close(); });

test('a municipal page embeds the widget; a question is answered inside our frame', async () => {
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
  try {
    await page.goto(`${host.base}/`);
    const open = page.locator('[data-madoguchi-widget=open]');
    await open.waitFor();
    const box = await open.boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, JSON.stringify(box));
    await open.click();
    assert.equal(await open.getAttribute('aria-expanded'), 'true');
    const frame = page.frameLocator('[data-madoguchi-widget=frame]');
    await frame.getByTestId('faq-title').waitFor();
    await frame.getByTestId('faq-q').fill('なまごみの捨て方');
    await frame.getByTestId('faq-send').click();
    const answer = frame.getByTestId('faq-garbage');
    await answer.waitFor();
    assert.match(await answer.innerText(), /燃やせるごみ/);
    // The district: chosen once, the next collection day follows.
    const area = frame.getByTestId('faq-area');
    const options = await area.locator('option').allInnerTexts();
    assert.ok(options.length > 1, options.join(','));
    await area.selectOption({ index: 1 });
    await frame.getByTestId('faq-garbage-next').first().waitFor();
    assert.match(await frame.getByTestId('faq-garbage-next').first().innerText(), /次の収集日：\d+月\d+日/);
    await screenshot(page, 'faq-widget');
    const res = await new AxeBuilder({ page }).analyze();
    const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `[${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    assert.deepEqual(bad, []);
    assert.deepEqual(page.problems, []);

    // Only the widget page may be framed: other pages keep frame-ancestors 'none'.
    const widget = await context.request.get(`${config.base}/widget/${config.tenant}`);
    assert.match(widget.headers()['content-security-policy'], /frame-ancestors \*/);
    const other = await context.request.get(`${config.base}/t/${config.tenant}/faq`);
    assert.match(other.headers()['content-security-policy'], /frame-ancestors 'none'/);
  } finally {
    await context.close();
  }
});
