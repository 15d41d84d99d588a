// amamibot console: draws the LINE chat and the Slack channel from the
// console's state, exactly from the JSON the bot sent, and sends what the
// simulated users and the staff do. The server does the rest.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const state = {
  version: 0,
  user: localStorage.getItem("console.user") || "",
  seen: {},            // user ID → messages seen, for unread marks
  creating: false,     // a first user is being added
  chat: { user: "", last: 0, lastFrom: "", first: 0 }, // what the chat shows
  posts: new Map(),    // Slack ts → { json, node }
  staffLoaded: false,
  typing: null,        // the typing indicator, while a turn is awaited
  poller: null,
};

// ---- Talking to the console ----

async function api(path, body, signal) {
  const init = body === undefined
    ? { cache: "no-store", signal }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  if (!res.ok) {
    let msg = `HTTP ${res.status}`;
    try { msg = (await res.json()).error || msg; } catch { /* not JSON */ }
    throw new Error(msg);
  }
  return res.status === 204 ? null : res.json();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// poll waits for each change of the state (the server holds the request
// until there is one) and draws it.
async function poll() {
  for (;;) {
    const ctrl = new AbortController();
    state.poller = ctrl;
    try {
      const s = await api(`api/state?v=${state.version}&user=${encodeURIComponent(state.user)}`, undefined, ctrl.signal);
      apply(s);
    } catch (e) {
      if (e.name !== "AbortError") await sleep(2000);
    }
  }
}

// refresh asks for the whole state now, e.g. after switching users.
function refresh() {
  state.version = 0;
  if (state.poller) state.poller.abort();
}

function toast(msg) {
  const t = $("toast");
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 5000);
}

function apply(s) {
  state.version = s.version;
  $("line-off").hidden = s.line.emulated;
  $("slack-off").hidden = s.slack.emulated;
  $("add-user").hidden = $("tips").hidden = !s.line.emulated;
  $("lead").textContent = leads[`${s.line.emulated}/${s.slack.emulated}`];
  $("channel-name").textContent = s.channel;
  if (s.line.emulated && s.users.length === 0 && !state.creating) {
    addUser();
  }
  if (s.users.length > 0 && !s.users.some((u) => u.id === state.user)) {
    select(s.users[0].id);
    return;
  }
  drawUsers(s.users);
  drawChat(s.chat);
  drawStaff(s.staff || []);
}

// What the console does, by which platforms it plays (LINE/Slack).
const leads = {
  "true/true": "LINE と Slack をこのサーバーの中で再現しています。左の利用者として話しかけ、右のスタッフとして承認してみてください。",
  "true/false": "LINE をこのサーバーの中で再現しています。紹介依頼は実際の Slack ワークスペースに届きます。",
  "false/true": "Slack をこのサーバーの中で再現しています。LINE は実際のチャネルを使っています。",
  "false/false": "LINE と Slack は実際のチャネルとワークスペースを使っています。コンソールで再現するものはありません。",
};

// ---- Users ----

// Users are told apart by colour, in the order they were added.
const palette = ["#e8743b", "#3b7de8", "#19a979", "#945ecf", "#d64e7e", "#13a4b4"];

function avatar(u, i) {
  const a = el("span", "avatar", u.name.trim().charAt(0) || "?");
  a.style.background = palette[i % palette.length];
  return a;
}

function drawUsers(users) {
  const list = $("user-list");
  list.replaceChildren();
  users.forEach((u, i) => {
    if (state.seen[u.id] === undefined || u.id === state.user) state.seen[u.id] = u.count;
    const b = el("button", "user" + (u.id === state.user ? " active" : ""));
    b.type = "button";
    b.dataset.user = u.id;
    const who = el("span", "who");
    who.append(el("b", "", u.name), el("small", "", u.id));
    b.append(avatar(u, i), who);
    const unread = u.count - state.seen[u.id];
    if (unread > 0) b.append(el("span", "badge", String(unread)));
    b.addEventListener("click", () => select(u.id));
    const li = el("li");
    li.append(b);
    list.append(li);
    if (u.id === state.user) $("chat-user").textContent = `${u.name} さんとしてトーク中`;
  });
}

