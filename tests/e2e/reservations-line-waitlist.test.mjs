// Issue 12 end to end: (a) a LINE booking on line-sim through the demo 施設予約's reserve step,
// with a fee and an exemption (減免) asked and shown in the confirmation, then found in the
// staff ledger as charged, and the same on the web chat (the fee with its category in 予約); (b) staff set a fee, an exemption and who may book in the resource
// form (drop-downs, no JSON), then cancel a booking in the ledger and the waiting resident gets
// the offer. Own line-sim + `serve --demo --demo-line-sim`; axe on each new state.
// Run: MG_BIN=$PWD/build/madoguchi tests/e2e/run.sh reservations-line-waitlist.test.mjs
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { freePort, launch, newPage, screenshot, startChild as startChildIn, stopChildren } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.MG_BIN || join(ROOT, 'build/madoguchi');
const startChild = (args, ready) => startChildIn(BIN, ROOT, args, ready);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let browser, sim, srv, simBase, base, dataDir, staff;

// A cookie-keeping JSON client (a resident's device, or staff with the CSRF token).
function client() {
  const jar = new Map();
  let csrf = null;
  const call = async (method, path, body) => {
    const headers = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch {}
    return { status: r.status, json, text };
  };
  return {
    get: (p) => call('GET', p), post: (p, b) => call('POST', p, b ?? {}), put: (p, b) => call('PUT', p, b),
    async login(password) {
      const r = await call('POST', '/api/login', { tenant: 'demo', email: 'admin@demo.example', password });
      assert.equal(r.status, 200, r.text);
      csrf = r.json.csrf_token;
    },
  };
}

before(async () => {
  browser = await launch();
  const simPort = await freePort();
  simBase = `http://127.0.0.1:${simPort}`;
  sim = await startChild(['line-sim', '--listen', `127.0.0.1:${simPort}`, '--webhook-url', 'http://127.0.0.1:9/none',
    '--channel-secret', 'demo-secret', '--access-token', 'demo-token'], async (o) => /line-sim listening on port/.test(o));
  dataDir = mkdtempSync(join(tmpdir(), 'mg-resfees-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  srv = await startChild(['serve', '--demo', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--log-level', 'warn',
    '--demo-line-sim', simBase], async (o) => {
    try { return /password=/.test(o) && (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  });
  const r = await fetch(`${simBase}/sim/settings`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookUrl: `${base}/line/demo/webhook` }) });
  assert.equal(r.status, 200);
  staff = client();
  staff.password = srv.output().match(/password=(\S+)/)[1];
  await staff.login(staff.password);
});

