// The web chat page: sign-in, the connection's life, and the forms. Rooms live in js/chat.js.

import { buildConnection, connectRetryDelayMs, fetchAuthConfig, fetchDevToken, ID_PATTERN, reasonOf, reconnectDelayMs, serviceRetryDelay, takeHandedOverToken, TokenSource } from "./js/api.js";
import { ChatModel } from "./js/rooms.js";
import { Chat } from "./js/chat.js";
import { Moderation } from "./js/moderation.js";
import * as view from "./js/view.js";

const $ = (id) => document.getElementById(id);
const SESSION_KEY = "chat.session";
// An outage the server names (a store restarting, a failover) usually ends within seconds; past
// this many automatic attempts (about a minute) the message goes back to the box for the user.
const MAX_SEND_ATTEMPTS = 30;

let chat = null;
let connection = null;
let edit = null;
let retry = null;
// Restarts of a closed connection in a row without one that held: sets the next restart's delay.
let restarts = 0;
let auth = { devTokens: false, signInUrl: "", userIdClaim: "sub" };

function newMessageId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID exists only on secure origins; a plain-http deployment still needs unique ids.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function signIn(event) {
  event.preventDefault();
  const name = $("login-name").value.trim();
  if (!ID_PATTERN.test(name)) {
    view.showError("login-error", "Use 1 to 64 letters, digits, underscores, dots or dashes.");
    return;
  }
  $("login-submit").disabled = true;
  try {
    const session = await fetchDevToken(name);
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    localStorage.setItem("chat.lastName", name);
    await start(session);
  } catch (err) {
    view.showError("login-error", err.message);
  } finally {
    $("login-submit").disabled = false;
  }
}

async function start(session) {
  $("login").hidden = true;
  $("app").hidden = false;
  $("me-name").textContent = session.userId;
  $("me-avatar").replaceWith(Object.assign(view.avatar(session.userId), { id: "me-avatar" }));
  const tokens = new TokenSource(session, auth.signInUrl);
  connection = buildConnection(tokens);
  chat = new Chat(new ChatModel(session.userId), connection);
  chat.onEdit = setEdit;
  chat.moderation = new Moderation(chat);
  const mine = connection;
  connection.onreconnecting(() => view.renderConnection("reconnecting"));
  connection.onreconnected(() => {
    view.renderConnection("connected");
    chat.catchUp().catch((err) => console.warn("catch-up failed:", reasonOf(err)));
  });
  connection.onclose(() => {
    if (connection !== mine) return;
    view.renderConnection("disconnected");
    setTimeout(() => connect(tokens), reconnectDelayMs(restarts++));
  });
  // A draining node asks its clients to move: closing makes onclose connect again, to a live node.
  connection.on("reconnect", () => connection.stop());
  chat.render();
  autosize();
  await connect(tokens);
}

async function connect(tokens) {
  if (!connection || connection.state !== "Disconnected") return;
  view.renderConnection("connecting");
  try {
    await connection.start();
    restarts = 0;
    view.renderConnection("connected");
    await chat.catchUp();
  } catch (err) {
    if (String(err).includes("401")) tokens.session.expiresAt = 0;
    console.warn("connect failed:", reasonOf(err));
    view.renderConnection("disconnected");
    setTimeout(() => connect(tokens), connectRetryDelayMs(err, restarts++));
  }
}

async function signOut() {
  const old = connection;
  connection = null;
  chat = null;
  sessionStorage.removeItem(SESSION_KEY);
  await old?.stop();
  location.reload();
}

function setEdit(next) {
  const wasEditing = !!edit;
  edit = next;
  const box = $("composer-text");
  $("send").textContent = edit ? "Save" : "Send";
  $("composer").classList.toggle("editing", !!edit);
  if (edit) {
    box.value = edit.text;
    box.focus();
  } else if (wasEditing) {
    // Leaving edit mode (Escape, another room) must not leave the old text to be sent as new.
    box.value = "";
  }
  autosize();
}

