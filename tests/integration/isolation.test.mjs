// Tenant isolation and roles for EVERY route the server registers (`madoguchi routes`).
// Tenant A is the demo municipality, which owns one object of each kind; tenant B is a second
// municipality. Each route is called:
//   - without a session (staff routes): 401;
//   - in A by every role below the route's minimum: 403;
//   - as B's admin with A's ids/names: 404 (or 403), or, for routes that act on B's own
//     namespace ("own"), success that touches none of A's rows; list routes must not show A's
//     objects to B;
//   - public resident routes: A's resident (A's device cookie, A's session ids) under B's code.
// A refused call must change nothing: the whole database is compared before and after.
// A new route without an entry in FIXTURES fails the test: add one line for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { startServer, cli, Client, BACKEND, BIN } from './harness.mjs';

const ROLES = ['viewer', 'operator', 'editor', 'admin']; // src/auth/model.h, lowest first
const B_CODE = 'iso-b';
const A_SECRET = 'iso-a-line-secret';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f80f0000030101008d2e4a2a0000000049454e44ae426082', 'hex');
const richMenu = () => ({
  menu: {
    size: { width: 2500, height: 843 }, selected: true, name: 'iso', chatBarText: 'メニュー',
    areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label: '申請', text: '申請' } }],
  },
});
let staffCounter = 0;