after(async () => {
  await browser?.close();
  await stopChildren(srv, sim);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: [${v.impact}] ${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

// The resource as staff read it, written back with changes (PUT takes every field).
async function change(resource, changes) {
  const body = { ...resource, ...changes };
  const r = await staff.put(`/api/resources/${resource.id}`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('(a) a LINE resident books 施設予約 on line-sim: the exemption is asked, the fee is in the confirmation and the ledger', async () => {
  const resources = (await staff.get('/api/resources')).json.resources;
  const room = resources.find((r) => /会議室A/.test(r.name));
  assert.ok(room, resources.map((r) => r.name).join());
  await change(room, { fee_per_slot: 1200, exemptions: [{ code: 'dantai', label: '市内団体', rate_percent: 50 }] });

  const u = await fetch(`${simBase}/sim/users`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '予約 太郎' }) });
  const { userId } = await u.json();
  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  const bad = [];
  const bots = page.getByTestId('msg-bot');
  const lastText = async () => (await bots.last().innerText()).trim().replace(/^役場\s*/, '');
  const next = async (n) => {
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid=msg-bot]').length > count, n);
    await sleep(300); // the rest of the same reply
    return bots.count();
  };
  const chip = async (re) => {
    const c = page.getByTestId('quick-reply').filter({ hasText: re }).first();
    await c.waitFor();
    const box = await c.boundingBox();
    assert.ok(box.height >= 44, `chip ${JSON.stringify(box)}`);
    return c;
  };
  try {
    await page.goto(`${simBase}/phone?user=${userId}`);
    await bots.filter({ hasText: 'ご利用になりたい手続き' }).first().waitFor();
    let n = await bots.count();
    await bots.last().getByRole('button', { name: /施設予約/ }).first().click()
      .catch(async () => (await chip(/施設予約/)).click());
    let sawExemption = false;
    for (let step = 0; step < 20; step++) {
      n = await next(n);
      if (await page.getByTestId('flex-bubble').filter({ hasText: /入力内容を確認|申込内容をご確認/ }).count()) break;
      const text = await lastText();
      if (/種類を選んで/.test(text)) await (await chip(/公民館/)).click();
      else if (/施設を選んで/.test(text)) await (await chip(/会議室A/)).click();
      else if (/何人で利用/.test(text)) {
        await page.getByTestId('chat-input').fill('2');
        await page.getByTestId('send-button').click();
      } else if (/減免/.test(text)) {
        assert.match(text, /1 枠 1,200 円/);
        sawExemption = true;
        bad.push(...await axe(page, 'line-sim exemption question'));
        await (await chip(/市内団体（50%減免）/)).click();
      } else if (/ご希望の日/.test(text)) await (await chip(/月\d+日/)).click();
      else if (/ご希望の時間/.test(text)) await (await chip(/〜/)).click();
      else if (/利用目的/.test(text)) await (await chip(/会議/)).click();
      else if (await page.getByTestId('quick-reply').filter({ hasText: /^同意する$/ }).count()) await (await chip(/^同意する$/)).click();
      else assert.fail(`unexpected question: ${text}`);
    }
    assert.ok(sawExemption, 'the exemption was asked');
    const summary = page.getByTestId('flex-bubble').filter({ hasText: /入力内容を確認|申込内容をご確認/ }).last();
    await summary.waitFor();
    assert.match(await summary.innerText(), /会議室A.*（2人） 利用料 600 円（市内団体）/s);
    await screenshot(page, 'resfees-line-summary');
    await summary.getByTestId('flex-button').filter({ hasText: /申し込む|申請|この内容/ }).first().click();
    n = await next(n);
    await bots.filter({ hasText: '予約を受け付けました' }).first().waitFor();

    // The ledger has the booking as charged.
    const day = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
    const ledger = (await staff.get(`/api/resources/${room.id}/bookings?from=${day}&days=31`)).json.bookings;
    const mine = ledger.filter((b) => b.status === 'booked' && b.exemption === 'dantai');
    assert.equal(mine.length, 1, JSON.stringify(ledger));
    assert.equal(mine[0].fee, 600);
    assert.equal(mine[0].party, 2);
    assert.deepEqual(bad, []);
  } catch (e) {
    await screenshot(page, 'resfees-line-failure').catch(() => {});
    e.message += `\n--- chat ---\n${(await page.getByTestId('chat').innerText().catch(() => '')).slice(-2000)}`;
    throw e;
  } finally {
    await context.close();
  }

  // The same room booked on the web (the resident's chat on a phone): the exemption is offered
  // there too, and 予約 shows the fee as charged with its category.
  const web = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { baseURL: base, hasTouch: true, isMobile: true } });
  try {
    const p = web.page;
    const active = p.getByTestId('chat-active');
    const settle = (n) => p.waitForFunction((count) => document.querySelector('[data-testid=chat-error]') ||
      (document.querySelectorAll('[data-testid=bubble-user]').length > count && !document.querySelector('[data-testid=chat-busy]') &&
        (document.querySelector('[data-testid=chat-active]') || /予約を受け付けました/.test(document.body.innerText))), n);
    const tapChoice = async (re) => {
      const c = active.getByTestId('choice').filter({ hasText: re }).first();
      await c.waitFor();
      assert.ok((await c.boundingBox()).height >= 44, `choice ${re}`);
      const n = await p.getByTestId('bubble-user').count();
      await c.click();
      await settle(n);
    };
    await p.goto('/t/demo');
    await p.getByTestId('service-link').filter({ hasText: '施設予約' }).first().click();
    await active.waitFor();
    let sawExemption = false;
    for (let step = 0; step < 12 && !(await active.getByTestId('confirm-choice').count()); step++) {
      const text = await active.innerText();
      if (/種類を選んで/.test(text)) await tapChoice(/公民館/);
      else if (/何人で利用/.test(text)) {
        const n = await p.getByTestId('bubble-user').count();
        await p.getByTestId('chat-text-input').fill('2');
        await p.getByTestId('chat-send').click();
        await settle(n);
      } else if (/減免/.test(text)) {
        assert.match(text, /1 枠 1,200 円/);
        sawExemption = true;
        bad.push(...await axe(p, 'web exemption question'));
        await tapChoice(/市内団体（50%減免）/);
      } else if (/ご希望の日/.test(text)) {
        const n = await p.getByTestId('bubble-user').count();
        await active.locator('[data-testid=choice][data-value^="day:"]').first().click();
        await settle(n);
      } else if (/ご希望の時間/.test(text)) await tapChoice(/〜/);
      else if (/利用目的/.test(text)) await tapChoice(/会議/);
      else if (/同意/.test(text)) await tapChoice(/同意する/);
      else assert.fail(`unexpected question: ${text}`);
    }
    assert.ok(sawExemption, 'the exemption was asked on the web');
    assert.match(await p.locator('body').innerText(), /600 円（市内団体）|市内団体/);
    await active.getByTestId('confirm-choice').click();
    await p.waitForFunction(() => /予約を受け付けました/.test(document.body.innerText));
    await p.getByTestId('bookings-link').click();
    await p.waitForURL(/\/bookings$/);
    const fee = p.getByTestId('booking').first().getByTestId('booking-fee');
    await fee.waitFor();
    assert.match(await fee.innerText(), /600.*（市内団体）/);
    assert.deepEqual(bad, []);
  } catch (e) {
    await screenshot(web.page, 'resfees-web-failure').catch(() => {});
    throw e;
  } finally {
    await web.context.close();
  }
});

