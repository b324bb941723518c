// Turns the model into DOM. Every user-supplied string goes through textContent, never HTML.

import { directPeer, isDirect } from "./rooms.js";

const $ = (id) => document.getElementById(id);
const GROUP_WINDOW_MS = 5 * 60_000;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric" });

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A stable colour per name, so people are recognisable at a glance. */
export function avatar(userId, extraClass = "") {
  const node = el("span", `avatar ${extraClass}`.trim(), userId.slice(0, 1).toUpperCase());
  let hash = 0;
  for (const ch of userId) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  node.style.setProperty("--hue", String(hash % 360));
  node.setAttribute("aria-hidden", "true");
  return node;
}

export function roomLabel(room, me) {
  const peer = directPeer(room.id, me);
  return peer ?? `# ${room.id}`;
}

export function renderConnection(state) {
  const labels = {
    connecting: "Connecting…",
    connected: "Connected",
    reconnecting: "Reconnecting…",
    disconnected: "Offline",
  };
  const node = $("conn");
  node.dataset.state = state;
  node.textContent = labels[state] ?? state;
}

/**
 * Lists are rebuilt on every change; this puts keyboard focus back on the control it was on
 * (matched by its data-focus-key), so events arriving while someone tabs through do not steal it.
 */
function keepingFocus(container, rebuild) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : undefined;
  rebuild();
  if (key) container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

export function renderSidebar(model, currentId, onOpen) {
  keepingFocus($("sidebar"), () => buildSidebar(model, currentId, onOpen));
}

function buildSidebar(model, currentId, onOpen) {
  const rooms = $("room-list");
  const dms = $("dm-list");
  rooms.replaceChildren();
  dms.replaceChildren();
  for (const room of model.sortedRooms()) {
    const button = el("button", "room-link");
    button.type = "button";
    button.dataset.room = room.id;
    button.dataset.focusKey = `room:${room.id}`;
    if (room.id === currentId) button.setAttribute("aria-current", "page");
    const peer = directPeer(room.id, model.me);
    if (peer) {
      button.append(presenceDot(model.presence.get(peer)));
      button.append(el("span", "room-name", peer));
    } else {
      button.append(el("span", "hash", "#"), el("span", "room-name", room.id));
    }
    if (room.unread > 0 && room.id !== currentId) {
      const badge = el("span", "badge", room.unread > 99 ? "99+" : String(room.unread));
      badge.setAttribute("aria-label", `${room.unread} unread`);
      button.append(badge);
      button.classList.add("has-unread");
    }
    button.addEventListener("click", () => onOpen(room.id));
    const item = el("li");
    item.append(button);
    (isDirect(room.id) ? dms : rooms).append(item);
  }
  if (!rooms.children.length) rooms.append(el("li", "side-empty", "No rooms yet"));
  if (!dms.children.length) dms.append(el("li", "side-empty", "No conversations yet"));
}

function presenceDot(online) {
  const state = online === true ? "online" : online === false ? "offline" : "unknown";
  const dot = el("span", `dot ${state}`);
  dot.setAttribute("role", "img");
  dot.setAttribute("aria-label", state === "unknown" ? "status unknown" : state);
  dot.title = state === "unknown" ? "Status unknown" : state === "online" ? "Online" : "Offline";
  return dot;
}

export function renderRoomChrome(model, room) {
  const open = !!room;
  $("empty").hidden = open;
  $("room-header").hidden = !open;
  $("messages").hidden = !open;
  $("composer").hidden = !open;
  $("member-panel").hidden = !open;
  if (!open) return;
  const peer = directPeer(room.id, model.me);
  $("room-title").textContent = roomLabel(room, model.me);
  $("room-sub").textContent = peer ? "Direct message" : `${room.members.size || "–"} members`;
  $("leave").hidden = !!peer;
  $("composer-text").placeholder = peer ? `Message ${peer}` : `Message #${room.id}`;
  renderMembers(model, room);
}

export function renderMembers(model, room) {
  const list = $("member-list");
  list.replaceChildren();
  const rank = (u) => (model.presence.get(u) === true ? 0 : 1);
  const members = [...room.members].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const userId of members) {
    const item = el("li", "member");
    item.dataset.user = userId;
    const face = el("span", "face");
    face.append(avatar(userId), presenceDot(model.presence.get(userId)));
    item.append(face, el("span", "member-name", userId === model.me ? `${userId} (you)` : userId));
    list.append(item);
  }
  $("member-count").textContent = room.membersKnown ? String(room.members.size) : "";
}

/** Rebuilds the open room's message list; keeps the reader where they were. */
export function renderMessages(model, room, actions, toBottom = false) {
  keepingFocus($("messages"), () => buildMessages(model, room, actions, toBottom));
}