// One entry per "METHOD pattern" that `madoguchi routes` prints.
//   kind:    'staff' (default: staff session), 'public' (resident routes, {tenant} = B's code
//            with A's device cookie), 'session' (login/logout: nothing tenant-owned to cross),
//            'open' (no tenant data: health, metrics, fallbacks).
//   min:     lowest role allowed (staff routes). Every role below gets 403, nothing changed.
//   params:  {name: ctx => A's id/name}; the path parameters to fill.
//   body / raw / headers: what to send (ctx => ...); valid, so a hole would really act.
//   foreign: what B (or the forged tenant) gets. Default: 404/403 with params or on public
//            routes, 'list' for GETs without params (A's markers must not appear).
//            'own': acts on B's own namespace; must succeed and leave A's rows as they were.
//   status:  the expected foreign status when it is not 404/403.
//   readonly: a POST that only reads (a condition too large for a query string), so viewers may.
//   department: the route reaches one application (its file, its service's results): an
//            operator of another department (環境課; A's application is 学校教育課's, A's
//            service デジタル推進課's) gets 404, nothing changed.
const FIXTURES = {
  'POST /api/login': { kind: 'session' },
  'POST /api/logout': { kind: 'session' },
  'GET /api/session': { min: 'viewer' },
  'GET /api/staff': { min: 'admin' },
  'GET /api/departments': { min: 'admin' },
  'POST /api/staff': { min: 'admin', foreign: 'own', body: () => ({ email: `iso-new-${++staffCounter}@example.com`, password: 'iso-new-password-1', role: 'admin' }) },
  'POST /api/staff/{id}/unlock': { min: 'admin', params: { id: (c) => c.a.staff }, body: () => ({}) },
  'PATCH /api/staff/{id}': { min: 'admin', params: { id: (c) => c.a.staff }, body: () => ({ name: 'ISO', role: 'viewer', active: false }) },
  'POST /api/staff/{id}/password': { min: 'admin', params: { id: (c) => c.a.staff }, body: () => ({ password: 'iso-reset-password-1' }) },
  'POST /api/session/password': { kind: 'session' },
  'GET /api/audit': { min: 'admin' },
  'GET /api/services': { min: 'viewer' },
  'POST /api/services': { min: 'editor', foreign: 'own', body: (c) => ({ definition: { ...c.a.serviceDef, title: 'ISO copy' } }) },
  'GET /api/services/{id}': { min: 'viewer', params: { id: (c) => c.a.service } },
  'PUT /api/services/{id}': { min: 'editor', params: { id: (c) => c.a.service }, body: (c) => ({ definition: { ...c.a.serviceDef, title: 'ISO changed' } }) },
  'POST /api/services/{id}/publish': { min: 'editor', params: { id: (c) => c.a.service }, body: () => ({}) },
  'POST /api/services/{id}/unpublish': { min: 'editor', params: { id: (c) => c.a.service }, body: () => ({}) },
  'POST /api/services/validate': { min: 'editor', foreign: 'own', body: (c) => ({ definition: c.a.serviceDef }) },
  'POST /api/services/preview': { min: 'editor', foreign: 'own', body: (c) => ({ definition: c.a.serviceDef }) },
  'GET /api/services/{id}/changes': { min: 'viewer', params: { id: (c) => c.a.service }, query: '?from=1' },
  'POST /api/services/{id}/versions/{version}/restore': { min: 'editor', params: { id: (c) => c.a.service, version: () => 1 }, body: () => ({}) },
  'GET /api/services/{id}/export': { min: 'viewer', params: { id: (c) => c.a.service } },
  'GET /api/services/{id}/flow-tests': { min: 'viewer', params: { id: (c) => c.a.service } },
  'PUT /api/services/{id}/flow-tests': { min: 'editor', params: { id: (c) => c.a.service }, body: () => ({ tests: [{ name: 'ISO', answers: ['x'] }] }) },
  'POST /api/services/{id}/flow-tests/run': { min: 'editor', params: { id: (c) => c.a.service }, body: () => ({ tests: [{ name: 'ISO' }] }) },
  // With a tap on the builder's LINE phone, so the action path is checked too.
  'POST /api/services/preview/line': { min: 'editor', foreign: 'own', body: (c) => ({ definition: c.a.serviceDef, action: { type: 'message', text: 'ISO' } }) },
  'GET /api/services/{id}/results': { min: 'viewer', department: true, params: { id: (c) => c.a.service } },
  'GET /api/dashboard': { min: 'viewer' },
  'GET /api/applications': { min: 'viewer' },
  'GET /api/applications/export.csv': { min: 'viewer' },
  'GET /api/applications/{id}': { min: 'viewer', department: true, params: { id: (c) => c.a.application } },
  'PATCH /api/applications/{id}': { min: 'operator', department: true, params: { id: (c) => c.a.application }, body: () => ({ status: 'done', memo: 'ISO' }) },
  'POST /api/applications/{id}/corrections': { min: 'operator', department: true, params: { id: (c) => c.a.application }, body: () => ({ step_ids: ['class'], reason: 'ISO' }) },
  'GET /api/attachments/{id}': { min: 'viewer', department: true, params: { id: (c) => c.a.attachment } },
  'PUT /api/lookups/{name}': { min: 'editor', foreign: 'own', params: { name: (c) => c.a.lookup }, raw: () => 'key,value\nX9,changed\n', headers: { 'content-type': 'text/csv' } },
  // h-publish: lookup-list page and template gallery.
  'GET /api/lookups': { min: 'viewer' },
  'POST /api/lookups/{name}/preview': { min: 'editor', foreign: 'own', params: { name: (c) => c.a.lookup }, raw: () => 'key,value\nX9,preview\n', headers: { 'content-type': 'text/csv' } },
  'GET /api/lookups/{name}/download': { min: 'editor', params: { name: (c) => c.a.lookup } },
  'GET /api/service-templates': { min: 'viewer' },
  'POST /api/residents/count': { min: 'viewer', readonly: true, foreign: 'own', body: () => ({ condition: { channel: 'line' } }) },
  'POST /api/residents/import': { min: 'admin', foreign: 'own', raw: () => 'line_user_id\nU0123456789abcdef0123456789abcdef\n', headers: { 'content-type': 'text/csv' } },
  'GET /api/residents/export.csv': { min: 'admin' },
  'POST /api/service-templates/{key}': { min: 'editor', foreign: 'own', status: 201, params: { key: () => 'survey' }, body: () => ({}) },
  'GET /api/jobs': { min: 'admin' },
  'POST /api/jobs/{id}/retry': { min: 'admin', params: { id: (c) => c.a.deadJob }, body: () => ({}) },
  'GET /api/line/settings': { min: 'admin' },
  'PUT /api/line/settings': { min: 'admin', foreign: 'own', body: () => ({ greeting: 'ISO greeting', channel_secret: 'iso-b-secret' }) },
  'GET /api/line/rich-menus': { min: 'admin' },
  'POST /api/line/rich-menus/switch-all': { min: 'admin', foreign: 404, body: (c) => ({ name: c.a.menu }) },
  'PUT /api/line/rich-menus/{name}': { min: 'admin', foreign: 'own', status: 201, params: { name: (c) => c.a.menu }, body: richMenu },
  'POST /api/line/rich-menus/{name}/default': { min: 'admin', params: { name: (c) => c.a.menu }, body: () => ({}) },
  'POST /api/line/rich-menus/{name}/link': { min: 'admin', params: { name: (c) => c.a.menu }, body: (c) => ({ resident_ids: [c.a.resident] }) },
  // emergency sends (delivery/emergency*): admins only; alert systems with a tenant's token.
  'GET /api/emergency': { min: 'admin' },
  'GET /api/delivery-report/fiscal-years': { min: 'viewer' },
  'POST /api/emergency/count': { min: 'admin', foreign: 'own', status: 200, body: () => ({ districts: [] }) },
  'POST /api/emergency/sends': { min: 'admin', foreign: 'own', status: 202, body: () => ({ text: 'ISO 緊急' }) },
  'POST /api/emergency/menu': { min: 'admin', foreign: 404, body: (c) => ({ name: c.a.menu }) },
  'POST /api/emergency/tokens': { min: 'admin', foreign: 'own', status: 201, body: () => ({ label: 'ISO relay' }) },
  'POST /api/emergency/tokens/{id}/rotate': { min: 'admin', params: { id: (c) => c.a.emergencyToken }, body: () => ({}) },
  'DELETE /api/emergency/tokens/{id}': { min: 'admin', params: { id: (c) => c.a.emergencyToken } },
  // campaigns (delivery/): viewers read, operators create and cancel, admins send.
  'GET /api/campaigns': { min: 'viewer' },
  'POST /api/campaigns': { min: 'operator', foreign: 'own', status: 201, body: () => ({ title: 'ISO B campaign', messages: [{ type: 'text', text: 'ISO' }], audience: { kind: 'all' } }) },
  'GET /api/campaigns/{id}': { min: 'viewer', params: { id: (c) => c.a.campaign } },
  'POST /api/campaigns/{id}/send': { min: 'admin', params: { id: (c) => c.a.campaign }, body: () => ({}) },
  'POST /api/campaigns/{id}/cancel': { min: 'operator', params: { id: (c) => c.a.campaign }, body: () => ({}) },
  // campaign timing and approval, delivery settings (issue 13, delivery/schedule*).
  'GET /api/delivery-settings': { min: 'viewer' },
  'PUT /api/delivery-settings': { min: 'admin', foreign: 'own', body: () => ({ approval_required: true, garbage_reminders: { enabled: true, time: '18:30' } }) },
  'GET /api/campaign-approvals': { min: 'viewer' },
  'GET /api/campaigns/{id}/timing': { min: 'viewer', params: { id: (c) => c.a.campaign } },
  'PUT /api/campaigns/{id}/timing': { min: 'operator', params: { id: (c) => c.a.campaign }, body: () => ({ kind: 'recurring', rule: { kind: 'daily', time: '09:00' } }) },
  'POST /api/campaigns/{id}/approve': { min: 'admin', params: { id: (c) => c.a.campaign }, body: () => ({}) },
  'POST /api/campaigns/{id}/reject': { min: 'admin', params: { id: (c) => c.a.campaign }, body: () => ({ reason: 'ISO' }) },
  // schedules: the rich-menu job a switch-all or link answered with (any of A's jobs is a foreign id).
  // issue 13 (richtrack): menus per segment, the delivery report, tracked-link redirects (the
  // random token is the only key; the answer is a redirect to a URL staff wrote, no tenant data).
  'GET /api/line/rich-menu-rules': { min: 'admin' },
  'PUT /api/line/rich-menu-rules': { min: 'admin', foreign: 400, body: (c) => ({ rules: [{ segment_id: c.a.segment, menu: c.a.menu }] }) },
  'GET /api/campaigns/{id}/report': { min: 'viewer', params: { id: (c) => c.a.campaign } },
  'GET /r/{token}': { kind: 'open', params: { token: () => 'A'.repeat(32) } },
  'GET /api/line/rich-menus/jobs/{id}': { min: 'admin', params: { id: (c) => c.a.deadJob } },
  // residents: attribute definitions (admins) and a resident's values (issue 10 item 1).
  'GET /api/resident-attributes': { min: 'admin' },
  // saved segments (residents/segments.*): viewers read, operators write.
  'GET /api/segments': { min: 'viewer' },
  'POST /api/segments': { min: 'operator', foreign: 'own', status: 201, body: () => ({ name: `ISO B ${++staffCounter}`, condition: { channel: 'line' } }) },
  'GET /api/segments/{id}': { min: 'viewer', params: { id: (c) => c.a.segment } },
  'PUT /api/segments/{id}': { min: 'operator', params: { id: (c) => c.a.segment }, body: () => ({ name: 'ISO changed', condition: { channel: 'web' } }) },
  'DELETE /api/segments/{id}': { min: 'operator', params: { id: (c) => c.a.segment } },
  'POST /api/resident-attributes': { min: 'admin', foreign: 'own', status: 201, body: () => ({ key: `iso_b_${++staffCounter}`, label: 'ISO', type: 'text' }) },
  'PUT /api/resident-attributes/{id}': { min: 'admin', params: { id: (c) => c.a.attribute }, body: () => ({ key: 'iso_a_attr', label: 'ISO changed', type: 'choice', options: [{ value: 'kita', label: '北' }, { value: 'x', label: 'X' }] }) },
  'DELETE /api/resident-attributes/{id}': { min: 'admin', params: { id: (c) => c.a.attribute } },
  'GET /api/residents/{id}/attributes': { min: 'viewer', params: { id: (c) => c.a.resident } },
  'PUT /api/residents/{id}/attributes': { min: 'operator', params: { id: (c) => c.a.resident }, body: () => ({ values: { iso_a_attr: null } }) },
  'POST /line/{tenant}/webhook': { kind: 'public', foreign: 401, raw: (c) => c.a.webhookBody, headers: (c) => ({ 'content-type': 'application/json', 'x-line-signature': c.a.webhookSignature }) },
  'POST /api/public/{tenant}/emergency': { kind: 'public', foreign: 401, body: () => ({ text: 'ISO 緊急' }), headers: (c) => ({ authorization: `Bearer ${c.a.emergencySecret}`, 'idempotency-key': 'iso-a-1' }) },
  'GET /api/public/{tenant}/info': { kind: 'public', foreign: 'list' },
  'GET /api/public/{tenant}/services': { kind: 'public', foreign: 'list' },
  'POST /api/public/{tenant}/chat': { kind: 'public', body: (c) => ({ service_id: c.a.service }) },
  'GET /api/public/{tenant}/chat/{session}': { kind: 'public', params: { session: (c) => c.a.session } },
  'POST /api/public/{tenant}/chat/{session}/input': { kind: 'public', params: { session: (c) => c.a.session }, body: () => ({ type: 'text', text: 'ISO' }) },
  'POST /api/public/{tenant}/chat/{session}/attachments': { kind: 'public', params: { session: (c) => c.a.photoSession }, raw: () => PNG, headers: { 'content-type': 'image/png' } },
  'GET /api/public/{tenant}/my/applications': { kind: 'public', foreign: 'list' },
  // messenger (issue 10 item 2): A's resident has a correction message (with A's receipt).
  'GET /api/public/{tenant}/my/messages': { kind: 'public', foreign: 'list' },
  'POST /api/public/{tenant}/my/messages/read': { kind: 'public', foreign: 200, body: () => ({ all: true }) },
  // 受信設定 (issue 13): the caller's own values only; B has no editable attributes.
  'GET /api/public/{tenant}/my/settings': { kind: 'public', foreign: 'list' },
  'PUT /api/public/{tenant}/my/settings': { kind: 'public', foreign: 200, body: () => ({ values: {} }) },
  'POST /api/public/{tenant}/my/corrections/{id}/chat': { kind: 'public', params: { id: (c) => c.a.correction }, body: () => ({}) },
  'GET /api/public/{tenant}/postal/{code}': { kind: 'public', foreign: 'list', params: { code: () => '0600001' } },
  'POST /api/garbage/import': { min: 'admin', foreign: 'own', body: () => ({ files: { 'area_days.csv': Buffer.from('地名,センター,燃やせるごみ\nB町,,月\n').toString('base64') } }) },
  'GET /api/garbage': { min: 'viewer' },
  'GET /api/public/{tenant}/garbage': { kind: 'public', foreign: 'list' },
  'GET /api/public/{tenant}/garbage/search': { kind: 'public', foreign: 'list', query: '?q=%E7%B4%99' },
  'GET /api/public/{tenant}/garbage/{area}/days': { kind: 'public', params: { area: () => '本町' } },
  'GET /api/public/{tenant}/garbage/{area}/calendar.ics': { kind: 'public', params: { area: () => '本町' } },
  // reservations (issue 12): categories, resources, the booking ledger.
  'GET /api/resource-categories': { min: 'viewer' },
  'POST /api/resource-categories': { min: 'editor', foreign: 'own', status: 201, body: () => ({ name: 'ISO B 分類' }) },
  'PUT /api/resource-categories/{id}': { min: 'editor', params: { id: (c) => c.a.category }, body: () => ({ name: 'ISO changed' }) },
  'DELETE /api/resource-categories/{id}': { min: 'editor', params: { id: (c) => c.a.category } },
  'GET /api/resources': { min: 'viewer' },
  'POST /api/resources': { min: 'editor', foreign: 'own', status: 201, body: () => ({ name: 'ISO B 施設', slot_minutes: 60, capacity: 1, opening_hours: {} }) },
  'GET /api/resources/{id}': { min: 'viewer', params: { id: (c) => c.a.resource } },
  'PUT /api/resources/{id}': { min: 'editor', params: { id: (c) => c.a.resource }, body: () => ({ name: 'ISO changed', slot_minutes: 30, capacity: 2, opening_hours: {} }) },
  'DELETE /api/resources/{id}': { min: 'editor', params: { id: (c) => c.a.resource } },
  'GET /api/resources/{id}/bookings': { min: 'operator', params: { id: (c) => c.a.resource } },
  'POST /api/resources/{id}/bookings': { min: 'operator', params: { id: (c) => c.a.resource }, body: (c) => ({ slot: c.a.freeSlot, party: 1 }) },
  'POST /api/bookings/{id}/cancel': { min: 'operator', params: { id: (c) => c.a.booking }, body: () => ({ reason: 'ISO' }) },
  // reservations staff console (issue 12): occupancy statistics and the bookings CSV.
  'GET /api/resources/{id}/stats': { min: 'operator', params: { id: (c) => c.a.resource } },
  'GET /api/resources/{id}/bookings.csv': { min: 'operator', params: { id: (c) => c.a.resource } },
  'GET /api/public/{tenant}/resources': { kind: 'public', foreign: 'list' },
  'GET /api/public/{tenant}/resources/{id}/availability': { kind: 'public', params: { id: (c) => c.a.resource } },
  'GET /api/public/{tenant}/resources/{id}/calendar.ics': { kind: 'public', params: { id: (c) => c.a.resource } },
  'POST /api/public/{tenant}/resources/{id}/bookings': { kind: 'public', params: { id: (c) => c.a.resource }, body: (c) => ({ slot: c.a.freeSlot, party: 1 }) },
  'POST /api/public/{tenant}/resources/{id}/bookings/{booking_id}/cancel': { kind: 'public', params: { id: (c) => c.a.resource, booking_id: (c) => c.a.booking }, body: () => ({}) },
  'GET /api/public/{tenant}/bookings': { kind: 'public', foreign: 'list' },
  // reservations (issue 12): changes, the check-in by the QR code's code, the QR images.
  'POST /api/bookings/{id}/change': { min: 'operator', params: { id: (c) => c.a.booking }, body: (c) => ({ slot: c.a.freeSlot, reason: 'ISO' }) },
  'POST /api/bookings/checkin': { min: 'operator', foreign: 404, body: (c) => ({ token: c.a.checkinCode }) },
  'POST /api/public/{tenant}/bookings/{booking_id}/change': { kind: 'public', params: { booking_id: (c) => c.a.booking }, body: (c) => ({ slot: c.a.freeSlot }) },
  'GET /api/public/{tenant}/checkin/{code}/qr.svg': { kind: 'public', params: { code: (c) => c.a.checkinCode } },
  'GET /api/public/{tenant}/checkin/{code}/qr.png': { kind: 'public', params: { code: (c) => c.a.checkinCode } },
  // reservations (issue 12): the waitlist (キャンセル待ち).
  'GET /api/resources/{id}/waitlist': { min: 'operator', params: { id: (c) => c.a.waitlistResource } },
  'POST /api/public/{tenant}/resources/{id}/waitlist': { kind: 'public', params: { id: (c) => c.a.waitlistResource }, body: (c) => ({ slot: c.a.fullSlot, party: 1 }) },
  'GET /api/public/{tenant}/waitlist': { kind: 'public', foreign: 'list' },
  'POST /api/public/{tenant}/waitlist/{entry_id}/accept': { kind: 'public', params: { entry_id: (c) => c.a.waitlistEntry }, body: () => ({}) },
  'POST /api/public/{tenant}/waitlist/{entry_id}/cancel': { kind: 'public', params: { entry_id: (c) => c.a.waitlistEntry }, body: () => ({}) },
  // reservations (issue 12): lottery rounds (抽選).
  'GET /api/lotteries': { min: 'viewer' },
  'POST /api/lotteries': { min: 'editor', foreign: 404, body: (c) => ({ resource_id: c.a.resource, title: 'ISO B 抽選', opens_at: c.a.lotteryOpens, closes_at: c.a.lotteryCloses, slots: [c.a.lotteryOtherSlot] }) },
  'GET /api/lotteries/{id}': { min: 'operator', params: { id: (c) => c.a.lottery } },
  'POST /api/lotteries/{id}/draw': { min: 'operator', params: { id: (c) => c.a.lottery }, body: () => ({ seed: '1' }) },
  'POST /api/lotteries/{id}/publish': { min: 'operator', params: { id: (c) => c.a.lottery }, body: () => ({}) },
  'POST /api/lotteries/{id}/cancel': { min: 'editor', params: { id: (c) => c.a.lottery }, body: () => ({}) },
  'GET /api/lotteries/{id}/export.json': { min: 'operator', params: { id: (c) => c.a.lottery } },
  'GET /api/public/{tenant}/lotteries': { kind: 'public', foreign: 'list' },
  'POST /api/public/{tenant}/lotteries/{id}/applications': { kind: 'public', params: { id: (c) => c.a.lottery }, body: (c) => ({ choices: [c.a.lotterySlot], party: 1 }) },
  // FAQ (issue 14): entries, CSV, synonyms, the unanswered log, the test box; residents ask.
  'GET /api/faq/entries': { min: 'viewer' },
  'POST /api/faq/entries': { min: 'editor', foreign: 'own', status: 201, body: () => ({ question: 'ISO B の質問', answer: 'ISO B' }) },
  'GET /api/faq/export.csv': { min: 'viewer' },
  'POST /api/faq/import': { min: 'editor', foreign: 'own', raw: () => '質問,回答\nISO B 取込,回答\n', headers: { 'content-type': 'text/csv' } },
  'PUT /api/faq/entries/{id}': { min: 'editor', params: { id: (c) => c.a.faqEntry }, body: () => ({ question: 'ISO changed', answer: 'ISO' }) },
  'DELETE /api/faq/entries/{id}': { min: 'editor', params: { id: (c) => c.a.faqEntry } },
  'GET /api/faq/synonyms': { min: 'viewer' },
  'PUT /api/faq/synonyms': { min: 'editor', foreign: 'own', body: () => ({ groups: [['ISO', 'アイソ']] }) },
  'GET /api/faq/unanswered': { min: 'viewer' },
  'GET /api/faq/generative': { min: 'viewer' },
  'GET /api/faq/stats': { min: 'viewer' },
  'PUT /api/faq/generative': { min: 'admin', foreign: 'own', body: () => ({ enabled: false }) },
  'POST /api/faq/unanswered/{id}/answer': { min: 'editor', params: { id: (c) => c.a.faqQuestion }, body: () => ({ answer: 'ISO' }) },
  'POST /api/faq/unanswered/{id}/dismiss': { min: 'editor', params: { id: (c) => c.a.faqQuestion }, body: () => ({}) },
  'POST /api/faq/test': { min: 'viewer', readonly: true, foreign: 'own', body: () => ({ q: 'iso-a-faq' }) },
  // FAQ passages from web pages (faqmore). The fetch is refused before any connection (no
  // loopback permission here), after the role check.
  'GET /api/faq/pages': { min: 'viewer' },
  'POST /api/faq/pages/upload': { min: 'editor', foreign: 'own', body: () => ({ pages: [{ name: 'iso-b.html', html: Buffer.from('<p>ISO B</p>').toString('base64') }] }) },
  'POST /api/faq/pages/fetch': { min: 'editor', foreign: 'own', status: 400, body: () => ({ urls: ['http://127.0.0.1:9/iso'] }) },
  'DELETE /api/faq/pages': { min: 'editor', foreign: 404, query: '?source=file%3Aiso-a-faq.html' },
  'GET /widget/{tenant}': { kind: 'open' },
  'POST /api/public/{tenant}/faq/ask': { kind: 'public', body: (c) => ({ entry_id: c.a.faqEntry }) },
  'POST /api/public/{tenant}/faq/feedback': { kind: 'public', body: (c) => ({ question_id: c.a.faqQuestion, token: c.a.faqToken, resolved: false }) },
  // Hand-off to staff (issue 14). The event streams are read with ?once=1 (state, then end).
  'GET /api/handoff/conversations': { min: 'viewer' },
  'GET /api/handoff/stats': { min: 'viewer' },
  'GET /api/handoff/hours': { min: 'viewer' },
  'PUT /api/handoff/hours': { min: 'admin', foreign: 'own', body: () => ({ weekly: { mon: [['09:00', '12:00']] } }) },
  'GET /api/handoff/events': { min: 'viewer', query: '?once=1' },
  'GET /api/handoff/conversations/{id}': { min: 'viewer', params: { id: (c) => c.a.handoff } },
  'POST /api/handoff/conversations/{id}/messages': { min: 'operator', params: { id: (c) => c.a.handoff }, body: () => ({ text: 'ISO 返信' }) },
  'POST /api/handoff/conversations/{id}/close': { min: 'operator', params: { id: (c) => c.a.handoff }, body: () => ({}) },
  'GET /api/public/{tenant}/handoff/departments': { kind: 'public', foreign: 'list' },
  'POST /api/public/{tenant}/handoff': { kind: 'public', foreign: 'own', status: 201, body: (c) => ({ recent: ['ISO B'], answer: c.a.faqAnswer }) },
  'GET /api/public/{tenant}/handoff/{id}': { kind: 'public', params: { id: (c) => c.a.handoff } },
  'POST /api/public/{tenant}/handoff/{id}/messages': { kind: 'public', params: { id: (c) => c.a.handoff }, body: () => ({ text: 'ISO' }) },
  'GET /api/public/{tenant}/handoff/{id}/events': { kind: 'public', params: { id: (c) => c.a.handoff }, query: '?once=1' },
  'GET /healthz': { kind: 'open' },
  'GET /metrics': { kind: 'open' },
  'GET /api/{*rest}': { kind: 'open' },
  'POST /api/{*rest}': { kind: 'open' },
  'PUT /api/{*rest}': { kind: 'open' },
  'PATCH /api/{*rest}': { kind: 'open' },
  'DELETE /api/{*rest}': { kind: 'open' },
  'GET /{*path}': { kind: 'open' },
};