test('(b) staff set fee, exemption and eligibility in the console, cancel a booking, and the waitlist gets the offer', async () => {
  const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
  const made = await staff.post('/api/resources', {
    name: '待ち会議室', slot_minutes: 60, capacity: 1, opening_hours: everyDay, closed_on_holidays: false,
    window_days: 90, daily_limit: 0, waitlist_hold_minutes: 60,
  });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  const tomorrow = new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  const slot = `${tomorrow}T10:00`;
  const first = client(), waiting = client();
  const booked = await first.post(`/api/public/demo/resources/${id}/bookings`, { slot });
  assert.equal(booked.status, 201, booked.text);
  const joined = await waiting.post(`/api/public/demo/resources/${id}/waitlist`, { slot });
  assert.equal(joined.status, 201, joined.text);
  assert.equal(joined.json.status, 'waiting');

  const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, context: { baseURL: base } });
  const bad = [];
  try {
    await page.goto('/console/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-email').fill('admin@demo.example');
    await page.getByTestId('login-password').fill(staff.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tenant-name').waitFor();

    // The resource form: fee, an exemption row, who may book from a drop-down.
    await page.goto('/console/resources');
    await page.getByTestId(`rsv-resource-${id}`).getByTestId('rsv-edit').click();
    await page.getByTestId('rt-fee_per_slot').fill('800');
    await page.getByTestId('rt-ex-add').click();
    await page.getByTestId('rt-ex-0-label').fill('障害者手帳をお持ちの方');
    await page.getByTestId('rt-ex-0-code').fill('techo');
    await page.getByTestId('rt-ex-0-rate').fill('0');
    const options = await page.getByTestId('rt-eligibility').locator('option').allTextContents();
    assert.deepEqual(options, ['どなたでも', '市内（町内・村内）にお住まいの方のみ', '保存したセグメントに当てはまる方のみ']);
    await page.getByTestId('rt-eligibility').selectOption('segment');
    await page.getByTestId('rt-segment').waitFor();
    await page.getByTestId('rf-save').click();
    // Two errors in turn, each at its field: a 0% rate, then no segment chosen.
    await page.getByTestId('field-error-exemptions/0/rate_percent').waitFor();
    bad.push(...await axe(page, 'resource form: terms with an error'));
    await page.getByTestId('rt-ex-0-rate').fill('100');
    await page.getByTestId('rf-save').click();
    await page.getByTestId('field-error-eligibility_segment_id').waitFor();
    await page.getByTestId('rt-eligibility').selectOption('everyone');
    await page.getByTestId('rf-save').click();
    await page.getByTestId('notice').getByText('待ち会議室').waitFor();
    const saved = (await staff.get(`/api/resources/${id}`)).json;
    assert.equal(saved.fee_per_slot, 800);
    assert.deepEqual(saved.exemptions, [{ code: 'techo', label: '障害者手帳をお持ちの方', rate_percent: 100 }]);
    assert.equal(saved.waitlist_hold_minutes, 60, 'the rules are kept');

    // The ledger: tomorrow 10:00, cancel the booking with a reason.
    await page.goto(`/console/reservations?resource=${id}`);
    await page.getByTestId('lg-day').waitFor();
    await page.getByTestId('lg-next').click();
    await page.getByTestId('lg-slot-10:00').getByText('予約 1 / 定員 1').waitFor();
    await page.getByTestId('lg-open-10:00').click();
    await page.getByTestId('lg-slot-panel').waitFor();
    await page.getByTestId('bk-exemption').waitFor(); // staff may pick an exemption for a phone booking
    await page.getByTestId('lg-cancel').click();
    await page.getByTestId('lg-cancel-reason').fill('施設の点検のため');
    await page.getByTestId('lg-cancel-submit').click();
    await page.getByTestId('lg-notice').getByText('取り消しました').waitFor();
    bad.push(...await axe(page, 'ledger after a cancellation'));

    // The waiting resident has the offer, and takes it.
    const list = (await waiting.get('/api/public/demo/waitlist')).json.waitlist;
    assert.equal(list.length, 1);
    assert.equal(list[0].status, 'offered');
    assert.ok(list[0].offer_expires_at > Date.now());
    const taken = await waiting.post(`/api/public/demo/waitlist/${list[0].id}/accept`, {});
    assert.equal(taken.status, 201, taken.text);
    assert.equal((await first.get('/api/public/demo/bookings')).json.bookings[0].status, 'cancelled');
    assert.deepEqual(bad, []);
  } catch (e) {
    await screenshot(page, 'resfees-console-failure').catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});