function buildMessages(model, room, actions, toBottom) {
  const box = $("messages");
  const list = $("message-list");
  const fromBottom = box.scrollHeight - box.scrollTop - box.clientHeight;
  const stick = toBottom || fromBottom < 40;

  const items = [];
  let previous = null;
  for (const m of room.ordered) {
    const day = new Date(m.sentAt).toDateString();
    if (!previous || new Date(previous.sentAt).toDateString() !== day) {
      items.push(dayDivider(m.sentAt));
      previous = null;
    }
    const compact = previous && previous.senderId === m.senderId &&
      Date.parse(m.sentAt) - Date.parse(previous.sentAt) < GROUP_WINDOW_MS;
    items.push(messageItem(model, room, m, compact, actions));
    previous = m;
  }
  for (const p of room.pending.values()) {
    items.push(messageItem(model, room, { ...p, senderId: model.me, seq: 0 }, previous?.senderId === model.me, actions, true));
    previous = { senderId: model.me };
  }
  const seenBy = [...room.reads].filter(([u, seq]) => u !== model.me && seq >= room.newestSeq && room.newestSeq > 0).map(([u]) => u);
  if (seenBy.length && room.ordered.at(-1)?.senderId === model.me) {
    items.push(el("li", "seen", `Seen by ${seenBy.sort().join(", ")}`));
  }
  list.replaceChildren(...items);

  $("history-status").textContent = !room.loaded ? "Loading messages…"
    : room.loadingOlder ? "Loading earlier messages…"
    : room.hasOlder ? "" : room.ordered.length ? "This is the start of the conversation." : "No messages yet. Say hello!";

  box.scrollTop = stick ? box.scrollHeight : box.scrollHeight - box.clientHeight - fromBottom;
}

function dayDivider(sentAt) {
  const item = el("li", "day");
  const date = new Date(sentAt);
  const today = new Date().toDateString() === date.toDateString();
  item.append(el("span", "", today ? "Today" : dayFormat.format(date)));
  return item;
}

function messageItem(model, room, m, compact, actions, pending = false) {
  const mine = m.senderId === model.me;
  const item = el("li", "msg");
  item.classList.toggle("compact", !!compact);
  item.classList.toggle("mine", mine);
  item.classList.toggle("pending", pending);
  item.classList.toggle("deleted", !!m.deleted);
  if (m.seq) item.dataset.seq = String(m.seq);
  item.dataset.sender = m.senderId;

  const gutter = el("div", "gutter");
  const body = el("div", "msg-body");
  const time = el("time", "msg-time", timeFormat.format(new Date(m.sentAt)));
  time.dateTime = m.sentAt;
  time.title = new Date(m.sentAt).toLocaleString();
  if (compact) {
    gutter.append(time);
  } else {
    gutter.append(avatar(m.senderId));
    const meta = el("div", "msg-meta");
    meta.append(el("span", "author", m.senderId), time);
    body.append(meta);
  }

  const text = el("p", "msg-text", m.deleted ? "This message was deleted." : m.text ?? "");
  if (m.editedAt && !m.deleted) text.append(el("span", "edited", " (edited)"));
  if (pending) text.append(el("span", "edited", " · sending…"));
  body.append(text);
  item.append(gutter, body);

  if (mine && !pending && !m.deleted) {
    const tools = el("div", "msg-tools");
    const edit = el("button", "tool", "Edit");
    edit.type = "button";
    edit.setAttribute("aria-label", `Edit message ${m.seq}`);
    edit.dataset.focusKey = `edit:${m.seq}`;
    edit.addEventListener("click", () => actions.edit(room, m));
    const remove = el("button", "tool danger", "Delete");
    remove.type = "button";
    remove.setAttribute("aria-label", `Delete message ${m.seq}`);
    remove.dataset.focusKey = `delete:${m.seq}`;
    remove.addEventListener("click", () => actions.remove(room, m));
    tools.append(edit, remove);
    item.append(tools);
  }
  return item;
}

export function renderTyping(room, me) {
  const names = room ? [...room.typing.keys()].filter((u) => u !== me).sort() : [];
  const node = $("typing");
  node.textContent =
    names.length === 0 ? "" :
    names.length === 1 ? `${names[0]} is typing…` :
    names.length === 2 ? `${names[0]} and ${names[1]} are typing…` :
    "Several people are typing…";
}

export function showError(id, message) {
  const node = $(id);
  node.textContent = message ?? "";
  clearTimeout(node._timer);
  if (message) node._timer = setTimeout(() => { node.textContent = ""; }, 8000);
}

/** Reads a new message from someone else to screen-reader users. */
/** A small labelled span (role badges, invitation text). */
export function tag(className, text) {
  return el("span", className, text);
}

/** A passing notice in the sidebar (removed from a room, muted, invited someone). */
export function showNotice(text) {
  $("side-notice").textContent = text;
}

export function announce(text) {
  $("announcer").textContent = text;
}