async function submit(event) {
  event.preventDefault();
  const box = $("composer-text");
  const text = box.value.trim();
  if (!text || !chat?.currentRoom) return;
  if (connection.state !== "Connected") {
    view.showError("send-error", "You are offline. Your message is kept here; send it again once connected.");
    return;
  }
  view.showError("send-error", "");
  if (edit) {
    const current = edit;
    setEdit(null);
    try {
      await chat.saveEdit(current, text);
    } catch (err) {
      setEdit({ ...current, text });
      view.showError("send-error", reasonOf(err));
    }
    return;
  }
  const clientMsgId = retry?.text === text ? retry.clientMsgId : newMessageId();
  retry = null;
  box.value = "";
  autosize();
  try {
    await sendRetrying(text, clientMsgId);
  } catch (err) {
    retry = { text, clientMsgId };
    if (!box.value) box.value = text;
    autosize();
    view.showError("send-error", reasonOf(err));
  }
}

/**
 * Sends, and while the server names an outage ("message store unavailable, retry in 2 s") sends
 * again with the same clientMsgId after the delay it asks for, showing why: the message is stored
 * once however many attempts it takes. Stops when the user moves to another room or the
 * connection drops (the message then goes back to the box, as for any failed send).
 */
async function sendRetrying(text, clientMsgId) {
  const roomId = chat.currentRoom.id;
  for (let attempt = 1; ; attempt++) {
    try {
      await chat.send(text, clientMsgId);
      view.showError("send-error", "");
      return;
    } catch (err) {
      const reason = reasonOf(err);
      const delay = serviceRetryDelay(reason);
      if (delay === null || attempt >= MAX_SEND_ATTEMPTS) throw err;
      view.showError("send-error", `${reason}. Sending again in ${delay} s…`);
      await new Promise((resolve) => setTimeout(resolve, delay * 1000));
      if (chat?.currentRoom?.id !== roomId || connection.state !== "Connected") throw err;
    }
  }
}

function autosize() {
  const box = $("composer-text");
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight, 200)}px`;
}

function wire() {
  $("login-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("composer").addEventListener("submit", submit);
  $("composer-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("composer").requestSubmit();
    } else if (e.key === "Escape" && edit) {
      setEdit(null);
    }
  });
  $("composer-text").addEventListener("input", () => {
    autosize();
    if ($("composer-text").value.trim() && !edit) chat?.typing();
  });
  const box = $("messages");
  let pinned = true;
  box.addEventListener("scroll", () => {
    pinned = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    if (box.scrollTop < 150) chat?.loadOlder();
  });
  // A reader at the newest message stays there when the window or the composer changes size.
  new ResizeObserver(() => {
    if (pinned) box.scrollTop = box.scrollHeight;
  }).observe(box);
  $("join-form").addEventListener("submit", (e) => sidebarAction(e, "join-room", (id) => chat.join(id)));
  $("dm-form").addEventListener("submit", (e) => sidebarAction(e, "dm-user", (id) => {
    if (id === chat.me) throw new Error("That is you. Pick someone else.");
    return chat.openDirect(id);
  }));
  $("leave").addEventListener("click", () => chat?.leave().catch((err) => view.showError("send-error", reasonOf(err))));
  document.addEventListener("visibilitychange", () => chat?.markRead(chat.currentRoom));
}

async function sidebarAction(event, inputId, action) {
  event.preventDefault();
  const input = $(inputId);
  const id = input.value.trim();
  if (!ID_PATTERN.test(id)) {
    view.showError("side-error", "Names use 1 to 64 letters, digits, underscores, dots or dashes.");
    return;
  }
  try {
    view.showError("side-error", "");
    await action(id);
    input.value = "";
    $("composer-text").focus();
  } catch (err) {
    view.showError("side-error", reasonOf(err));
  }
}

/**
 * With dev tokens (development, or a demo) anyone signs in by name and a banner says so. Without,
 * the token comes from the host application (docs/operations.md, "Signing in").
 */
async function boot() {
  wire();
  auth = await fetchAuthConfig();
  $("demo-banner").hidden = !auth.devTokens;
  $("login-form").hidden = !auth.devTokens;
  $("login-external").hidden = auth.devTokens;
  if (auth.signInUrl) $("login-external-link").href = auth.signInUrl;
  $("login-external-link").hidden = !auth.signInUrl;
  $("login-name").value = localStorage.getItem("chat.lastName") ?? "";
  const handedOver = takeHandedOverToken(auth.userIdClaim);
  if (handedOver) sessionStorage.setItem(SESSION_KEY, JSON.stringify(handedOver));
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    start(JSON.parse(saved));
  } else if (auth.devTokens) {
    $("login-name").focus();
  }
}

boot();
