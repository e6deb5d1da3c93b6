// The phone page's HTML, CSS and JS in one raw string: no build step, no files to deploy.
// It talks only to the /sim control API. Elements carry data-testid for Playwright.
#include "linesim/phone_page.h"

namespace mg::linesim {

std::string_view phone_page_html() {
  return R"HTML(<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>line-sim</title>
<style>
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; font-family: -apple-system, "Hiragino Sans", "Noto Sans JP", sans-serif;
         background: #2b2b2b; display: flex; justify-content: center; }
  #phone { width: 390px; max-width: 100vw; height: 100vh; max-height: 844px; background: #8cabd9;
           display: flex; flex-direction: column; overflow: hidden; position: relative; }
  header { background: #06c755; color: #fff; padding: 10px 12px; display: flex; align-items: center;
           gap: 8px; font-weight: bold; }
  header .title { flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  header button { background: rgba(255,255,255,.2); color: #fff; border: 0; border-radius: 12px;
                  padding: 4px 10px; font-size: 12px; cursor: pointer; }
  #chat { flex: 1; overflow-y: auto; padding: 10px 8px; display: flex; flex-direction: column; gap: 8px; }
  .row { display: flex; align-items: flex-end; gap: 6px; }
  .row.user { justify-content: flex-end; }
  .avatar { width: 32px; height: 32px; border-radius: 50%; background: #06c755; color: #fff;
            font-size: 12px; display: flex; align-items: center; justify-content: center; flex: none; }
  .bubble { max-width: 75%; padding: 8px 11px; border-radius: 16px; white-space: pre-wrap;
            word-break: break-word; font-size: 14px; line-height: 1.4; background: #fff; }
  .row.user .bubble { background: #85e249; }
  .time { font-size: 10px; color: #eef; }
  .system { align-self: center; background: rgba(0,0,0,.25); color: #fff; font-size: 11px;
            padding: 3px 10px; border-radius: 10px; }
  .card { background: #fff; border-radius: 14px; overflow: hidden; width: 240px; font-size: 14px; }
  .card img { width: 100%; display: block; }
  .card .body { padding: 10px 12px; }
  .card .ttl { font-weight: bold; margin-bottom: 4px; }
  .card button, .flex-button { display: block; width: 100%; border: 0; border-top: 1px solid #eee;
           background: #fff; color: #2a6fdb; padding: 10px; font-size: 14px; cursor: pointer; }
  .confirm-actions { display: flex; }
  .confirm-actions button { border-left: 1px solid #eee; }
  .carousel { display: flex; gap: 8px; overflow-x: auto; max-width: 100%; padding-bottom: 4px; }
  .carousel > * { flex: none; }
  .flex-bubble { background: #fff; border-radius: 14px; overflow: hidden; width: 260px; font-size: 14px; }
  .flex-block { padding: 12px; }
  .flex-box { display: flex; gap: 4px; }
  .flex-box.vertical { flex-direction: column; }
  .flex-box.horizontal, .flex-box.baseline { flex-direction: row; }
  .flex-box.baseline { align-items: baseline; }
  .flex-button { border-radius: 8px; border: 0; margin-top: 4px; }
  .flex-button.primary { background: #06c755; color: #fff; }
  .flex-button.secondary { background: #eee; color: #111; }
  .flex-button.link { background: transparent; }
  hr.flex-sep { border: 0; border-top: 1px solid #ddd; width: 100%; margin: 4px 0; }
  #quick { display: flex; gap: 6px; overflow-x: auto; padding: 6px 8px; min-height: 0; }
  #quick:empty { display: none; }
  .chip { flex: none; background: #fff; border: 1px solid #06c755; color: #06c755; border-radius: 16px;
          padding: 6px 12px; font-size: 13px; cursor: pointer; white-space: nowrap; }
  #inputbar { display: flex; gap: 6px; padding: 8px; background: #fff; align-items: center; }
  #inputbar input[type=text] { flex: 1; border: 1px solid #ddd; border-radius: 18px; padding: 8px 12px; font-size: 14px; }
  #inputbar button { border: 0; background: none; font-size: 18px; cursor: pointer; }
  #inputbar button small { font-size: 10px; color: #555; }
  #send { color: #06c755; font-weight: bold; font-size: 14px !important; }
  #richmenu { background: #fff; border-top: 1px solid #ddd; }
  #richmenu-bar { width: 100%; border: 0; background: #f7f7f7; padding: 8px; font-size: 13px; cursor: pointer; }
  #richmenu-panel { position: relative; width: 100%; background: #e9f7ef center/100% 100% no-repeat; }
  #richmenu-panel.hidden { display: none; }
  .rm-area { position: absolute; border: 1px dashed rgba(6,199,85,.6); background: rgba(255,255,255,.05);
             font-size: 12px; color: #064; cursor: pointer; overflow: hidden; }
  .modal { position: absolute; inset: 0; background: rgba(0,0,0,.4); display: flex; align-items: center;
           justify-content: center; }
  .modal > div { background: #fff; border-radius: 12px; padding: 16px; width: 85%; display: flex;
                 flex-direction: column; gap: 8px; }
  .modal input { padding: 6px; font-size: 14px; }
  .modal .buttons { display: flex; gap: 8px; justify-content: flex-end; }
  #picker { padding: 16px; color: #fff; display: flex; flex-direction: column; gap: 8px; }
  #picker a { color: #fff; }
  #picker button { padding: 8px; }
</style>
</head>
<body>
<div id="phone" data-testid="phone">
  <header data-testid="chat-header">
    <span class="title" id="title" data-testid="chat-title">line-sim</span>
    <button id="followBtn" data-testid="follow-toggle" hidden></button>
  </header>
  <div id="picker" data-testid="resident-picker" hidden>
    <div>仮想住民を選ぶか、新しく作ります。</div>
    <input id="newName" data-testid="new-resident-name" placeholder="表示名 (例: 上砂川 花子)">
    <button id="newResident" data-testid="new-resident">新しい住民で友だち追加</button>
    <div id="residentList" data-testid="resident-list"></div>
  </div>
  <div id="chat" data-testid="chat" hidden></div>
  <div id="quick" data-testid="quick-replies"></div>
  <div id="inputbar" hidden>
    <button id="cameraBtn" title="写真" data-testid="camera-button">📷<small>写真</small></button>
    <button id="locationBtn" title="位置情報" data-testid="location-button">📍<small>位置</small></button>
    <input type="text" id="text" data-testid="chat-input" placeholder="メッセージを入力">
    <button id="send" data-testid="send-button">送信</button>
  </div>
  <div id="richmenu" data-testid="richmenu" hidden>
    <div id="richmenu-panel" data-testid="richmenu-panel"></div>
    <button id="richmenu-bar" data-testid="richmenu-bar">メニュー ▾</button>
  </div>
  <input type="file" id="photo" accept="image/*" data-testid="photo-input" hidden>
</div>
<script>
"use strict";
const params = new URLSearchParams(location.search);
const userId = params.get("user");
const $ = (id) => document.getElementById(id);
let lastSeq = 0, entries = [], menuKey = "", following = true;

async function sim(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["content-type"] = "application/json"; }
  const r = await fetch(path, init);
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((j.error && j.error.message) || r.status);
  return j;
}
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "style") Object.assign(e.style, v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k) e.append(k);
  return e;
}
const userPath = (p) => `/sim/users/${encodeURIComponent(userId)}/${p}`;

// ---- actions: what a tap does, as in the LINE app ----
async function doAction(a) {
  if (!a) return;
  switch (a.type) {
    case "message": return sim("POST", userPath("text"), { text: a.text });
    case "postback": return sim("POST", userPath("postback"), { data: a.data, displayText: a.displayText || a.text || "" });
    case "uri": return window.open(a.uri, "_blank");
    case "datetimepicker": return pickDatetime(a);
    case "camera": case "cameraRoll": return $("photo").click();
    case "location": return pickLocation();
    case "richmenuswitch": return sim("POST", userPath("richmenu-switch"), { richMenuAliasId: a.richMenuAliasId, data: a.data });
    case "clipboard": return navigator.clipboard && navigator.clipboard.writeText(a.clipboardText);
  }
}
function actionButton(a, cls, testid) {
  return el("button", { class: cls || "", "data-testid": testid, "data-action-type": a.type,
                        text: a.label || a.text || a.data || a.type, onclick: () => doAction(a).catch(alert) });
}
function modal(build) {
  const box = el("div");
  const m = el("div", { class: "modal", "data-testid": "modal" }, box);
  const close = () => m.remove();
  build(box, close);
  $("phone").append(m);
}
function pickDatetime(a) {
  const type = a.mode === "date" ? "date" : a.mode === "time" ? "time" : "datetime-local";
  modal((box, close) => {
    const input = el("input", { type, "data-testid": "datetime-input" });
    if (a.initial) input.value = a.initial;
    if (a.min) input.min = a.min;
    if (a.max) input.max = a.max;
    box.append(el("div", { text: a.label || "日時を選択" }), input,
      el("div", { class: "buttons" },
        el("button", { text: "キャンセル", onclick: close }),
        el("button", { text: "OK", "data-testid": "datetime-ok", onclick: async () => {
          if (!input.value) return;
          close();
          await sim("POST", userPath("postback"), { data: a.data, params: { [a.mode]: input.value } });
        } })));
  });
}
function pickLocation() {
  modal((box, close) => {
    const f = (id, v, ph) => el("input", { "data-testid": id, value: v, placeholder: ph });
    const lat = f("location-lat", "43.4787", "緯度"), lon = f("location-lon", "141.9736", "経度");
    const title = f("location-title", "上砂川町役場", "名称"), addr = f("location-address", "北海道空知郡上砂川町", "住所");
    box.append(el("div", { text: "位置情報を送信" }), lat, lon, title, addr,
      el("div", { class: "buttons" },
        el("button", { text: "キャンセル", onclick: close }),
        el("button", { text: "送信", "data-testid": "location-send", onclick: async () => {
          close();
          await sim("POST", userPath("location"), { latitude: parseFloat(lat.value), longitude: parseFloat(lon.value),
                                                    title: title.value, address: addr.value });
        } })));
  });
}

// ---- rendering bot messages ----
function renderFlexComponent(c) {
  switch (c.type) {
    case "box": {
      const b = el("div", { class: `flex-box ${c.layout}` });
      if (c.backgroundColor) b.style.background = c.backgroundColor;
      if (c.paddingAll) b.style.padding = /px|%/.test(c.paddingAll) ? c.paddingAll : "8px";
      if (c.flex !== undefined) b.style.flex = c.flex;
      for (const k of c.contents || []) b.append(renderFlexComponent(k));
      if (c.action) b.onclick = () => doAction(c.action);
      return b;
    }
    case "text": {
      const t = el("div", { "data-testid": "flex-text", text: c.contents ? c.contents.map((s) => s.text).join("") : c.text });
      if (c.weight === "bold") t.style.fontWeight = "bold";
      if (c.color) t.style.color = c.color;
      const sizes = { xxs: 10, xs: 11, sm: 13, md: 14, lg: 16, xl: 18, xxl: 22, "3xl": 26, "4xl": 30, "5xl": 36 };
      if (sizes[c.size]) t.style.fontSize = sizes[c.size] + "px";
      if (c.align) t.style.textAlign = c.align;
      t.style.whiteSpace = c.wrap ? "pre-wrap" : "nowrap";
      t.style.flex = c.flex !== undefined ? c.flex : "1";
      if (c.action) t.onclick = () => doAction(c.action);
      return t;
    }
    case "button": {
      const b = actionButton(c.action, `flex-button ${c.style || "link"}`, "flex-button");
      if (c.color && c.style !== "link") b.style.background = c.color;
      return b;
    }
    case "image": case "icon": {
      const i = el("img", { src: c.url, alt: "" });
      i.style.width = c.type === "icon" ? "16px" : "100%";
      return i;
    }
    case "separator": return el("hr", { class: "flex-sep" });
    case "filler": case "spacer": return el("div", { style: { flex: "1" } });
    default: return el("div", { text: `[${c.type}]` });
  }
}
function renderFlexBubble(b) {
  const d = el("div", { class: "flex-bubble", "data-testid": "flex-bubble" });
  for (const part of ["header", "hero", "body", "footer"]) {
    if (!b[part]) continue;
    const blk = el("div", { class: part === "hero" ? "" : "flex-block" }, renderFlexComponent(b[part]));
    const st = b.styles && b.styles[part];
    if (st && st.backgroundColor) blk.style.background = st.backgroundColor;
    d.append(blk);
  }
  if (b.action) d.onclick = () => doAction(b.action);
  return d;
}
function renderTemplateColumn(c, type) {
  const card = el("div", { class: "card", "data-testid": `template-${type}` });
  if (c.thumbnailImageUrl) card.append(el("img", { src: c.thumbnailImageUrl, alt: "" }));
  const body = el("div", { class: "body" });
  if (c.title) body.append(el("div", { class: "ttl", text: c.title }));
  body.append(el("div", { text: c.text }));
  card.append(body);
  for (const a of c.actions || []) card.append(actionButton(a, "", "template-action"));
  return card;
}
function renderBotMessage(m) {
  switch (m.type) {
    case "text": return el("div", { class: "bubble", text: m.text });
    case "textV2": return el("div", { class: "bubble", text: m.text.replace(/\{(\w+)\}/g, (_, k) =>
      (m.substitution && m.substitution[k] && m.substitution[k].type === "mention") ? "@user" : "😀") });
    case "image": return el("img", { src: m.previewImageUrl, alt: "image", style: { maxWidth: "200px", borderRadius: "12px" } });
    case "video": return el("a", { href: m.originalContentUrl, target: "_blank", class: "bubble", text: "▶ 動画" });
    case "audio": return el("a", { href: m.originalContentUrl, target: "_blank", class: "bubble", text: "♪ 音声" });
    case "sticker": return el("div", { class: "bubble", text: `[スタンプ ${m.packageId}/${m.stickerId}]` });
    case "location": return el("div", { class: "card", "data-testid": "location-card" },
      el("div", { class: "body" }, el("div", { class: "ttl", text: "📍 " + m.title }), el("div", { text: m.address })));
    case "imagemap": return el("img", { src: m.baseUrl + "/1040", alt: m.altText, style: { maxWidth: "240px" } });
    case "template": {
      const t = m.template;
      if (t.type === "buttons") return renderTemplateColumn(t, "buttons");
      if (t.type === "confirm") {
        const card = el("div", { class: "card", "data-testid": "template-confirm" }, el("div", { class: "body", text: t.text }));
        const row = el("div", { class: "confirm-actions" });
        for (const a of t.actions) row.append(actionButton(a, "", "template-action"));
        card.append(row);
        return card;
      }
      if (t.type === "carousel") return el("div", { class: "carousel" }, ...t.columns.map((c) => renderTemplateColumn(c, "carousel")));
      if (t.type === "image_carousel") return el("div", { class: "carousel" }, ...t.columns.map((c) =>
        el("div", { class: "card", "data-testid": "template-image-carousel" }, el("img", { src: c.imageUrl, alt: "" }),
           actionButton(c.action, "", "template-action"))));
      return el("div", { class: "bubble", text: m.altText });
    }
    case "flex": {
      const c = m.contents;
      if (c.type === "carousel") return el("div", { class: "carousel" }, ...c.contents.map(renderFlexBubble));
      return renderFlexBubble(c);
    }
    default: return el("div", { class: "bubble", text: m.altText || `[${m.type}]` });
  }
}
function renderUserEntry(e) {
  const m = e.message;
  if (e.endpoint === "follow") return el("div", { class: "system", "data-testid": "system", text: "友だち追加しました" });
  if (e.endpoint === "unfollow") return el("div", { class: "system", "data-testid": "system", text: "ブロックしました" });
  let content;
  if (m.type === "text") content = m.text;
  else if (m.type === "postback") {
    if (!m.displayText && !m.params) return null;  // postbacks without displayText show nothing
    content = m.displayText || Object.values(m.params || {}).join(" ");
  } else if (m.type === "location") content = `📍 ${m.title || ""} (${m.latitude}, ${m.longitude})`;
  else if (m.type === "image") return el("div", { class: "row user", "data-testid": "msg-user", "data-seq": e.seq },
      el("img", { src: `/sim/content/${m.id}`, alt: "photo", style: { maxWidth: "160px", borderRadius: "12px" } }));
  else if (m.type === "sticker") content = "[スタンプ]";
  else content = `[${m.type}]`;
  return el("div", { class: "row user", "data-testid": "msg-user", "data-seq": e.seq }, el("div", { class: "bubble", text: content }));
}
function renderEntry(e) {
  if (e.from === "user") return renderUserEntry(e);
  const row = el("div", { class: "row bot", "data-testid": "msg-bot", "data-seq": e.seq, "data-endpoint": e.endpoint,
                          "data-message-type": e.message.type },
                 el("div", { class: "avatar", text: "役場" }), renderBotMessage(e.message));
  return row;
}
function renderQuickReplies() {
  const q = $("quick");
  q.replaceChildren();
  const last = entries[entries.length - 1];
  // Chips belong to the latest message and vanish once the resident answers.
  if (!last || last.from !== "bot" || !last.message.quickReply) return;
  for (const item of last.message.quickReply.items) {
    const chip = actionButton(item.action, "chip", "quick-reply");
    if (item.imageUrl) chip.prepend(el("img", { src: item.imageUrl, alt: "", style: { width: "14px", marginRight: "4px" } }));
    q.append(chip);
  }
}

// ---- rich menu ----
async function refreshRichMenu() {
  const r = await sim("GET", userPath("richmenu"));
  const m = r.richMenu;
  const key = m ? m.richMenuId + (r.imageUrl || "") : "";
  if (key === menuKey) return;
  menuKey = key;
  const box = $("richmenu"), panel = $("richmenu-panel");
  if (!m) { box.hidden = true; return; }
  box.hidden = false;
  box.dataset.richMenuId = m.richMenuId;
  $("richmenu-bar").textContent = (m.chatBarText || "メニュー") + " ▾";
  panel.classList.toggle("hidden", !m.selected);
  panel.style.aspectRatio = `${m.size.width} / ${m.size.height}`;
  panel.style.backgroundImage = r.imageUrl ? `url(${r.imageUrl})` : "none";
  panel.replaceChildren();
  m.areas.forEach((a, i) => {
    const b = a.bounds;
    const btn = el("button", { class: "rm-area", "data-testid": `richmenu-area-${i}`, "data-action-type": a.action.type,
      title: a.action.label || a.action.text || a.action.data || "",
      text: r.imageUrl ? "" : (a.action.label || a.action.text || a.action.data || a.action.type),
      onclick: () => doAction(a.action).catch(alert) });
    Object.assign(btn.style, { left: `${100 * b.x / m.size.width}%`, top: `${100 * b.y / m.size.height}%`,
      width: `${100 * b.width / m.size.width}%`, height: `${100 * b.height / m.size.height}%` });
    panel.append(btn);
  });
}

// ---- polling and input ----
async function poll() {
  try {
    const r = await sim("GET", userPath(`chat?after=${lastSeq}`));
    if (r.entries.length) {
      const chat = $("chat");
      const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
      for (const e of r.entries) {
        entries.push(e);
        lastSeq = Math.max(lastSeq, e.seq);
        const node = renderEntry(e);
        if (node) chat.append(node);
      }
      renderQuickReplies();
      if (atBottom || r.entries.some((e) => e.from === "user")) chat.scrollTop = chat.scrollHeight;
    }
    following = r.following;
    $("followBtn").textContent = following ? "ブロック" : "友だち追加";
    $("inputbar").hidden = !following;
    await refreshRichMenu();
  } catch (e) { console.warn(e); }
  setTimeout(poll, 700);
}
async function sendText() {
  const t = $("text").value;
  if (!t.trim()) return;
  $("text").value = "";
  await sim("POST", userPath("text"), { text: t }).catch(alert);
}
async function showPicker() {
  $("picker").hidden = false;
  const r = await sim("GET", "/sim/users");
  $("residentList").replaceChildren(...r.users.map((u) =>
    el("div", {}, el("a", { href: `/phone?user=${u.userId}`, "data-testid": "resident-link", text: `${u.displayName} (${u.userId.slice(0, 9)}…)` }))));
  $("newResident").onclick = async () => {
    const j = await sim("POST", "/sim/users", $("newName").value ? { displayName: $("newName").value } : {});
    location.href = `/phone?user=${j.userId}`;
  };
}
async function start() {
  if (!userId) return showPicker();
  const u = await sim("GET", userPath("").replace(/\/$/, "")).catch(() => null);
  if (!u) { $("title").textContent = "住民が見つかりません"; return showPicker(); }
  $("title").textContent = `${u.displayName}`;
  $("chat").hidden = false;
  $("followBtn").hidden = false;
  $("followBtn").onclick = () => sim("POST", userPath(following ? "block" : "follow")).catch(alert);
  $("send").onclick = sendText;
  $("text").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) sendText(); });
  $("cameraBtn").onclick = () => $("photo").click();
  $("locationBtn").onclick = pickLocation;
  $("photo").onchange = async () => {
    const f = $("photo").files[0];
    if (!f) return;
    await fetch(userPath("image"), { method: "POST", headers: { "content-type": f.type || "image/jpeg" }, body: f });
    $("photo").value = "";
  };
  $("richmenu-bar").onclick = () => $("richmenu-panel").classList.toggle("hidden");
  poll();
}
start();
</script>
</body>
</html>
)HTML";
}

}  // namespace mg::linesim