function select(id) {
  state.user = id;
  localStorage.setItem("console.user", id);
  stopTyping();
  refresh();
}

async function addUser() {
  state.creating = true;
  try {
    const u = await api("api/users", {});
    select(u.id);
  } catch (e) {
    toast(e.message);
  } finally {
    state.creating = false;
  }
}

// ---- The LINE chat ----

const time = (at) => new Date(at).toLocaleTimeString("ja-JP", { hour: "2-digit", minute: "2-digit" });

function drawChat(chat) {
  const box = $("chat");
  if (!chat) {
    box.replaceChildren();
    $("quick").replaceChildren();
    state.chat = { user: "", last: 0, lastFrom: "", first: 0 };
    return;
  }
  const msgs = chat.messages || [];
  // A new user, or a chat trimmed at its start: draw it afresh.
  if (state.chat.user !== chat.id || (msgs.length && msgs[0].seq > state.chat.first)) {
    const day = el("div", "day");
    day.append(el("span", "", "今日"));
    box.replaceChildren(day);
    state.chat = { user: chat.id, last: 0, lastFrom: "", first: msgs.length ? msgs[0].seq : 0 };
    state.typing = null;
  }
  let added = false, botSpoke = false;
  for (const m of msgs) {
    if (m.seq <= state.chat.last) continue;
    const node = chatLine(m, state.chat.lastFrom);
    if (state.typing) box.insertBefore(node, state.typing); else box.append(node);
    state.chat.last = m.seq;
    state.chat.lastFrom = m.from;
    added = true;
    if (m.from === "bot") botSpoke = true;
  }
  if (botSpoke) stopTyping();
  drawQuickReplies(msgs);
  if (added) box.scrollTop = box.scrollHeight;
}

function chatLine(m, prevFrom) {
  if (m.from === "system") {
    const d = el("div", "sys");
    d.append(el("span", "", m.text));
    return d;
  }
  if (m.from === "user") {
    const row = el("div", "row me");
    const meta = el("span", "meta");
    meta.append(el("span", "", "既読"), el("span", "", time(m.at)));
    row.append(meta, el("div", "bubble", m.text));
    return row;
  }
  const row = el("div", "row bot" + (prevFrom === "bot" ? " cont" : ""));
  row.dataset.seq = m.seq;
  row.append(el("span", "bot-face", "奄"));
  const msg = m.message || {};
  let body;
  switch (msg.type) {
    case "text":
      body = el("div", "bubble", msg.text);
      break;
    case "flex":
      body = el("div", "flex-wrap");
      body.append(flex(msg.contents));
      break;
    default:
      body = el("div", "bubble fx-unknown", `（${msg.type} メッセージ: ${msg.altText || "表示できません"}）`);
  }
  const meta = el("span", "meta");
  if (m.via === "push") {
    const v = el("span", "via", "プッシュ");
    v.title = "応答トークンではなくプッシュで届きました";
    meta.append(v);
  }
  meta.append(el("span", "", time(m.at)));
  row.append(body, meta);
  return row;
}

// The quick reply of the chat's last message, while it is the bot's: LINE
// hides it once the user says something.
function drawQuickReplies(msgs) {
  const bar = $("quick");
  const last = msgs[msgs.length - 1];
  const key = last ? `${state.chat.user}:${last.seq}` : "";
  if (bar.dataset.key === key) return; // unchanged: keep the chips under the pointer
  bar.dataset.key = key;
  bar.replaceChildren();
  const items = last && last.from === "bot" && last.message && last.message.quickReply
    ? last.message.quickReply.items || [] : [];
  for (const item of items) {
    const a = item.action || {};
    const chip = el("button", "chip", a.label || "");
    chip.type = "button";
    chip.addEventListener("click", () => act(a));
    bar.append(chip);
  }
}

// ---- Flex Message, drawn from its JSON as LINE lays it out ----

