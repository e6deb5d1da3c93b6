// A tiny in-memory stand-in for the madoguchi API (docs/API.md), for front-end work
// and for checking the browser tests before the C++ server exists. NOT the product.
//   node mock-server.mjs [port]     (serves ../../web/dist at "/")
// Demo login: tenant "demo", admin@example.jp / password
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const PORT = Number(process.argv[2] || process.env.PORT || 8080);
const now = () => Date.now();
const pad = (n) => String(n).padStart(2, '0');
const isoDay = (offset) => { const d = new Date(Date.now() + 9 * 3600e3 + offset * 86400e3); return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`; };

const tenant = { id: 1, code: 'demo', name: 'まどぐち町', lg_code: '999999' };
const staff = [{ id: 1, email: 'admin@example.jp', name: '管理 太郎', role: 'admin', department: '総務課', password: 'password', fails: 0, locked: false, created_at: now() }];
const services = [
  { id: 1, service_key: 'sodai-gomi', title: '粗大ごみ収集の申込', category: 'ごみ・リサイクル', department: '環境課', description: '家具や家電などの粗大ごみの戸別収集を申し込めます。', fee: null, status: 'published', published_version: 1, draft_updated_at: now(), versions: [{ version: 1, published_at: now(), published_by: 'admin@example.jp' }], definition: { service_key: 'sodai-gomi', title: '粗大ごみ収集の申込' } },
  { id: 2, service_key: 'juminhyo', title: '住民票の写しの請求', category: '証明書', department: '住民課', description: '', fee: 300, status: 'published', published_version: 1, draft_updated_at: now(), versions: [], definition: { service_key: 'juminhyo' } },
];
const apps = [];
const audit = [];
const attachments = new Map();
const sessions = new Map(); // staff sessions
const chats = new Map();
const jobs = [{ id: 1, kind: 'line_push', status: 'dead', attempts: 5, last_error: 'HTTP 500 from api.line.me', run_at: now() - 3600e3 }];
const line = { channel_id: '1234567890', api_base: 'https://api.line.me', has_secret: false, has_token: false };
let seq = 100;

function send(res, status, body, headers = {}) {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(data);
}
const err = (res, status, code, message, extra = {}) => send(res, status, { error: { code, message, ...extra } });
const cookies = (req) => Object.fromEntries((req.headers.cookie || '').split(/;\s*/).filter(Boolean).map((c) => { const i = c.indexOf('='); return [c.slice(0, i), decodeURIComponent(c.slice(i + 1))]; }));
const logAudit = (s, action, type, id, detail) => audit.unshift({ id: ++seq, at: now(), staff_email: s?.user.email, action, object_type: type, object_id: id, ip: '127.0.0.1', detail });

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

// ------------------------------------------------------------------ the 粗大ごみ dialog
const ITEMS = [['sofa', 'ソファ', 1000], ['bed', 'ベッド', 1500], ['desk', '机', 800], ['chair', 'いす', 300], ['bike', '自転車', 500], ['futon', 'ふとん', 300]];
const STEPS = [
  { step_id: 'item', input: 'choice', text: '出したい粗大ごみを選んでください。', paged: true },
  { step_id: 'extras', input: 'multi_choice', text: 'ほかに出すものはありますか（複数選択可）', choices: [{ value: 'none', label: 'なし' }, { value: 'box', label: '段ボール' }, { value: 'rug', label: 'じゅうたん' }, { value: '__done__', label: '選択を終える' }] },
  { step_id: 'date', input: 'date', text: '収集を希望する日を選んでください。', hint: '3日後から60日後まで', min: 3, max: 60 },
  { step_id: 'name', input: 'text', text: 'お名前を入力してください。' },
  { step_id: 'kana', input: 'text', text: 'フリガナを入力してください。', hint: 'カタカナ（ひらがなでも可）で入力してください。' },
  { step_id: 'phone', input: 'text', text: '日中に連絡がとれる電話番号を入力してください。', hint: '例：090-1234-5678（ハイフンなしでも可）' },
  { step_id: 'postal', input: 'text', text: '郵便番号を入力してください。', hint: '例：123-4567（わからない場合は「わからない」を押してください）', choices: [{ value: '__unknown__', label: 'わからない' }] },
  { step_id: 'photo', input: 'photo', text: '出すものの写真を送ってください。', choices: [{ value: '__skip__', label: 'スキップ' }] },
  { step_id: 'place', input: 'location', text: '出す場所を教えてください。' },
];
function questionFor(s, st) {
  const q = { type: 'question', step_id: st.step_id, input: st.input, text: st.text };
  if (st.hint) q.hint = st.hint;
  if (st.format) q.format = st.format;
  if (st.choices) q.choices = st.choices;
  if (st.paged) {
    const page = s.page || 0; const per = 4; const count = Math.ceil(ITEMS.length / per);
    q.choices = ITEMS.slice(page * per, page * per + per).map(([value, label, fee]) => ({ value, label, fee }));
    if (page < count - 1) q.choices.push({ value: '__next__', label: '次へ' });
    if (page > 0) q.choices.unshift({ value: '__prev__', label: '前へ' });
    q.page = { index: page, count };
  }
  if (st.input === 'date') { q.min_date = isoDay(st.min); q.max_date = isoDay(st.max); }
  return q;
}
function display(st, v) {
  if (st.paged) return ITEMS.find((i) => i[0] === v)?.[1] ?? v;
  if (st.input === 'multi_choice') return v.map((x) => st.choices.find((c) => c.value === x)?.label ?? x).join('、');
  if (st.input === 'photo') return v === 'skip' ? 'なし' : '写真1枚';
  if (st.input === 'location') return v.address || `${v.lat}, ${v.lng}`;
  return String(v);
}
function current(s) {
  if (s.idx < STEPS.length) return [questionFor(s, STEPS[s.idx])];
  if (s.idx === STEPS.length) return [{ type: 'question', step_id: 'rating', input: 'rating', text: 'この手続きの使いやすさを5段階で教えてください。', choices: [...['1 不満', '2 やや不満', '3 ふつう', '4 やや満足', '5 満足'].reverse().map((l) => ({ value: l[0], label: l })), { value: '__skip__', label: '回答しない' }] }];
  const items = STEPS.map((st) => ({ step_id: st.step_id, label: st.text.replace(/(を|の).*$/, ''), display: display(st, s.answers[st.step_id]), editable: true }));
  const fee = ITEMS.find((i) => i[0] === s.answers.item)?.[2] ?? 0;
  return [{ type: 'summary', text: '入力内容を確認してください。', items, total_fee: fee },
    { type: 'question', step_id: 'confirm', input: 'confirm', text: 'この内容で申し込みますか？', hint: '修正する場合は「修正する」を押してください。', choices: [{ value: 'confirm', label: 'この内容で申請する' }, { value: 'edit', label: '修正する' }] }];
}
function chatInput(s, input) {
  if (s.done) return { prompts: [{ type: 'message', text: 'この手続きは終了しています。' }], done: true };
  if (input.type === 'command' || (input.type === 'text' && ['戻る', '最初から', 'やめる'].includes(input.text))) {
    const c = input.command || { 戻る: 'back', 最初から: 'restart', やめる: 'quit' }[input.text];
    if (c === 'quit') { s.done = true; return { prompts: [{ type: 'message', text: '申し込みを中止しました。' }], done: true }; }
    if (c === 'restart') { s.idx = 0; s.answers = {}; s.page = 0; return { prompts: [{ type: 'message', text: '最初からやり直します。' }, ...current(s)], done: false }; }
    if (c === 'back') { s.idx = Math.max(0, s.idx - 1); s.editing = false; return { prompts: current(s), done: false }; }
    if (c === 'edit') { const i = STEPS.findIndex((x) => x.step_id === input.step_id); if (i >= 0) { s.idx = i; s.editing = true; } return { prompts: current(s), done: false }; }
  }
  const bad = (text) => ({ prompts: [{ type: 'error', step_id: STEPS[s.idx]?.step_id, text }, ...current(s)], done: false });
  const next = () => { s.idx = s.editing ? STEPS.length + 1 : s.idx + 1; if (s.editing) s.editing = false; return { prompts: current(s), done: false }; };
  if (s.idx < STEPS.length) {
    const st = STEPS[s.idx];
    switch (st.input) {
      case 'choice': {
        if (input.value === '__next__') { s.page = (s.page || 0) + 1; return { prompts: current(s), done: false }; }
        if (input.value === '__prev__') { s.page = Math.max(0, (s.page || 0) - 1); return { prompts: current(s), done: false }; }
        const v = input.type === 'choice' ? input.value : ITEMS.find((i) => i[1] === input.text)?.[0];
        if (!ITEMS.some((i) => i[0] === v)) return bad('一覧から選んでください。');
        s.answers[st.step_id] = v; return next();
      }
      case 'multi_choice':
        if (input.type !== 'choices' || !input.values?.length) return bad('1つ以上選んで「決定」を押してください。');
        s.answers[st.step_id] = input.values; return next();
      case 'date': {
        const d = input.date; const q = questionFor(s, st);
        if (input.type !== 'date' || !d || d < q.min_date || d > q.max_date) return bad(`${q.min_date} から ${q.max_date} までの日付を選んでください。`);
        s.answers[st.step_id] = d; return next();
      }
      case 'text': {
        if (st.step_id === 'postal' && input.type === 'choice' && input.value === '__unknown__') { s.answers.postal = 'わからない'; return next(); }
        const v = (input.text || '').trim();
        if (st.step_id === 'postal' && v !== '999-9999') return bad('その郵便番号は見つかりませんでした。');
        if (input.type !== 'text' || !v) return bad('入力してください。');
        if (st.step_id === 'phone' && !/^0\d{1,4}-?\d{1,4}-?\d{3,4}$/.test(v)) return bad('電話番号の形式が正しくありません。');
        if (st.step_id === 'kana' && !/^[ァ-ヶぁ-ゖー\s　]+$/.test(v)) return bad('カタカナで入力してください。');
        s.answers[st.step_id] = v; return next();
      }
      case 'photo':
        if (input.type === 'choice' && input.value === '__skip__') { s.answers.photo = 'skip'; return next(); }
        if (input.type !== 'photo' || !attachments.has(Number(input.attachment_id))) return bad('写真を送ってください。');
        s.answers.photo = Number(input.attachment_id); return next();
      case 'location':
        if (input.type !== 'location' || !Number.isFinite(input.lat)) return bad('位置を送ってください。');
        s.answers.place = { lat: input.lat, lng: input.lng, address: input.address }; return next();
    }
  }
  if (s.idx === STEPS.length) {
    const v = input.value === '__skip__' ? null : Number(input.value ?? input.text);
    if (v !== null && !(v >= 1 && v <= 5)) return bad('1から5で選んでください。');
    s.answers.rating = v; s.idx++; return { prompts: current(s), done: false };
  }
  if (input.type === 'choice' && input.value === 'edit') { s.idx = 0; s.editing = true; return { prompts: current(s), done: false }; }
  if (!(input.type === 'choice' && input.value === 'confirm')) return { prompts: current(s), done: false };
  const receipt = `${randomBytes(2).toString('hex').toUpperCase().slice(0, 3)}-${randomBytes(2).toString('hex').toUpperCase().slice(0, 3)}`;
  const app = {
    id: ++seq, receipt_number: receipt, service_id: s.service_id, service_title: services.find((x) => x.id === s.service_id)?.title, status: 'new',
    assignee: null, assignee_id: null, submitted_at: now(), channel: 'web', device: s.device, memo: '', corrections: [],
    history: [{ at: now(), action: 'submitted', to: 'new' }],
    answers: STEPS.map((st) => ({ step_id: st.step_id, label: st.text.replace(/(を|の).*$/, ''), value: s.answers[st.step_id], display: display(st, s.answers[st.step_id]) })),
    attachments: typeof s.answers.photo === 'number' ? [{ id: s.answers.photo, ...attachments.get(s.answers.photo).meta }] : [],
  };
  apps.unshift(app);
  s.done = true;
  return { prompts: [{ type: 'completion', text: '申し込みを受け付けました。収集日の朝8時までに出してください。', receipt_number: receipt }], done: true, receipt_number: receipt };
}

// ------------------------------------------------------------------ routing
function staffSession(req) { return sessions.get(cookies(req).mg_session); }
function filterApps(q) {
  let list = apps;
  if (q.get('status')) list = list.filter((a) => a.status === q.get('status'));
  if (q.get('service_id')) list = list.filter((a) => String(a.service_id) === q.get('service_id'));
  if (q.get('q')) list = list.filter((a) => JSON.stringify(a).includes(q.get('q')));
  if (q.get('from')) list = list.filter((a) => a.submitted_at >= Number(q.get('from')));
  if (q.get('to')) list = list.filter((a) => a.submitted_at <= Number(q.get('to')));
  return list;
}
const row = (a) => ({ id: a.id, receipt_number: a.receipt_number, service_title: a.service_title, status: a.status, assignee: a.assignee, submitted_at: a.submitted_at, channel: a.channel });
const svcRow = ({ versions, definition, fee, description, ...r }) => r;

async function api(req, res, url) {
  const p = url.pathname; const m = req.method; const q = url.searchParams;
  let mPub;
  if ((mPub = p.match(/^\/api\/public\/([^/]+)\/(.*)$/))) {
    if (mPub[1] !== tenant.code) return err(res, 404, 'not_found', '自治体が見つかりません');
    let device = cookies(req).mg_device;
    const hdr = {};
    if (!device) { device = randomBytes(8).toString('hex'); hdr['Set-Cookie'] = `mg_device=${device}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`; }
    const rest = mPub[2];
    const ok = (b) => send(res, 200, b, hdr);
    if (rest === 'info' && m === 'GET') return ok({ code: tenant.code, name: tenant.name });
    if (rest === 'services' && m === 'GET') return ok({ items: services.filter((s) => s.status === 'published').map(({ id, service_key, title, category, department, description, fee }) => ({ id, service_key, title, category, department, description, fee })) });
    if (rest === 'my/applications') return ok({ items: apps.filter((a) => a.device === device).map((a) => ({ receipt_number: a.receipt_number, service_title: a.service_title, status: a.status, submitted_at: a.submitted_at, correction: a.corrections.at(-1) })) });
    if (/^chat\/[^/]+\/attachments$/.test(rest) && m === 'POST') {
      const ct = req.headers['content-type'] || '';
      if (!/^image\/(jpeg|png)/.test(ct)) return err(res, 415, 'unsupported_media_type', 'JPEG か PNG の画像を送ってください');
      const data = await body(req); const id = ++seq;
      attachments.set(id, { data, meta: { filename: q.get('filename') || 'photo', content_type: ct, size: data.length } });
      return ok({ attachment_id: id });
    }
    if (rest === 'chat' && m === 'POST') {
      const b = JSON.parse((await body(req)).toString() || '{}');
      const svc = services.find((s) => s.id === Number(b.service_id) && s.status === 'published');
      if (!svc) return err(res, 404, 'not_found', 'この手続きは受け付けていません', { field: 'service_id' });
      const id = randomBytes(12).toString('hex');
      const s = { id, service_id: svc.id, device, idx: 0, answers: {}, page: 0, done: false };
      chats.set(id, s);
      return ok({ session_id: id, prompts: [{ type: 'message', text: `${svc.title}を始めます。質問に順番に答えてください。` }, ...current(s)], done: false });
    }
    let mc;
    if ((mc = rest.match(/^chat\/([^/]+)(\/input)?$/))) {
      const s = chats.get(mc[1]);
      if (!s || s.device !== device) return err(res, 404, 'not_found', 'チャットが見つかりません');
      if (!mc[2] && m === 'GET') return ok({ session_id: s.id, prompts: s.done ? [{ type: 'message', text: 'この手続きは終了しています。' }] : current(s), done: s.done });
      if (mc[2] && m === 'POST') {
        let input;
        try { input = JSON.parse((await body(req)).toString()); } catch { return err(res, 400, 'invalid_json', 'JSON が不正です'); }
        return ok(chatInput(s, input));
      }
    }
    return err(res, 404, 'not_found', 'not found');
  }

  if (p === '/api/login' && m === 'POST') {
    const b = JSON.parse((await body(req)).toString() || '{}');
    const u = staff.find((s) => s.email === b.email);
    if (b.tenant !== tenant.code && b.tenant !== tenant.lg_code) return err(res, 401, 'bad_credentials', '団体コード、メールアドレスまたはパスワードが違います');
    if (u?.locked) return err(res, 423, 'locked', 'アカウントがロックされています');
    if (!u || u.password !== b.password) {
      if (u && ++u.fails >= 5) u.locked = true;
      return err(res, 401, 'bad_credentials', 'メールアドレスまたはパスワードが違います');
    }
    u.fails = 0;
    const sid = randomBytes(16).toString('hex'); const csrf = randomBytes(16).toString('hex');
    const { password, fails, ...user } = u;
    sessions.set(sid, { user, csrf });
    logAudit({ user }, 'login', 'staff', u.id);
    return send(res, 200, { user, tenant, csrf_token: csrf }, { 'Set-Cookie': `mg_session=${sid}; Path=/; HttpOnly; SameSite=Lax` });
  }
  const s = staffSession(req);
  if (!s) return err(res, 401, 'unauthorized', 'ログインしてください');
  if (m !== 'GET' && req.headers['x-csrf-token'] !== s.csrf) return err(res, 403, 'csrf', 'CSRF トークンが不正です');
  const admin = s.user.role === 'admin';
  const json = async () => { const t = (await body(req)).toString(); return t ? JSON.parse(t) : {}; };
  let r;
  if (p === '/api/logout') { sessions.delete(cookies(req).mg_session); return send(res, 200, { ok: true }, { 'Set-Cookie': 'mg_session=; Path=/; Max-Age=0' }); }
  if (p === '/api/session') return send(res, 200, { user: s.user, tenant, csrf_token: s.csrf });
  if (p === '/api/dashboard') return send(res, 200, { tenant, counts: { staff: staff.length, residents: new Set(apps.map((a) => a.device)).size, services: services.length, services_published: services.filter((x) => x.status === 'published').length, applications: apps.length, applications_open: apps.filter((a) => ['new', 'in_progress'].includes(a.status)).length, jobs_pending: 0, jobs_dead: jobs.filter((j) => j.status === 'dead').length }, recent_applications: apps.slice(0, 5).map(row) });
  if (p === '/api/staff' && m === 'GET') return admin ? send(res, 200, { items: staff.map(({ password, fails, ...x }) => x) }) : err(res, 403, 'forbidden', '権限がありません');
  if (p === '/api/staff' && m === 'POST') {
    const b = await json();
    if (!b.email || !b.password || (b.password.length < 8)) return err(res, 400, 'invalid', 'パスワードは8文字以上にしてください', { field: 'password' });
    const u = { id: ++seq, email: b.email, name: b.name, role: b.role, department: b.department, password: b.password, fails: 0, locked: false, created_at: now() };
    staff.push(u); logAudit(s, 'staff.create', 'staff', u.id);
    const { password, fails, ...x } = u; return send(res, 200, x);
  }
  if (p === '/api/audit') { const before = Number(q.get('before_id') || Infinity); return send(res, 200, { items: audit.filter((a) => a.id < before).slice(0, Number(q.get('limit') || 100)) }); }
  if (p === '/api/jobs') return send(res, 200, { items: jobs.filter((j) => !q.get('status') || j.status === q.get('status')) });
  if ((r = p.match(/^\/api\/jobs\/(\d+)\/retry$/))) { const j = jobs.find((x) => x.id === Number(r[1])); if (!j) return err(res, 404, 'not_found', 'not found'); j.status = 'pending'; j.attempts = 0; return send(res, 200, j); }
  if (p === '/api/services' && m === 'GET') return send(res, 200, { items: services.map(svcRow) });
  if (p === '/api/services' && m === 'POST') {
    const b = await json(); const d = b.definition;
    const details = [];
    if (!d || typeof d !== 'object') details.push({ path: 'definition', message: 'オブジェクトが必要です' });
    else { if (!d.service_key) details.push({ path: 'service_key', message: '必須です' }); if (!d.title) details.push({ path: 'title', message: '必須です' }); if (!Array.isArray(d.steps)) details.push({ path: 'steps', message: '配列が必要です' }); }
    if (details.length) return err(res, 400, 'invalid_definition', 'サービス定義に誤りがあります', { details });
    let svc = services.find((x) => x.service_key === d.service_key);
    if (!svc) { svc = { id: ++seq, service_key: d.service_key, status: 'draft', published_version: null, versions: [] }; services.push(svc); }
    Object.assign(svc, { title: d.title, category: d.category, department: d.department, definition: d, draft_updated_at: now() });
    logAudit(s, 'service.save', 'service', svc.id);
    return send(res, 200, svcRow(svc));
  }
  if ((r = p.match(/^\/api\/services\/(\d+)(\/(publish|unpublish|export))?$/))) {
    const svc = services.find((x) => x.id === Number(r[1])); if (!svc) return err(res, 404, 'not_found', 'not found');
    if (r[3] === 'publish') { const v = (svc.published_version || 0) + 1; svc.published_version = v; svc.status = 'published'; svc.versions.push({ version: v, published_at: now(), published_by: s.user.email }); logAudit(s, 'service.publish', 'service', svc.id); return send(res, 200, { version: v }); }
    if (r[3] === 'unpublish') { svc.status = 'unpublished'; return send(res, 200, svcRow(svc)); }
    if (r[3] === 'export') return send(res, 200, JSON.stringify(svc.definition, null, 2), { 'Content-Disposition': `attachment; filename="${svc.service_key}.json"` });
    return send(res, 200, svc);
  }
  if (p === '/api/applications') { const list = filterApps(q); const off = Number(q.get('offset') || 0); return send(res, 200, { items: list.slice(off, off + Number(q.get('limit') || 50)).map(row), total: list.length }); }
  if (p === '/api/applications/export.csv') {
    const lines = ['受付番号,サービス,状態,受付日時', ...filterApps(q).map((a) => [a.receipt_number, a.service_title, a.status, new Date(a.submitted_at).toISOString()].join(','))];
    return send(res, 200, `\uFEFF${lines.join('\r\n')}\r\n`, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="applications.csv"' });
  }
  if ((r = p.match(/^\/api\/applications\/(\d+)(\/corrections)?$/))) {
    const a = apps.find((x) => x.id === Number(r[1])); if (!a) return err(res, 404, 'not_found', '申請が見つかりません');
    if (r[2] && m === 'POST') { const b = await json(); const c = { at: now(), step_ids: b.step_ids, reason: b.reason, staff_email: s.user.email }; a.corrections.push(c); a.history.push({ at: now(), action: 'correction', staff_email: s.user.email }); return send(res, 200, c); }
    if (m === 'PATCH') {
      const b = await json();
      if (b.status && b.status !== a.status) { a.history.push({ at: now(), action: 'status', from: a.status, to: b.status, staff_email: s.user.email }); a.status = b.status; }
      if (b.memo !== undefined) a.memo = b.memo;
      if (b.assignee_id !== undefined) { const u = staff.find((x) => x.id === b.assignee_id); a.assignee_id = u?.id ?? null; a.assignee = u?.name ?? null; }
      logAudit(s, 'application.update', 'application', a.id, b);
      return send(res, 200, row(a));
    }
    const { device, ...rest } = a; return send(res, 200, rest);
  }
  if ((r = p.match(/^\/api\/attachments\/(\d+)$/))) { const f = attachments.get(Number(r[1])); if (!f) return err(res, 404, 'not_found', 'not found'); res.writeHead(200, { 'Content-Type': f.meta.content_type }); return res.end(f.data); }
  if (p === '/api/line/settings') {
    if (!admin) return err(res, 403, 'forbidden', '権限がありません');
    if (m === 'PUT') { const b = await json(); if (b.channel_secret) line.has_secret = true; if (b.access_token) line.has_token = true; if (b.api_base !== undefined) line.api_base = b.api_base; }
    return send(res, 200, { ...line, webhook_url: `http://${req.headers.host}/line/${tenant.code}/webhook` });
  }
  return err(res, 404, 'not_found', 'not found');
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (url.pathname.startsWith('/api/')) return await api(req, res, url);
    const file = normalize(join(DIST, decodeURIComponent(url.pathname)));
    if (file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
      return res.end(readFileSync(file));
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(readFileSync(join(DIST, 'index.html')));
  } catch (e) {
    console.error(e);
    err(res, 500, 'internal', String(e));
  }
}).listen(PORT, '127.0.0.1', () => console.log(`mock madoguchi on http://127.0.0.1:${PORT}`));