let srv, routes, ctx, snapshotSql;
const clients = {};

// ---- database snapshots ---------------------------------------------------------------------
// Every table except the job scheduler's own bookkeeping (schedules: next_run_at moves on its
// own) and schema_migrations. audit_log and staff_sessions stay in: a refused call must not
// leave an audit row saying it acted, nor touch sessions. Each line is "table<TAB>tenant<TAB>row".
const VOLATILE = new Set(['schedules', 'schema_migrations']);

// One long-lived psql / sqlite3 process: a snapshot is then a query, not a process start and
// a login (which made the PostgreSQL run several times slower).
let shell, shellOut = '', shellErr = '', shellWake = null;
function openShell() {
  shell = BACKEND === 'postgres'
    ? spawn('psql', [srv.db.url, '-X', '-q', '-At', '-F', '\t'], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('sqlite3', ['-batch', '-cmd', '.timeout 5000', '-separator', '\t', join(srv.db.dataDir, 'madoguchi.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
  shell.stdout.setEncoding('utf8'); // a multi-byte character may straddle two chunks
  shell.stderr.setEncoding('utf8');
  shell.stdout.on('data', (d) => { shellOut += d; shellWake?.(); });
  shell.stderr.on('data', (d) => { shellErr += d; });
}
const END = '__ISO_END__';
async function sql(text) {
  shellOut = '';
  shellErr = '';
  shell.stdin.write(`${text};\n${BACKEND === 'postgres' ? '\\echo' : '.print'} ${END}\n`);
  while (!shellOut.endsWith(`${END}\n`)) await new Promise((r) => { shellWake = r; });
  if (shellErr) throw new Error(`${shellErr}\nin: ${text.slice(0, 300)}`);
  return shellOut.slice(0, -END.length - 1);
}

async function buildSnapshotSql() {
  const cols = new Map();
  const listing = BACKEND === 'postgres'
    ? await sql("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
    : await sql("SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid");
  for (const line of listing.split('\n').filter(Boolean)) {
    const [t, c] = line.split('\t');
    if (!VOLATILE.has(t)) cols.set(t, [...(cols.get(t) ?? []), c]);
  }
  assert.ok(cols.has('applications') && cols.has('audit_log'), `tables found: ${[...cols.keys()]}`);
  const parts = [];
  for (const [t, cs] of cols) {
    const tenant = t === 'tenants' ? 'id' : cs.includes('tenant_id') ? 'tenant_id' : 'NULL';
    if (BACKEND === 'postgres') {
      parts.push(`SELECT '${t}' || E'\\t' || coalesce((${tenant})::text, '') || E'\\t' || row_to_json(x)::text FROM ${t} x`);
    } else {
      const row = cs.map((c) => `replace(replace(quote("${c}"), char(10), '\\n'), char(13), '\\r')`).join(" || ',' || ");
      parts.push(`SELECT '${t}' || char(9) || coalesce(CAST(${tenant} AS TEXT), '') || char(9) || ${row} FROM "${t}"`);
    }
  }
  return parts.join(' UNION ALL ');
}

const snapshot = async () => (await sql(snapshotSql)).split('\n').filter(Boolean).sort();

// Lines only in `a` or only in `b`, skipping those of tenant `allowTenant` (its own namespace).
function changes(a, b, allowTenant) {
  const count = new Map();
  for (const l of a) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of b) count.set(l, (count.get(l) ?? 0) - 1);
  const out = [];
  for (const [l, n] of count) {
    if (n === 0) continue;
    // Platform schedules (garbage reminders, delivery timing, booking reminders: every minute,
    // no tenant) may fire during any call; a refused call can only write tenant rows.
    if (l.startsWith('jobs\t\t')) continue;
    if (allowTenant !== undefined && l.split('\t')[1] === String(allowTenant)) continue;
    out.push(`${n > 0 ? '-' : '+'} ${l.slice(0, 300)}`);
  }
  return out;
}

// Background work (jobs, LINE threads) must be idle before refused calls are compared.
async function settle() {
  let prev = await snapshot();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const cur = await snapshot();
    // Stable is not enough: a due job (e.g. a resident notice) may not have been claimed yet.
    const due = Number((await sql(`SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running') AND run_at <= ${Date.now()}`)).trim());
    if (due === 0 && changes(prev, cur).length === 0) return cur;
    prev = cur;
  }
  throw new Error('the database did not settle');
}

// ---- calling a route ------------------------------------------------------------------------
// fx.query: a query string for routes that need one (e.g. '?q=…').
function pathFor(route, fx, tenantCode) {
  return route.pattern.replace(/\{(\*?)([a-z_]+)\}/g, (_, star, name) => {
    if (star) return 'iso-nope';
    if (name === 'tenant') return tenantCode;
    const fill = fx.params?.[name];
    if (!fill) throw new Error(`${route.key}: no value for {${name}} in its fixture`);
    return encodeURIComponent(String(fill(ctx)));
  }) + (fx.query ?? '');
}

function call(client, route, fx, tenantCode = B_CODE) {
  const opts = { headers: typeof fx.headers === 'function' ? fx.headers(ctx) : { ...(fx.headers ?? {}) } };
  if (fx.raw) opts.raw = fx.raw(ctx);
  else if (fx.body) opts.body = fx.body(ctx);
  else if (route.method !== 'GET') opts.body = {};
  return client.request(route.method, pathFor(route, fx, tenantCode), opts);
}

// A's objects: none of these may appear in anything B or a forged tenant sees.
const markers = () => [ctx.a.receipt, 'iso-a-svc', 'iso-viewer@demo.example', 'admin@demo.example', 'iso-a-menu', 'iso.a.dead', 'iso-a-list', 'iso_a_attr', 'デモ町', A_SECRET, 'iso-a-resource', 'iso-a-campaign', 'iso-a-segment', 'iso-a-faq', 'iso-a-waitlist', 'iso-a-lottery'];

function assertNoMarkers(key, r) {
  for (const m of markers()) assert.ok(!r.text.includes(m), `${key} shows tenant A's "${m}" to tenant B: ${r.text.slice(0, 300)}`);
}

// The snapshot after the last refused call is the next one's "before" (a refused call changes
// nothing); anything else that may write clears it.
let known = null;
async function refused(key, expected, run, allowTenant) {
  const before = known ?? await snapshot();
  known = null;
  const r = await run();
  assert.ok(expected.includes(r.status), `${key}: expected ${expected.join('/')}, got ${r.status}: ${r.text.slice(0, 300)}`);
  const after = await snapshot();
  const diff = changes(before, after, allowTenant);
  assert.deepEqual(diff, [], `${key} (${r.status}) changed the database:\n${diff.join('\n')}`);
  known = after;
  return r;
}

const fixtureFor = (route) => FIXTURES[route.key];
// Routes without a fixture fail the first test; the others check the rest.
const covered = () => routes.filter((r) => fixtureFor(r));
const staffRoutes = () => covered().filter((r) => (fixtureFor(r).kind ?? 'staff') === 'staff');

// ---- tenant A's objects, tenant B ----------------------------------------------------------
async function login(email, password, tenant = 'demo') {
  const c = new Client(srv.base);
  const r = await c.login(tenant, email, password);
  assert.equal(r.status, 200, `${email}: ${r.text}`);
  return c;
}

async function seedTenantA() {
  const admin = clients.admin;
  const a = {};
  a.tenantId = Number((await sql("SELECT id FROM tenants WHERE code = 'demo'")).trim());
  // Every role is of A's application's department (学校教育課), so only the role decides; a
  // separate operator of 環境課 checks the department scope.
  for (const role of ['viewer', 'operator', 'editor']) {
    const email = role === 'viewer' ? 'iso-viewer@demo.example' : `iso-${role}@demo.example`;
    const r = await admin.post('/api/staff', { email, password: `iso-${role}-password`, role, departments: ['学校教育課', '建設課', 'デジタル推進課'] });
    assert.equal(r.status, 201, r.text);
    a.staff = r.json.id ?? r.json.staff?.id;
    assert.ok(a.staff > 0, `staff id in ${r.text}`);
    clients[role] = await login(email, `iso-${role}-password`);
  }
  const other = await admin.post('/api/staff', { email: 'iso-kankyo@demo.example', password: 'iso-kankyo-password', role: 'operator', departments: ['環境課'] });
  assert.equal(other.status, 201, other.text);
  clients.otherDepartment = await login('iso-kankyo@demo.example', 'iso-kankyo-password');
  const services = (await admin.get('/api/services')).json.items;
  const absence = services.find((s) => s.service_key === 'school-absence').id;
  // A service of A's own, published (a service version).
  const exported = (await admin.get(`/api/services/${services.find((s) => s.service_key === 'survey').id}/export`)).json;
  a.serviceDef = { ...exported, service_key: 'iso-a-svc', title: 'ISO A service' };
  const created = await admin.post('/api/services', { definition: a.serviceDef });
  assert.equal(created.status, 201, created.text);
  a.service = created.json.id;
  assert.equal((await admin.post(`/api/services/${a.service}/publish`, {})).status, 200);

  // An application made through the web chat, with a correction request.
  const resident = new Client(srv.base);
  clients.resident = resident;
  const tomorrow = new Date(Date.now() + 9 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  const start = await resident.post('/api/public/demo/chat', { service_id: absence });
  assert.equal(start.status, 201, start.text);
  let last;
  for (const input of [
    { type: 'text', text: '魚津 ゆい' }, { type: 'text', text: '３年２組' }, { type: 'date', date: tomorrow },
    { type: 'text', text: '欠席' }, { type: 'choice', value: 'sick' }, { type: 'choice', value: '__skip__' },
    { type: 'choice', value: 'confirm' },
  ]) {
    last = await resident.post(`/api/public/demo/chat/${start.json.session_id}/input`, input);
    assert.equal(last.status, 200, last.text);
  }
  a.receipt = last.json.receipt_number;
  assert.ok(a.receipt, JSON.stringify(last.json));
  a.application = (await admin.get(`/api/applications?q=${a.receipt}`)).json.items[0].id;
  const corr = await admin.post(`/api/applications/${a.application}/corrections`, { step_ids: ['class'], reason: '組を確認してください' });
  assert.equal(corr.status, 201, corr.text);
  a.correction = corr.json.corrections.at(-1).id;
  // An open chat session of A's resident, and A's resident id.
  const open = await resident.post('/api/public/demo/chat', { service_id: a.service });
  assert.equal(open.status, 201, open.text);
  a.session = open.json.session_id;
  a.resident = Number((await sql(`SELECT resident_id FROM chat_sessions WHERE public_id = '${a.session}'`)).trim());
  // A photo uploaded into a road-damage session at its photo step (the only place uploads go).
  const road = await resident.post('/api/public/demo/chat', { service_id: services.find((s) => s.service_key === 'road-damage').id });
  assert.equal(road.status, 201, road.text);
  a.photoSession = road.json.session_id;
  assert.equal((await resident.post(`/api/public/demo/chat/${a.photoSession}/input`, { type: 'choice', value: 'pothole' })).status, 200);
  const up = await resident.request('POST', `/api/public/demo/chat/${a.photoSession}/attachments?filename=a.png`, { raw: PNG, headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text);
  a.attachment = up.json.attachment_id;

  // A resource in a category, booked once by A's resident (tomorrow 10:00); 11:00 is free.
  const cat = await admin.post('/api/resource-categories', { name: 'iso-a-category' });
  assert.equal(cat.status, 201, cat.text);
  a.category = cat.json.id;
  const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:00']]]));
  const res = await admin.post('/api/resources', { name: 'iso-a-resource', category_id: a.category, slot_minutes: 60, capacity: 3, opening_hours: every, closed_on_holidays: false });
  assert.equal(res.status, 201, res.text);
  a.resource = res.json.id;
  a.freeSlot = `${tomorrow}T11:00`;
  const booking = await resident.post(`/api/public/demo/resources/${a.resource}/bookings`, { slot: `${tomorrow}T10:00`, party: 1 });
  assert.equal(booking.status, 201, booking.text);
  a.booking = booking.json.id;
  a.checkinCode = (await resident.get('/api/public/demo/bookings')).json.bookings.find((x) => x.id === a.booking).checkin_code;
  // A full slot with a waitlist, which A's resident waits for.
  const wr = await admin.post('/api/resources', { name: 'iso-a-waitlist', slot_minutes: 60, capacity: 1, opening_hours: every, closed_on_holidays: false, waitlist_hold_minutes: 30 });
  assert.equal(wr.status, 201, wr.text);
  a.waitlistResource = wr.json.id;
  a.fullSlot = `${tomorrow}T14:00`;
  const taken = await new Client(srv.base).post(`/api/public/demo/resources/${a.waitlistResource}/bookings`, { slot: a.fullSlot });
  assert.equal(taken.status, 201, taken.text);
  const waiting = await resident.post(`/api/public/demo/resources/${a.waitlistResource}/waitlist`, { slot: a.fullSlot });
  assert.equal(waiting.status, 201, waiting.text);
  a.waitlistEntry = waiting.json.id;
  // A lottery round open now over two slots of A's resource (5 days ahead), applied to by
  // A's resident.
  const inFive = new Date(Date.now() + 9 * 3600e3 + 5 * 86400e3).toISOString().slice(0, 10);
  const jstMinute = (ms) => new Date(ms + 9 * 3600e3).toISOString().slice(0, 16);
  a.lotteryOpens = jstMinute(Date.now() - 60e3);
  a.lotteryCloses = jstMinute(Date.now() + 86400e3);
  a.lotterySlot = `${inFive}T09:00`;
  a.lotteryOtherSlot = `${inFive}T15:00`;
  const lot = await admin.post('/api/lotteries', { resource_id: a.resource, title: 'iso-a-lottery', opens_at: a.lotteryOpens, closes_at: a.lotteryCloses, slots: [a.lotterySlot, `${inFive}T10:00`] });
  assert.equal(lot.status, 201, lot.text);
  a.lottery = lot.json.id;
  const applied = await resident.post(`/api/public/demo/lotteries/${a.lottery}/applications`, { choices: [a.lotterySlot] });
  assert.equal(applied.status, 201, applied.text);

  a.lookup = 'iso-a-list';
  const lk = await admin.request('PUT', `/api/lookups/${a.lookup}`, { raw: 'key,value\nA1,secret\n', headers: { 'content-type': 'text/csv' } });
  assert.equal(lk.status, 200, lk.text);
  // LINE: A's channel (unreachable API: nothing is sent) and a rich menu.
  const ls = await admin.put('/api/line/settings', { channel_secret: A_SECRET, access_token: 'iso-a-token', api_base: 'http://127.0.0.1:9' });
  assert.equal(ls.status, 200, ls.text);
  a.menu = 'iso-a-menu';
  const rm = await admin.put(`/api/line/rich-menus/${a.menu}`, richMenu());
  assert.equal(rm.status, 201, rm.text);
  // An attribute definition of A's, and a value of it for A's resident.
  const attr = await admin.post('/api/resident-attributes', { key: 'iso_a_attr', label: 'ISO 地区', type: 'choice', options: [{ value: 'kita', label: '北' }] });
  assert.equal(attr.status, 201, attr.text);
  a.attribute = attr.json.id;
  const val = await admin.put(`/api/residents/${a.resident}/attributes`, { values: { iso_a_attr: 'kita' } });
  assert.equal(val.status, 200, val.text);
  const cp = await admin.post('/api/campaigns', { title: 'iso-a-campaign', messages: [{ type: 'text', text: 'ISO A' }], audience: { kind: 'all' } });
  assert.equal(cp.status, 201, cp.text);
  a.campaign = cp.json.id;
  const sg = await admin.post('/api/segments', { name: 'iso-a-segment', condition: { channel: 'line' } });
  assert.equal(sg.status, 201, sg.text);
  a.segment = sg.json.id;
  const et = await admin.post('/api/emergency/tokens', { label: 'iso-a-relay' });
  assert.equal(et.status, 201, et.text);
  a.emergencyToken = et.json.id;
  a.emergencySecret = et.json.token;
  // FAQ: an entry of A's and a resident's question in A's log (with its feedback token).
  const fe = await admin.post('/api/faq/entries', { question: 'iso-a-faq 質問', answer: 'ISO A の回答' });
  assert.equal(fe.status, 201, fe.text);
  a.faqEntry = fe.json.id;
  const fp = await admin.post('/api/faq/pages/upload', { pages: [{ name: 'iso-a-faq.html', html: Buffer.from('<p>iso-a-faq のページ</p>').toString('base64') }] });
  assert.equal(fp.status, 200, fp.text);
  const fq = await resident.post('/api/public/demo/faq/ask', { q: 'iso-a-faq' });
  assert.equal(fq.status, 200, fq.text);
  a.faqQuestion = fq.json.question_id;
  a.faqToken = fq.json.token;
  // A resident's hand-off to staff in A (no department: admins only), right after the answer
  // of A's entry: A's statistics count it for that entry (有人対応へ).
  const fc = await resident.post('/api/public/demo/faq/ask', { entry_id: a.faqEntry });
  assert.equal(fc.status, 200, fc.text);
  a.faqAnswer = { question_id: fc.json.question_id, token: fc.json.token };
  const ho = await resident.post('/api/public/demo/handoff', { recent: ['iso-a-faq'], answer: a.faqAnswer });
  assert.equal(ho.status, 201, ho.text);
  a.handoff = ho.json.id;
  a.webhookBody = JSON.stringify({
    destination: 'Uiso', events: [{
      type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId: '01ISOAWEBHOOK0000000000000',
      source: { type: 'user', userId: 'U0123456789abcdef0123456789abcdef' }, replyToken: 'iso-reply',
      deliveryContext: { isRedelivery: false }, message: { id: '1', type: 'text', text: 'ISO' },
    }],
  });
  a.webhookSignature = createHmac('sha256', A_SECRET).update(a.webhookBody).digest('base64');
  // A dead job (admins retry these); written directly: no real job fails on demand.
  a.deadJob = Number((await sql(`INSERT INTO jobs(tenant_id, kind, payload, status, run_at, attempts, max_attempts, last_error, created_at) VALUES (${a.tenantId}, 'iso.a.dead', '{}', 'dead', 0, 8, 8, 'ISO failure', 0) RETURNING id`)).trim());
  assert.ok(a.deadJob > 0);
  return a;
}

before(async () => {
  // A's LINE channel points at an unreachable loopback API, which only the operator may allow.
  srv = await startServer({ extra: ['--line-api-allow', 'http://127.0.0.1:9'] });
  routes = JSON.parse(execFileSync(BIN, ['routes', ...srv.db.args], { encoding: 'utf8' }))
    .map((r) => ({ ...r, key: `${r.method} ${r.pattern}` }));
  openShell();
  snapshotSql = await buildSnapshotSql();
  clients.admin = await srv.admin();
  ctx = { a: await seedTenantA() };
  cli(srv.db, ['tenant', 'create', '--code', B_CODE, '--name', 'アイソ町']);
  cli(srv.db, ['admin', 'create', '--tenant', B_CODE, '--email', 'admin@iso-b.example', '--password-stdin'], 'iso-b-password\n');
  clients.b = await login('admin@iso-b.example', 'iso-b-password', B_CODE);
  ctx.bTenantId = Number((await sql(`SELECT id FROM tenants WHERE code = '${B_CODE}'`)).trim());
  await settle();
});
after(async () => { shell?.stdin.end(); await srv?.cleanup(); });

// ---- the checks -----------------------------------------------------------------------------
test('every registered route has an isolation fixture, and every fixture a route', () => {
  assert.ok(routes.length >= 30, `madoguchi routes listed ${routes.length}`);
  const missing = routes.filter((r) => !fixtureFor(r)).map((r) => `route ${r.key} has no isolation fixture: add one to FIXTURES`);
  if (missing.length) assert.fail(missing.join('\n'));
  const keys = new Set(routes.map((r) => r.key));
  const stale = Object.keys(FIXTURES).filter((k) => !keys.has(k));
  assert.deepEqual(stale, [], 'fixtures for routes the server no longer registers');
  for (const r of routes) {
    const fx = fixtureFor(r);
    const kind = fx.kind ?? 'staff';
    assert.ok(['staff', 'public', 'session', 'open'].includes(kind), `${r.key}: kind ${kind}`);
    if (kind !== 'staff') continue;
    assert.ok(ROLES.includes(fx.min), `${r.key}: min role`);
    assert.ok(r.method === 'GET' || fx.min !== 'viewer' || fx.readonly, `${r.key}: viewers must not write`);
    if (r.method !== 'GET' && !/\{/.test(r.pattern))
      assert.ok(fx.foreign !== undefined, `${r.key}: a write without an object id needs foreign: 'own' or a status`);
  }
});

test('staff routes refuse callers without a session (401) and change nothing', async () => {
  known = null;
  const anon = new Client(srv.base);
  for (const r of staffRoutes()) await refused(`anonymous ${r.key}`, [401], () => call(anon, r, fixtureFor(r)));
});

test('each role below a route\'s minimum gets 403 in its own tenant and changes nothing', async () => {
  known = null;
  let checked = 0;
  for (const r of staffRoutes()) {
    const fx = fixtureFor(r);
    for (const role of ROLES.slice(0, ROLES.indexOf(fx.min))) {
      await refused(`${role} ${r.key}`, [403], () => call(clients[role], r, fx));
      checked++;
    }
  }
  assert.ok(checked >= 40, `role refusals checked: ${checked}`);
});

test('tenant B\'s lists never show tenant A\'s objects', async () => {
  for (const r of staffRoutes().filter((x) => x.method === 'GET' && !/\{/.test(x.pattern))) {
    const res = await call(clients.b, r, fixtureFor(r));
    assert.equal(res.status, 200, `${r.key} for B: ${res.text.slice(0, 300)}`);
    assertNoMarkers(`B ${r.key}`, res);
  }
  // The same lists do show them to A: the markers are real.
  const audit = await clients.admin.get('/api/audit');
  assert.ok(audit.text.includes('iso-viewer@demo.example') || audit.text.includes('admin@demo.example'));
  assert.ok((await clients.admin.get('/api/jobs')).text.includes('iso.a.dead'));
  assert.ok((await clients.admin.get('/api/line/rich-menus')).text.includes('iso-a-menu'));
  assert.ok((await clients.admin.get('/api/lookups')).text.includes('iso-a-list'));
  assert.ok((await clients.admin.get('/api/resident-attributes')).text.includes('iso_a_attr'));
  assert.ok((await clients.admin.get('/api/campaigns')).text.includes('iso-a-campaign'));
  assert.ok((await clients.admin.get('/api/faq/entries')).text.includes('iso-a-faq'));
  const faqStats = await clients.admin.get('/api/faq/stats');
  assert.ok(faqStats.json.entries.some((e) => e.question?.includes('iso-a-faq') && e.handed_off >= 1), faqStats.text.slice(0, 300));
  assert.ok((await clients.admin.get('/api/applications')).text.includes(ctx.a.receipt));
});

test('tenant B\'s admin cannot read or change tenant A\'s objects by id or name', async () => {
  known = null;
  const targets = staffRoutes().filter((r) => r.method !== 'GET' || /\{/.test(r.pattern)); // lists: previous test
  // Refusals first: an 'own' call makes B an object with A's name (a rich menu "iso-a-menu"),
  // after which B's calls on that name rightly reach B's own object.
  for (const r of targets.filter((x) => fixtureFor(x).foreign !== 'own')) {
    const fx = fixtureFor(r);
    await refused(`B ${r.key}`, fx.foreign ? [fx.foreign] : [404, 403], () => call(clients.b, r, fx));
  }
  const acted = [];
  for (const r of targets.filter((x) => fixtureFor(x).foreign === 'own')) {
    const fx = fixtureFor(r);
    const res = await refused(`B ${r.key}`, fx.status ? [fx.status] : [200, 201], () => call(clients.b, r, fx), ctx.bTenantId);
    acted.push(`${r.key} ${res.status}`);
  }
  // A still sees its own objects intact.
  assert.equal((await clients.admin.get(`/api/applications/${ctx.a.application}`)).json.status, 'new');
  assert.equal((await clients.admin.get(`/api/services/${ctx.a.service}`)).status, 200);
  assert.ok(acted.length >= 3, acted.join(', '));
});

test('an operator of another department cannot reach A\'s application, its file, or list it', async () => {
  known = null;
  const scoped = staffRoutes().filter((r) => fixtureFor(r).department);
  assert.equal(scoped.length, 5);
  for (const r of scoped) await refused(`other department ${r.key}`, [404], () => call(clients.otherDepartment, r, fixtureFor(r)));
  for (const path of ['/api/applications', '/api/applications/export.csv', '/api/dashboard']) {
    const res = await clients.otherDepartment.get(path);
    assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
    assert.ok(!res.text.includes(ctx.a.receipt), `${path} shows 学校教育課's application to 環境課`);
  }
  // The same operator role in the application's department does reach it: the fixture is live.
  assert.equal((await clients.operator.get(`/api/applications/${ctx.a.application}`)).status, 200);
  assert.equal((await clients.operator.get(`/api/attachments/${ctx.a.attachment}`)).status, 404, 'an upload of no application is for admins only');
});

test('a resident of A under tenant B\'s code (forged tenant) reaches nothing of A\'s', async () => {
  known = null;
  for (const r of covered().filter((x) => fixtureFor(x).kind === 'public')) {
    const fx = fixtureFor(r);
    if (fx.foreign === 'list') {
      known = null;
      const res = await call(clients.resident, r, fx);
      assert.equal(res.status, 200, `${r.key}: ${res.text.slice(0, 300)}`);
      assertNoMarkers(`forged ${r.key}`, res);
    } else if (fx.foreign === 'own') {
      await refused(`forged ${r.key}`, [fx.status], () => call(clients.resident, r, fx), ctx.bTenantId);
    } else {
      await refused(`forged ${r.key}`, fx.foreign ? [fx.foreign] : [404], () => call(clients.resident, r, fx));
    }
  }
  // Under A's own code the same resident does reach them: the fixtures are live.
  assert.equal((await clients.resident.get(`/api/public/demo/chat/${ctx.a.session}`)).status, 200);
  assert.ok((await clients.resident.get('/api/public/demo/my/applications')).text.includes(ctx.a.receipt));
  const messages = await clients.resident.get('/api/public/demo/my/messages');
  assert.ok(messages.text.includes(ctx.a.receipt), messages.text.slice(0, 300));
  assert.ok(messages.json.unread >= 1, 'the forged mark-read call marked A\'s messages read');
  // The forged hand-off (B's code, A's answer reference) links none of A's entries in B.
  const bQueue = await clients.b.get('/api/handoff/conversations?status=waiting');
  assert.ok(bQueue.json.items.length >= 1, bQueue.text.slice(0, 300));
  for (const c of bQueue.json.items) assert.equal(c.faq_entry_id, null);
});

test('routes without tenant data leak nothing of A\'s to B', async () => {
  for (const r of covered().filter((x) => fixtureFor(x).kind === 'open')) {
    const res = await call(clients.b, r, fixtureFor(r));
    assert.notEqual(res.status, 500, `${r.key}: ${res.text.slice(0, 300)}`); // 503: no web/dist
    assertNoMarkers(`open ${r.key}`, res);
  }
});