const textSizes = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
const spacings = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const px = (v, table) => (v in table ? table[v] + "px" : v);

function flex(c) {
  if (!c) return el("div", "fx-unknown", "（空のメッセージ）");
  switch (c.type) {
    case "carousel": {
      const row = el("div", "carousel");
      for (const b of c.contents || []) row.append(flex(b));
      return row;
    }
    case "bubble": {
      const b = el("div", "fx-bubble");
      for (const part of ["header", "hero", "body", "footer"]) {
        if (!c[part]) continue;
        const section = el("div", "fx-" + part);
        section.append(flex(c[part]));
        b.append(section);
      }
      return b;
    }
    case "box": {
      const layout = c.layout || "vertical";
      const box = el("div", "fx-box " + layout);
      box.style.gap = px(c.spacing || "none", spacings);
      if (c.margin) box.style.marginTop = px(c.margin, spacings);
      if (c.paddingAll) box.style.padding = px(c.paddingAll, spacings);
      if (c.backgroundColor) box.style.background = c.backgroundColor;
      for (const child of c.contents || []) {
        const node = flex(child);
        // In a horizontal box LINE shares the width by flex (default 1).
        if (layout !== "vertical") node.style.flex = String(child.flex ?? 1);
        else if (child.flex) node.style.flex = String(child.flex);
        box.append(node);
      }
      return box;
    }
    case "text": {
      const t = el("div", "fx-text" + (c.wrap ? " wrap" : ""), c.text || "");
      t.style.fontSize = px(c.size || "md", textSizes);
      if (c.weight === "bold") t.style.fontWeight = "700";
      if (c.color) t.style.color = c.color;
      if (c.align) t.style.textAlign = c.align === "start" ? "left" : c.align === "end" ? "right" : "center";
      if (c.margin) t.style.marginTop = px(c.margin, spacings);
      return t;
    }
    case "button": {
      const a = c.action || {};
      const b = el("button", `fx-button ${c.style || "link"}${c.height === "sm" ? " sm" : ""}`, a.label || "");
      b.type = "button";
      if (c.color) b.style[c.style === "link" ? "color" : "background"] = c.color;
      if (c.margin) b.style.marginTop = px(c.margin, spacings);
      b.addEventListener("click", () => act(a));
      return b;
    }
    case "separator":
      return el("hr", "fx-sep");
    case "filler":
    case "spacer":
      return el("div", "");
    default:
      return el("div", "fx-unknown", `（${c.type}）`);
  }
}

// act does what tapping an action does in LINE.
function act(a) {
  switch (a.type) {
    case "postback":
      send({ kind: "postback", data: a.data, displayText: a.displayText || "" });
      break;
    case "message":
      send({ kind: "text", text: a.text });
      break;
    case "uri":
      window.open(a.uri, "_blank", "noopener");
      break;
    default:
      toast(`この種類のボタン（${a.type}）はコンソールでは押せません。`);
  }
}

async function send(input) {
  if (!state.user) return;
  startTyping();
  try {
    await api("api/send", { user: state.user, ...input });
  } catch (e) {
    stopTyping();
    toast(e.message);
  }
}

function startTyping() {
  stopTyping();
  const row = el("div", "row bot typing");
  const dots = el("div", "bubble");
  dots.append(el("i"), el("i"), el("i"));
  row.append(el("span", "bot-face", "奄"), dots);
  $("chat").append(row);
  state.typing = row;
  $("chat").scrollTop = $("chat").scrollHeight;
  clearTimeout(startTyping.timer);
  startTyping.timer = setTimeout(stopTyping, 20000); // a turn that answers nothing
}

function stopTyping() {
  if (state.typing) state.typing.remove();
  state.typing = null;
}

// ---- The Slack channel ----

