// Location question on the web (道路・公園の損傷): 現在地を使う from the browser's geolocation, a
// map whose pin is dragged or moved with the arrow keys, tiles from the configured host under
// the CSP (routed here to a local PNG, so no internet is needed), no LINE instructions; when
// geolocation is refused the resident is told so in Japanese and can tap the map or type a
// landmark, and the map works with no tiles at all.
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { after, before, test } from 'node:test';
import { config, driveChat, launch, makePng, newPage, screenshot } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TILE_HOST = 'https://tile.openstreetmap.org';
const PHONE = { width: 390, height: 844 };

async function watchCsp(page) {
  const violations = [];
  await page.exposeFunction('__mgCspViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => window.__mgCspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

async function openRoadDamageAtLocation(page) {
  const res = await page.goto(`/t/${encodeURIComponent(config.tenant)}`);
  const link = page.getByTestId('service-link').filter({ hasText: '道路' }).first();
  await link.waitFor();
  await link.click();
  await page.waitForURL(/\/chat\//);
  const r = await driveChat(page, { until: ({ type }) => type === 'location' });
  assert.ok(r.stopped, r.transcript?.join('\n'));
  const active = page.getByTestId('chat-active');
  await active.getByTestId('location-map').waitFor();
  return { active, csp: res.headers()['content-security-policy'] };
}

function coords(status) {
  const m = status.match(/緯度 (-?[\d.]+)、経度 (-?[\d.]+)/);
  assert.ok(m, `status: ${status}`);
  return { lat: Number(m[1]), lng: Number(m[2]) };
}

async function seriousAxe(page) {
  const res = await new AxeBuilder({ page }).include('[data-testid=chat-active]').analyze();
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function smallTargets(locator) {
  return locator.evaluate((root) => {
    const out = [];
    for (const el of root.querySelectorAll('a[href], button, input, [role=button]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(el);
      // WCAG 2.5.8 exception: a link inside a sentence (the map attribution).
      if (el.matches('a') && cs.display === 'inline' && el.parentElement?.matches('p') &&
          el.parentElement.textContent.trim() !== el.textContent.trim()) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()}[${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}

test('現在地を使う places the pin; drag and arrow keys adjust it; the adjusted point is the answer', async () => {
  const { context, page } = await newPage(browser, {
    viewport: PHONE,
    context: { permissions: ['geolocation'], geolocation: { latitude: 36.8, longitude: 137.4 } },
  });
  try {
    const violations = await watchCsp(page);
    const tile = makePng(1, 1);
    let tiles = 0;
    await context.route(`${TILE_HOST}/**`, (route) => { tiles++; return route.fulfill({ status: 200, contentType: 'image/png', body: tile }); });
    const { active, csp } = await openRoadDamageAtLocation(page);
    assert.match(csp, /img-src [^;]*https:\/\/tile\.openstreetmap\.org/, csp);
    assert.doesNotMatch(csp.replace(/img-src [^;]*/, ''), /openstreetmap/, 'tile host only in img-src');

    // Web wording: a 現在地を使う button and a map, no typed coordinates, no LINE instructions.
    const log = await page.getByTestId('chat-log').innerText();
    assert.doesNotMatch(log, /LINE/);
    assert.equal(await active.getByTestId('location-lat').count(), 0);
    assert.match(await active.getByTestId('location-gps').innerText(), /現在地を使う/);
    assert.match(await active.getByTestId('location-status').innerText(), /まだ場所が選ばれていません/);
    assert.equal(await active.getByTestId('location-submit').isEnabled(), false);

    await active.getByTestId('location-gps').click();
    await active.getByTestId('location-pin').waitFor();
    let at = coords(await active.getByTestId('location-status').innerText());
    assert.deepEqual(at, { lat: 36.8, lng: 137.4 });
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-loaded').length > 0);
    assert.ok(tiles > 0, 'tiles requested from the configured host');
    const credit = active.getByTestId('map-attribution');
    assert.match(await credit.innerText(), /OpenStreetMap/);
    assert.equal(await credit.locator('a').getAttribute('href'), 'https://www.openstreetmap.org/copyright');

    // Keyboard: the pin is focusable and the arrow keys move it (north-east here).
    const pin = active.getByTestId('location-pin');
    await pin.focus();
    assert.equal(await pin.getAttribute('role'), 'button');
    assert.match(await pin.getAttribute('aria-label'), /矢印キー/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    const keyed = coords(await active.getByTestId('location-status').innerText());
    assert.ok(keyed.lng > at.lng, `moved east: ${JSON.stringify(keyed)}`);
    assert.ok(keyed.lat > at.lat, `moved north: ${JSON.stringify(keyed)}`);

    // Drag: 40 px to the left (west) and down (south).
    const box = await pin.boundingBox();
    const x = box.x + box.width / 2, y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 20, y + 20, { steps: 4 });
    await page.mouse.move(x - 40, y + 40, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((before) => !document.querySelector('[data-testid=location-status]').textContent.includes(before), `${keyed.lng}`);
    const dragged = coords(await active.getByTestId('location-status').innerText());
    assert.ok(dragged.lng < keyed.lng && dragged.lat < keyed.lat, `dragged south-west: ${JSON.stringify({ keyed, dragged })}`);

    assert.deepEqual(await seriousAxe(page), []);
    assert.deepEqual(await smallTargets(active), []);
    await screenshot(page, 'location-picker');

    await active.getByTestId('location-submit').click();
    const done = await driveChat(page, { until: ({ type }) => type === 'confirm' || type === 'summary' });
    assert.ok(done.stopped, done.transcript?.join('\n'));
    const shown = await page.locator('.summary').last().locator('[data-step-id=location] .summary-value').innerText();
    assert.equal(shown.trim(), `緯度${dragged.lat.toFixed(5)}, 経度${dragged.lng.toFixed(5)}`);
    assert.deepEqual(violations, []);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('geolocation refused: a Japanese notice; the pin can be placed on a map without tiles, or a landmark typed', async () => {
  const { context, page } = await newPage(browser, { viewport: PHONE });
  try {
    await context.clearPermissions();
    const violations = await watchCsp(page);
    // No internet, no tiles: the map must still work.
    await context.route(`${TILE_HOST}/**`, (route) => route.abort());
    const { active } = await openRoadDamageAtLocation(page);
    await active.getByTestId('location-gps').click();
    const alert = active.getByTestId('location-denied');
    await alert.waitFor();
    assert.match(await alert.innerText(), /現在地を取得できませんでした/);
    assert.match(await alert.innerText(), /住所や目印/);
    assert.equal(await active.getByTestId('location-pin').count(), 0);
    assert.deepEqual(await seriousAxe(page), []);

    // Tapping the map places the pin.
    const map = active.getByTestId('location-map');
    await map.scrollIntoViewIfNeeded();
    const box = await map.boundingBox();
    await map.click({ position: { x: box.width / 2 + 30, y: box.height / 2 } });
    await active.getByTestId('location-pin').waitFor();
    coords(await active.getByTestId('location-status').innerText());

    // Or the centre button (no pointer needed), with a landmark sent as the address.
    await active.getByTestId('location-centre').click();
    await active.getByTestId('location-address').fill('市民会館の北側');
    await active.getByTestId('location-submit').click();
    const done = await driveChat(page, { until: ({ type }) => type === 'confirm' || type === 'summary' });
    assert.ok(done.stopped, done.transcript?.join('\n'));
    const shown = await page.locator('.summary').last().locator('[data-step-id=location] .summary-value').innerText();
    assert.equal(shown.trim(), '市民会館の北側');
    assert.deepEqual(violations, []);
  } finally {
    await context.close();
  }
});

test('a landmark alone can be sent without touching the map', async () => {
  const { context, page } = await newPage(browser, { viewport: PHONE });
  try {
    await context.route(`${TILE_HOST}/**`, (route) => route.abort());
    const { active } = await openRoadDamageAtLocation(page);
    await active.getByTestId('location-address').fill('駅前交差点');
    assert.match(await active.getByTestId('location-submit').innerText(), /住所・目印を送る/);
    await active.getByTestId('location-submit').click();
    const done = await driveChat(page, { until: ({ type }) => type === 'confirm' || type === 'summary' });
    assert.ok(done.stopped, done.transcript?.join('\n'));
    const shown = await page.locator('.summary').last().locator('[data-step-id=location] .summary-value').innerText();
    assert.equal(shown.trim(), '駅前交差点');
  } finally {
    await context.close();
  }
});
