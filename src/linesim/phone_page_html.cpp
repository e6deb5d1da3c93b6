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
  header { background: #067a37; color: #fff; padding: 10px 12px; display: flex; align-items: center;
           gap: 8px; font-weight: bold; }
  header .title { flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  header button { background: rgba(0,0,0,.3); color: #fff; border: 0; border-radius: 12px;
                  padding: 4px 10px; font-size: 12px; cursor: pointer; }
  #chat { flex: 1; overflow-y: auto; padding: 10px 8px; display: flex; flex-direction: column; gap: 8px; }
  .row { display: flex; align-items: flex-end; gap: 6px; }
  .row.user { justify-content: flex-end; }
  .avatar { width: 32px; height: 32px; border-radius: 50%; background: #067a37; color: #fff;
            font-size: 12px; display: flex; align-items: center; justify-content: center; flex: none; }
  .bubble { max-width: 75%; padding: 8px 11px; border-radius: 16px; white-space: pre-wrap;
            word-break: break-word; font-size: 14px; line-height: 1.4; background: #fff; }
  .row.user .bubble { background: #85e249; }
  .time { font-size: 10px; color: #eef; }
  .system { align-self: center; background: rgba(0,0,0,.6); color: #fff; font-size: 11px;
            padding: 3px 10px; border-radius: 10px; }
  .card { background: #fff; border-radius: 14px; overflow: hidden; width: 240px; font-size: 14px; }
  .card img { width: 100%; display: block; }
  .card .body { padding: 10px 12px; }
  .card .ttl { font-weight: bold; margin-bottom: 4px; }
  .card button { display: block; width: 100%; border: 0; border-top: 1px solid #eee;
           background: #fff; color: #2a6fdb; padding: 10px; font-size: 14px; cursor: pointer; }
  .confirm-actions { display: flex; }
  .confirm-actions button { border-left: 1px solid #eee; }
  .carousel { display: flex; gap: 8px; overflow-x: auto; max-width: 100%; padding-bottom: 4px; }
  .carousel > * { flex: none; }
  .flex-bubble { background: #fff; border-radius: 14px; overflow: hidden; max-width: 100%; font-size: 14px;
                 line-height: 1.4; color: #111; }
  .flex-block { display: flex; flex-direction: column; }
  .flex-box { display: flex; min-width: 0; }
  .flex-box.vertical { flex-direction: column; }
  .flex-box.horizontal, .flex-box.baseline { flex-direction: row; }
  .flex-box.baseline { align-items: baseline; }
  .flex-text { min-width: 0; }
  .flex-image { width: 100%; display: block; }
  .flex-button { display: flex; align-items: center; justify-content: center; width: 100%;
                 border: 0; border-radius: 8px; padding: 0 8px; font-size: 16px; cursor: pointer;
                 background: transparent; color: #42659a; }
  .flex-button.md { min-height: 52px; }
  .flex-button.sm { min-height: 44px; }
  .flex-button.primary { background: #067a37; color: #fff; }  /* LINE's #17c950 fails contrast */
  .flex-button.secondary { background: #dcdfe5; color: #111; }
  .flex-sep { flex: none; border: 0 solid #d4d6da; }
  .flex-sep.across { border-top-width: 1px; width: 100%; align-self: stretch; }
  .flex-sep.down { border-left-width: 1px; align-self: stretch; }
  #quick { display: flex; gap: 6px; overflow-x: auto; padding: 6px 8px; min-height: 0; }
  #quick:empty { display: none; }
  .chip { flex: none; background: #fff; border: 1px solid #067a37; color: #067a37; border-radius: 16px;
          padding: 6px 12px; font-size: 13px; cursor: pointer; white-space: nowrap; min-height: 44px; }
  #inputbar { display: flex; gap: 6px; padding: 8px; background: #fff; align-items: center; }
  #inputbar input[type=text] { flex: 1; border: 1px solid #ddd; border-radius: 18px; padding: 8px 12px; font-size: 14px; }
  #inputbar button { border: 0; background: none; font-size: 18px; cursor: pointer; }
  #inputbar button small { font-size: 10px; color: #555; }
  #send { color: #067a37; font-weight: bold; font-size: 14px !important; }
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
  <div id="chat" data-testid="chat" role="log" aria-label="トーク" tabindex="0" hidden></div>
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
// Flex messages are laid out as the LINE app does (developers.line.biz "Flex Message layout"):
// children of horizontal/baseline boxes share the width by `flex` (default 1, basis 0) and
// children of vertical boxes keep their natural height (default flex 0); `spacing` and `margin`
// put space before a child; separators are lines across the other axis; text wraps only with
// wrap: true (else one line, cut with …).
const FLEX_SPACE = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const FLEX_TEXT = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
const FLEX_BUBBLE = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };
const flexLength = (v) => v === undefined ? undefined : (v in FLEX_SPACE ? FLEX_SPACE[v] + "px" : v);
function flexBox(c) {
  const b = el("div", { class: `flex-box ${c.layout}`, "data-testid": "flex-box", "data-layout": c.layout });
  const st = b.style;
  if (c.backgroundColor) st.background = c.backgroundColor;
  if (c.cornerRadius) st.borderRadius = flexLength(c.cornerRadius);
  if (c.borderColor || c.borderWidth) {
    st.borderStyle = "solid";
    st.borderColor = c.borderColor || "#000";
    st.borderWidth = { none: "0", light: "0.5px", normal: "1px", medium: "2px", "semi-bold": "3px", bold: "4px" }[c.borderWidth] || c.borderWidth || "1px";
  }
  for (const [k, css] of [["paddingAll", "padding"], ["paddingTop", "paddingTop"], ["paddingBottom", "paddingBottom"],
                          ["paddingStart", "paddingLeft"], ["paddingEnd", "paddingRight"]])
    if (c[k]) st[css] = flexLength(c[k]);
  if (c.justifyContent) st.justifyContent = c.justifyContent;
  if (c.alignItems) st.alignItems = c.alignItems;
  if (c.width) st.width = c.width;
  if (c.height) st.height = c.height;
  const kids = c.contents || [];
  kids.forEach((k, i) => {
    const node = renderFlexComponent(k, c.layout);
    // spacing goes between children; a child's own margin wins (separators included)
    const gap = k.margin !== undefined ? flexLength(k.margin) : (i > 0 && c.spacing ? flexLength(c.spacing) : undefined);
    if (i > 0 && gap) node.style[c.layout === "vertical" ? "marginTop" : "marginLeft"] = gap;
    b.append(node);
  });
  if (c.action) { b.onclick = () => doAction(c.action).catch(alert); b.style.cursor = "pointer"; }
  return b;
}
function flexText(c, parentLayout) {
  const t = el("div", { class: "flex-text", "data-testid": "flex-text" });
  if (c.contents && c.contents.length) {
    for (const sp of c.contents) {
      const s = el("span", { text: sp.text || "" });
      if (sp.weight === "bold") s.style.fontWeight = "bold";
      if (sp.color) s.style.color = sp.color;
      if (FLEX_TEXT[sp.size]) s.style.fontSize = FLEX_TEXT[sp.size] + "px";
      if (sp.decoration === "line-through" || sp.decoration === "underline") s.style.textDecoration = sp.decoration;
      t.append(s);
    }
  } else t.textContent = c.text;
  const st = t.style;
  if (c.weight === "bold") st.fontWeight = "bold";
  if (c.style === "italic") st.fontStyle = "italic";
  if (c.decoration === "line-through" || c.decoration === "underline") st.textDecoration = c.decoration;
  st.color = c.color || "#111111";
  st.fontSize = (FLEX_TEXT[c.size] || FLEX_TEXT.md) + "px";
  if (/px$/.test(c.size || "")) st.fontSize = c.size;
  if (c.align) st.textAlign = { start: "left", end: "right", center: "center" }[c.align] || "left";
  if (c.gravity && parentLayout !== "vertical") st.alignSelf = { top: "flex-start", center: "center", bottom: "flex-end" }[c.gravity];
  if (c.lineSpacing) st.lineHeight = `calc(1.4em + ${c.lineSpacing})`;
  if (c.wrap) {
    st.whiteSpace = "pre-wrap";
    st.overflowWrap = "anywhere";
    if (c.maxLines > 0) Object.assign(st, { display: "-webkit-box", webkitBoxOrient: "vertical", webkitLineClamp: String(c.maxLines), overflow: "hidden" });
  } else Object.assign(st, { whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" });
  if (c.action) { t.onclick = () => doAction(c.action).catch(alert); st.cursor = "pointer"; }
  return t;
}
function renderFlexComponent(c, parentLayout) {
  let node;
  switch (c.type) {
    case "box": node = flexBox(c); break;
    case "text": node = flexText(c, parentLayout); break;
    case "button": {
      node = actionButton(c.action, `flex-button ${c.style || "link"} ${c.height === "sm" ? "sm" : "md"}`, "flex-button");
      if (c.color) node.style[c.style === "link" || !c.style ? "color" : "background"] = c.color;
      if (c.gravity && parentLayout !== "vertical") node.style.alignSelf = { top: "flex-start", center: "center", bottom: "flex-end" }[c.gravity];
      break;
    }
    case "image": {
      node = el("img", { src: c.url, alt: "", class: "flex-image" });
      if (c.aspectRatio) node.style.aspectRatio = c.aspectRatio.replace(":", " / ");
      node.style.objectFit = c.aspectMode === "cover" ? "cover" : "contain";
      break;
    }
    case "icon": node = el("img", { src: c.url, alt: "", style: { width: "1em", height: "1em" } }); break;
    case "separator": {
      node = el("div", { class: `flex-sep ${parentLayout === "vertical" ? "across" : "down"}`, "data-testid": "flex-separator" });
      if (c.color) node.style.borderColor = c.color;
      return node;  // a line: never grows
    }
    case "filler": node = el("div"); break;
    case "spacer": node = el("div", { style: { height: flexLength(c.size || "md") } }); return node;
    default: node = el("div", { text: `[${c.type}]` });
  }
  if (parentLayout) {
    const horizontal = parentLayout !== "vertical";
    const grow = c.flex !== undefined ? c.flex : (horizontal ? 1 : 0);
    node.style.flex = c.width && horizontal ? "none" : horizontal ? `${grow} 0 0` : `${grow} 0 auto`;
    node.style.minWidth = "0";
    if (c.width) node.style.width = c.width;
  }
  return node;
}
function renderFlexBubble(b) {
  const d = el("div", { class: "flex-bubble", "data-testid": "flex-bubble" });
  d.style.width = (FLEX_BUBBLE[b.size] || FLEX_BUBBLE.mega) + "px";
  const padding = { header: "20px", hero: "0", body: "20px", footer: "10px" };
  for (const part of ["header", "hero", "body", "footer"]) {
    if (!b[part]) continue;
    const blk = el("div", { class: `flex-block ${part}`, "data-testid": `flex-${part}` }, renderFlexComponent(b[part], "vertical"));
    blk.style.padding = padding[part];
    const st = b.styles && b.styles[part];
    if (st && st.backgroundColor) blk.style.background = st.backgroundColor;
    if (st && st.separator) blk.style.borderTop = `1px solid ${st.separatorColor || "#ddd"}`;
    d.append(blk);
  }
  if (b.action) d.onclick = () => doAction(b.action).catch(alert);
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
      "aria-label": a.action.label || a.action.text || a.action.displayText || `エリア ${i + 1}`,
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