function drawStaff(all) {
  const feed = $("feed");
  // Replies in a thread (a hand-off's) are drawn under the post they answer.
  const replies = new Map();
  for (const p of all) {
    if (p.thread_ts) replies.set(p.thread_ts, [...(replies.get(p.thread_ts) || []), p]);
  }
  const posts = all.filter((p) => !p.thread_ts);
  const present = new Set(posts.map((p) => p.ts));
  for (const [ts, p] of state.posts) {
    if (!present.has(ts)) { p.node.remove(); state.posts.delete(ts); }
  }
  let added = false;
  for (const p of posts) {
    const thread = replies.get(p.ts) || [];
    const json = JSON.stringify([p, thread]);
    const old = state.posts.get(p.ts);
    if (old && old.json === json) continue;
    const node = slackPost(p, thread);
    if (state.staffLoaded) node.classList.add("fresh");
    if (old) old.node.replaceWith(node); else { feed.append(node); added = true; }
    state.posts.set(p.ts, { json, node });
  }
  let empty = feed.querySelector(".empty");
  if (posts.length === 0 && !empty) {
    empty = el("p", "empty",
      "紹介依頼が届くと、ここに「承認」「見送り」のボタン付きで表示されます。\n" +
      "LINE 側で「相談する」から困りごとを送り、専門家を選んでみてください。");
    feed.append(empty);
  } else if (posts.length > 0 && empty) {
    empty.remove();
  }
  if (added) feed.scrollTop = feed.scrollHeight;
  state.staffLoaded = true;
}

function slackPost(p, thread) {
  const post = el("div", "post" + (p.ephemeral ? " ephemeral" : ""));
  post.dataset.ts = p.ts;
  post.append(el("span", "app-face", p.staff ? p.staff.slice(0, 1) : "奄"));
  const content = el("div", "content");
  const who = el("div", "who");
  if (p.staff) who.append(el("b", "", p.staff), el("time", "", time(p.at)));
  else who.append(el("b", "", "amamibot"), el("span", "app", "アプリ"), el("time", "", time(p.at)));
  content.append(who);
  if (p.ephemeral) {
    const note = el("div", "only-you", "🔒 あなただけに表示されています");
    if (p.command) note.append(" ", el("span", "cmd", p.command));
    content.append(note);
  }
  if (p.blocks && p.blocks.length) {
    for (const b of p.blocks) {
      const node = block(b, p.ts);
      if (node) content.append(node);
    }
  } else {
    content.append(mrkdwn(p.text));
  }
  if (p.edited) content.append(el("span", "edited", "（編集済み）"));
  if (thread && (thread.length || p.handoff)) content.append(threadBox(p, thread));
  post.append(content);
  return post;
}

// threadBox is a post's thread: its replies, and for a hand-off's alert a
// box to reply in, which reaches the user on LINE.
function threadBox(p, thread) {
  const box = el("div", "thread");
  box.dataset.thread = p.ts;
  for (const r of thread) box.append(slackPost(r));
  if (p.handoff) {
    const form = el("form", "thread-reply");
    const input = el("input");
    input.type = "text";
    input.placeholder = "スレッドに返信（// で始めるとスタッフ用メモ）";
    const btn = el("button", "sbtn primary", "返信");
    btn.type = "submit";
    form.append(input, btn);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      btn.disabled = true;
      try {
        await api("api/reply", { ts: p.ts, text, staff: $("staff-name").value.trim() });
        input.value = "";
      } catch (e) {
        toast(e.message);
      } finally {
        btn.disabled = false;
      }
    });
    box.append(form);
  }
  return box;
}

function block(b, ts) {
  switch (b.type) {
    case "header":
      return el("div", "blk blk-header", b.text ? b.text.text : "");
    case "section": {
      const s = el("div", "blk");
      if (b.text) s.append(textObject(b.text));
      if (b.fields && b.fields.length) {
        const grid = el("div", "blk-fields");
        for (const f of b.fields) grid.append(textObject(f));
        s.append(grid);
      }
      return s;
    }
    case "actions": {
      const row = el("div", "blk blk-actions");
      for (const e of b.elements || []) {
        if (e.type !== "button") continue;
        const btn = el("button", "sbtn " + (e.style || ""), e.text ? e.text.text : "");
        btn.type = "button";
        btn.dataset.action = e.action_id;
        btn.addEventListener("click", () => click(ts, e.action_id, row));
        row.append(btn);
      }
      return row;
    }
    case "context": {
      const c = el("div", "blk blk-context");
      for (const e of b.elements || []) if (e.text !== undefined) c.append(textObject(e));
      return c;
    }
    case "divider":
      return el("hr", "blk blk-divider");
    default:
      return null;
  }
}

