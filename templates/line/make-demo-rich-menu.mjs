// Draws demo-rich-menu.png (2500×843, three areas) for the demo tenant's default rich menu.
// Run from tests/e2e (for playwright-core): node ../../templates/line/make-demo-rich-menu.mjs
// The areas must match src/channels/line/demo_rich_menu.cpp.
import { createRequire } from 'node:module';
const { chromium } = createRequire(process.cwd() + '/')('playwright-core');
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('./demo-rich-menu.png', import.meta.url));
const cells = [
  ['手続き', '申請・届出の一覧'],
  ['申請した手続き', '受付番号と状況'],
  ['通報する', '道路・公園の損傷'],
];
const html = `<!doctype html><meta charset="utf-8"><style>
 body{margin:0;width:2500px;height:843px;display:flex;background:#e8f5e9;
      font-family:"IPAGothic","Noto Sans JP",sans-serif;border-top:24px solid #06c755;box-sizing:border-box}
 div{flex:1 1 0;min-width:0;display:flex;flex-direction:column;align-items:center;justify-content:center;
     border-left:8px solid #9ccfa8;color:#0b5d2a}
 div:first-child{border-left:0}
 b{font-size:104px;white-space:nowrap} span{font-size:64px;margin-top:40px;color:#2f6b44}
</style>${cells.map(([a, b]) => `<div><b>${a}</b><span>${b}</span></div>`).join('')}`;
const browser = await chromium.launch({ executablePath: process.env.MG_CHROMIUM || '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 2500, height: 843 } });
await page.setContent(html);
await page.screenshot({ path: out });
await browser.close();
console.log(out);
