// Accessibility: axe-core on every resident and staff page (serious/critical violations fail),
// touch targets >= 44 px on a 390 px phone, 200% text on 390/320 px phones, page titles,
// and a chat completed with the keyboard only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { config, driveChat, launch, login, newPage, tenantName, textCandidates } from './lib.mjs';

let browser;
let town;
before(async () => {
  browser = await launch();
  const { context, page } = await newPage(browser);
  town = await tenantName(page.request);
  await context.close();
});
after(async () => { await browser?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };
const home = () => `/t/${encodeURIComponent(config.tenant)}`;
const findings = [];

/** Runs axe on the page; returns the serious/critical violations as readable lines. */
async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  findings.push(`${name}: ${res.passes.length} rules pass, ${res.violations.length} violated, ${res.incomplete.length} need review (${res.incomplete.map((v) => v.id).join(', ')})`);
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.violations) {
    findings.push(`${name}: [${v.impact}] ${v.id} ×${v.nodes.length} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
  }
  return bad.map((v) => `${name}: [${v.impact}] ${v.id} (${v.help}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function openChat(page, serviceText = '粗大ごみ') {
  await page.goto(home());
  const link = page.getByTestId('service-link').filter({ hasText: serviceText }).first();
  await link.waitFor();
  await link.click();
  await page.waitForURL(/\/chat\//);
  await page.getByTestId('chat-active').waitFor();
}

/** Elements a finger must hit, with boxes smaller than 44×44 CSS px (inline text links excepted). */
async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    const els = document.querySelectorAll('a[href], button, input[type=checkbox], input[type=radio], select, summary, [role=button]');
    for (const el of els) {
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      // A checkbox inside its label: the label is the target.
      const target = el.matches('input') && el.closest('label') ? el.closest('label') : el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (el.classList.contains('skip-link') && r.bottom <= 0) continue;
      // WCAG 2.5.8 exception: links inside a sentence.
      if (el.matches('a') && cs.display === 'inline' && el.parentElement?.matches('p, li, dd, td') &&
          el.parentElement.textContent.trim() !== el.textContent.trim()) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()}[${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

test('axe: resident pages and every chat state have no serious/critical violations', async () => {
  const bad = [];
  const missing = [];
  const { context, page } = await newPage(browser, PHONE);
  try {
    await page.goto(home());
    await page.getByTestId('service-link').first().waitFor();
    bad.push(...await axe(page, 'resident home'));

    await openChat(page);
    const wanted = new Set(['choice', 'text', 'date', 'summary']);
    const seen = new Set();
    // The summary arrives with a confirm question, which is the active prompt then.
    const norm = (t) => (t === 'confirm' ? 'summary' : t);
    for (;;) {
      const r = await driveChat(page, { until: ({ type }) => wanted.has(norm(type)) && !seen.has(norm(type)) });
      if (!r.stopped) break;
      const type = norm(await page.getByTestId('chat-active').getAttribute('data-input-type'));
      seen.add(type);
      bad.push(...await axe(page, `chat ${type}`));
    }
    await page.getByTestId('completion').waitFor();
    bad.push(...await axe(page, 'chat completion'));
    missing.push(...[...wanted].filter((w) => !seen.has(w)));

    await page.goto(`${home()}/my`);
    await page.getByTestId('my-item').first().waitFor();
    bad.push(...await axe(page, 'my applications'));
  } finally {
    await context.close();
  }
  if (process.env.MG_VERBOSE) console.log(findings.join('\n'));
  assert.deepEqual(missing, [], 'all chat states were scanned');
  assert.deepEqual(bad, []);
});

test('axe: staff console pages have no serious/critical violations', async () => {
  const bad = [];
  const { context, page } = await newPage(browser);
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-email').waitFor();
    bad.push(...await axe(page, 'console login'));
    await login(page);
    await page.getByTestId('dashboard').waitFor();
    bad.push(...await axe(page, 'dashboard'));
    await page.goto('/console/applications');
    await page.getByTestId('applications').waitFor();
    await page.getByTestId('app-link').first().waitFor();
    bad.push(...await axe(page, 'applications'));
    await page.getByTestId('app-link').first().click();
    await page.getByTestId('application-detail').waitFor();
    bad.push(...await axe(page, 'application detail'));
    for (const [path, name] of [['services', 'services'], ['staff', 'staff'], ['audit', 'audit'], ['line', 'LINE settings'], ['jobs', 'jobs'], ['templates', 'template gallery'], ['lookups', 'lookup lists']]) {
      await page.goto(`/console/${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForFunction(() => !document.querySelector('main [role=status]:not(.notice-slot)'));
      bad.push(...await axe(page, name));
    }
  } finally {
    await context.close();
  }
  if (process.env.MG_VERBOSE) console.log(findings.join('\n'));
  assert.deepEqual(bad, []);
});

test('touch targets are at least 44 px on a 390 px phone', async () => {
  const small = [];
  {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await page.goto(home());
      await page.getByTestId('service-link').first().waitFor();
      small.push(...(await smallTargets(page)).map((s) => `home: ${s}`));
      await openChat(page);
      // At normal text size 戻る/最初から/やめる stay in the fixed bar, always at hand.
      assert.equal(await page.locator('.composer-wrap [data-testid=cmd-back]').count(), 1, 'commands in the fixed bar');
      // 戻る/最初から/やめる in particular.
      for (const id of ['cmd-back', 'cmd-restart', 'cmd-quit', 'chat-send']) {
        const b = await page.getByTestId(id).boundingBox();
        if (b.width < 44 || b.height < 44) small.push(`${id} is ${Math.round(b.width)}×${Math.round(b.height)}`);
      }
      small.push(...(await smallTargets(page)).map((s) => `chat: ${s}`));
      await driveChat(page, { until: ({ type }) => type === 'summary' });
      small.push(...(await smallTargets(page)).map((s) => `summary: ${s}`));
      await driveChat(page);
      small.push(...(await smallTargets(page)).map((s) => `completion: ${s}`));
      await page.goto(`${home()}/my`);
      await page.getByTestId('my-item').first().waitFor();
      small.push(...(await smallTargets(page)).map((s) => `my: ${s}`));
    } finally {
      await context.close();
    }
  }
  {
    const { context, page } = await newPage(browser, PHONE);
    try {
      await page.goto('/console/login');
      await page.getByTestId('login-email').waitFor();
      small.push(...(await smallTargets(page)).map((s) => `login: ${s}`));
      await login(page);
      await page.getByTestId('dashboard').waitFor();
      for (const path of ['', 'applications', 'services', 'staff', 'audit', 'line', 'jobs', 'templates', 'lookups', 'faq']) {
        await page.goto(`/console/${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForFunction(() => !document.querySelector('main [role=status]:not(.notice-slot)'));
        small.push(...(await smallTargets(page)).map((s) => `console/${path}: ${s}`));
      }
      await page.goto('/console/applications');
      await page.getByTestId('app-link').first().click();
      await page.getByTestId('application-detail').waitFor();
      small.push(...(await smallTargets(page)).map((s) => `detail: ${s}`));
    } finally {
      await context.close();
    }
  }
  assert.deepEqual(small, []);
});

for (const width of [390, 320]) {
  test(`200% text on a ${width} px phone: input bar ≤ a third of the screen, no horizontal scroll`, async () => {
    const height = width === 320 ? 568 : 844;
    const { context, page } = await newPage(browser, { viewport: { width, height }, context: { hasTouch: true, isMobile: true } });
    try {
      await page.addInitScript(() => {
        document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '200%'; });
      });
      const check = async (where) => {
        const m = await page.evaluate(() => {
          const bar = document.querySelector('.composer-wrap');
          const r = bar?.getBoundingClientRect();
          const sticky = bar && getComputedStyle(bar).position === 'sticky';
          // Share of the viewport the bar covers when it sits stuck at the bottom.
          const covered = r && sticky ? Math.min(r.height, innerHeight) : 0;
          return { covered, vh: innerHeight, scrollW: document.documentElement.scrollWidth, vw: document.documentElement.clientWidth };
        });
        assert.ok(m.covered <= m.vh / 3 + 1, `${where}: bar covers ${m.covered}/${m.vh}`);
        assert.ok(m.scrollW <= m.vw, `${where}: horizontal scroll ${m.scrollW} > ${m.vw}`);
        return m;
      };
      await page.goto(home());
      await page.getByTestId('service-link').first().waitFor();
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '32px');
      await check('home');
      await openChat(page);
      const m = await check('chat');
      console.log(`${width}×${height} @200%: bar ${m.covered}px of ${m.vh}px`);
      // Everything stays reachable: 戻る/最初から/やめる can be scrolled into view and pressed.
      for (const id of ['cmd-back', 'cmd-restart', 'cmd-quit']) {
        await page.getByTestId(id).scrollIntoViewIfNeeded();
        assert.ok(await page.getByTestId(id).isVisible(), `${id} visible`);
      }
      await page.getByTestId('chat-active').scrollIntoViewIfNeeded();
      assert.ok(await page.getByTestId('chat-active').isVisible(), 'the question is visible');
      await driveChat(page, { until: ({ type }) => type === 'summary' });
      await check('summary');
      await driveChat(page);
      await check('completion');
      await page.goto(`${home()}/my`);
      await page.getByTestId('my-item').first().waitFor();
      await check('my');
      // Staff pages: no horizontal page scroll either (wide tables scroll inside their own box).
      await page.goto('/console/login');
      await page.getByTestId('login-email').waitFor();
      await check('console login');
      await login(page);
      await page.getByTestId('dashboard').waitFor();
      for (const path of ['', 'applications', 'services', 'staff', 'audit', 'line', 'jobs', 'templates', 'lookups', 'faq']) {
        await page.goto(`/console/${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForFunction(() => !document.querySelector('main [role=status]:not(.notice-slot)'));
        await check(`console/${path}`);
      }
      await page.goto('/console/applications');
      await page.getByTestId('app-link').first().click();
      await page.getByTestId('application-detail').waitFor();
      await check('application detail');
    } finally {
      await context.close();
    }
  });
}

test('page titles name the page and the town', async () => {
  assert.ok(town, 'town name known');
  const { context, page } = await newPage(browser, PHONE);
  try {
    await page.goto(home());
    await page.getByTestId('service-link').first().waitFor();
    await page.waitForFunction((t) => document.title.includes(t), town);
    assert.equal(await page.title(), `手続きの一覧｜${town}`);
    await openChat(page);
    // The title element appears before the service definition has loaded; wait for its text.
    await page.waitForFunction(() => (document.querySelector('[data-testid=chat-title]')?.textContent || '').trim() !== '');
    const svc = (await page.getByTestId('chat-title').innerText()).trim();
    assert.ok(svc, 'chat title has the service name');
    await page.waitForFunction((t) => document.title.includes(t), svc);
    assert.equal(await page.title(), `${svc}｜${town}`);
    await page.goto(`${home()}/my`);
    await page.waitForFunction((t) => document.title.includes(t), town);
    assert.equal(await page.title(), `申請した手続き｜${town}`);
  } finally {
    await context.close();
  }
  const { context: c2, page: p2 } = await newPage(browser);
  try {
    await p2.goto('/console/login');
    await p2.getByTestId('login-email').waitFor();
    assert.match(await p2.title(), /^職員ログイン｜/);
    await login(p2);
    await p2.getByTestId('dashboard').waitFor();
    const expect = { '': 'ダッシュボード', applications: '申請一覧', services: 'サービス', staff: '職員', audit: '監査ログ', line: '設定(LINE)', jobs: 'ジョブ' };
    for (const [path, label] of Object.entries(expect)) {
      await p2.goto(`/console/${path}`);
      await p2.locator('main h1').first().waitFor();
      await p2.waitForFunction((t) => document.title.includes(t), town);
      const title = await p2.title();
      assert.match(title, new RegExp(`｜${town} 職員$`), `title of /console/${path}: ${title}`);
      assert.ok(title.startsWith(`${label}｜`), `title of /console/${path} names the page: ${title}`);
    }
    await p2.goto('/console/applications');
    await p2.getByTestId('app-link').first().click();
    await p2.getByTestId('application-detail').waitFor();
    await p2.waitForFunction((t) => document.title.includes(t), town);
    assert.equal(await p2.title(), `申請の詳細｜${town} 職員`);
  } finally {
    await c2.close();
  }
});

test('keyboard only: the chat can be completed with Tab, Enter and Space', async () => {
  const { context, page } = await newPage(browser, PHONE);
  try {
    await openChat(page);
    // Move focus with Tab until `pred` (evaluated in the page on the focused element) holds.
    const tabTo = async (pred, arg, what) => {
      for (let i = 0; i < 60; i++) {
        if (await page.evaluate(pred, arg)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`could not reach ${what} with Tab`);
    };
    const isActiveButton = ([sel, idx]) => {
      const a = document.querySelector('[data-testid=chat-active]');
      const list = a ? [...a.querySelectorAll(sel)] : [];
      const want = list[idx < 0 ? list.length + idx : idx];
      return Boolean(want) && document.activeElement === want;
    };
    const visits = new Map();
    for (let step = 0; step < 40; step++) {
      await page.waitForFunction(() => document.querySelector('[data-testid=completion]') ||
        (document.querySelector('[data-testid=chat-active]') && !document.querySelector('[data-testid=chat-busy]')));
      if (await page.getByTestId('completion').count()) break;
      const active = page.getByTestId('chat-active');
      const type = await active.getAttribute('data-input-type');
      const key = `${await active.getAttribute('data-step-id')}|${await active.locator('.q-text, .summary-title').first().innerText()}`;
      const visit = (visits.get(key) ?? 0) + 1;
      visits.set(key, visit);
      assert.ok(visit <= 4, `stuck on ${key}`);
      const users = await page.getByTestId('bubble-user').count();
      if (type === 'choice') {
        await tabTo(isActiveButton, ['[data-testid=choice]', visit >= 2 ? -1 : 0], 'a choice');
        await page.keyboard.press(step % 2 ? 'Space' : 'Enter');
      } else if (type === 'summary' || type === 'confirm') {
        await page.waitForTimeout(0);
        await tabTo(isActiveButton, ['[data-testid=confirm-choice]', 0], 'confirm');
        await page.keyboard.press('Enter');
      } else if (type === 'consent') {
        await tabTo(isActiveButton, ['[data-testid=consent-agree]', 0], 'consent');
        await page.keyboard.press('Enter');
      } else if (type === 'date') {
        // The picker starts on a valid day; Tab to 決定.
        await tabTo(isActiveButton, ['[data-testid=date-submit]', 0], 'date submit');
        await page.keyboard.press('Enter');
      } else if (type === 'multi_choice') {
        await tabTo(isActiveButton, ['[data-testid=multi-option]', 0], 'checkbox');
        await page.keyboard.press('Space');
        await tabTo(isActiveButton, ['[data-testid=multi-decide]', 0], 'decide');
        await page.keyboard.press('Enter');
      } else if (type === 'text') {
        const format = (await active.getAttribute('data-format')) || '';
        const hint = (await active.locator('.q-hint').count()) ? await active.locator('.q-hint').innerText() : '';
        const text = await active.locator('.q-text').innerText();
        const cands = textCandidates({ format, hint, text });
        const answer = cands[Math.min(visit - 1, cands.length - 1)];
        await tabTo(() => document.activeElement?.id === 'chat-text', null, 'the text box');
        await page.keyboard.press('Control+A');
        await page.keyboard.type(answer);
        await page.keyboard.press('Enter');
      } else {
        throw new Error(`keyboard test does not handle ${type}`);
      }
      await page.waitForFunction((n) => document.querySelector('[data-testid=chat-error]') ||
        (document.querySelectorAll('[data-testid=bubble-user]').length > n && !document.querySelector('[data-testid=chat-busy]')), users);
      assert.equal(await page.getByTestId('chat-error').count(), 0, 'no chat error');
    }
    const receipt = (await page.getByTestId('receipt-number').innerText()).trim();
    assert.ok(receipt.length >= 3, `receipt ${receipt}`);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