function textObject(t) {
  return t.type === "mrkdwn" ? mrkdwn(t.text) : el("div", "", t.text);
}

async function click(ts, actionId, row) {
  const staff = $("staff-name").value.trim();
  for (const b of row.querySelectorAll("button")) b.disabled = true;
  try {
    await api("api/click", { ts, actionId, staff });
  } catch (e) {
    toast(e.message);
  } finally {
    // The alert is redrawn once the app updates it; until then the
    // buttons work again, as in Slack.
    for (const b of row.querySelectorAll("button")) b.disabled = false;
  }
}

// mrkdwn draws Slack's markup: *bold*, _italic_, ~strike~, `code`, > quotes
// and <…> links and mentions. Only &amp; &lt; &gt; are escaped in it.
function mrkdwn(src) {
  const out = el("div", "mrkdwn");
  let quote = null;
  for (const line of String(src || "").split("\n")) {
    if (line.startsWith(">")) {
      if (!quote) { quote = el("blockquote"); out.append(quote); } else quote.append("\n");
      appendInline(quote, line.slice(1));
      continue;
    }
    quote = null;
    if (out.lastChild && out.lastChild.nodeName !== "BLOCKQUOTE") out.append("\n");
    appendInline(out, line);
  }
  return out;
}

const escapes = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };
const decode = (s) => s.replace(/&(amp|lt|gt);/g, (m) => escapes[m]);

function appendInline(parent, text) {
  // <…> is markup; everything else is text with inline styles.
  const parts = text.split(/<([^>]*)>/);
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const [target, label] = part.split("|");
      if (target.startsWith("#")) parent.append(el("b", "", "#" + (label || target.slice(1))));
      else if (target.startsWith("@")) parent.append(el("b", "", "@" + (label || target.slice(1))));
      else if (target.startsWith("!")) parent.append(el("b", "", "@" + target.slice(1)));
      else {
        const a = el("a", "", decode(label || target));
        a.href = decode(target);
        a.target = "_blank";
        a.rel = "noopener";
        parent.append(a);
      }
      return;
    }
    styled(parent, decode(part));
  });
}

const inline = /`([^`]+)`|\*([^*\n]+)\*|~([^~\n]+)~|(?:^|(?<=[\s(]))_([^_\n]+)_(?=$|[\s).,!?])/g;

function styled(parent, text) {
  let at = 0;
  for (const m of text.matchAll(inline)) {
    parent.append(text.slice(at, m.index));
    if (m[1] !== undefined) parent.append(el("code", "", m[1]));
    else if (m[2] !== undefined) parent.append(el("b", "", m[2]));
    else if (m[3] !== undefined) parent.append(el("s", "", m[3]));
    else parent.append(el("i", "", m[4]));
    at = m.index + m[0].length;
  }
  parent.append(text.slice(at));
}

// ---- Wiring the page ----

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $("composer-input");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send({ kind: "text", text });
});

$("add-user").addEventListener("click", addUser);

$("command").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = $("command-input");
  try {
    await api("api/command", { text: input.value.trim(), staff: $("staff-name").value.trim() });
    input.value = "";
  } catch (e) {
    toast(e.message);
  }
});

const staffName = $("staff-name");
staffName.value = localStorage.getItem("console.staff") || staffName.value;
staffName.addEventListener("change", () => localStorage.setItem("console.staff", staffName.value.trim()));

function tick() {
  $("clock").textContent = new Date().toLocaleTimeString("ja-JP", { hour: "numeric", minute: "2-digit" });
}
tick();
setInterval(tick, 30000);

poll();
