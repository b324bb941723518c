// What happens in rooms: server events into the model, and the user's actions into hub calls.

import { directPeer, directRoomId } from "./rooms.js";
import { reasonOf } from "./api.js";
import * as view from "./view.js";

const HISTORY_PAGE = 50;
const RESUME_PAGE = 1000;
const TYPING_EVERY_MS = 2000;
// The server limits read marks with joins and typing (60 at once, then 10 a second per user): a
// busy room must not spend that allowance on one mark per arriving message.
const MARK_READ_EVERY_MS = 1000;

export class Chat {
  constructor(model, connection) {
    this.model = model;
    this.connection = connection;
    this.current = null;
    this.lastTyping = { roomId: null, at: 0 };
    this.readMarks = new Map();
    this.renderQueued = false;
    this.actions = { edit: (room, m) => this.onEditRequested(room, m), remove: (room, m) => this.remove(room, m) };
    this.onEdit = () => {};
    this.subscribe();
  }

  get me() {
    return this.model.me;
  }

  get currentRoom() {
    return this.current ? this.model.rooms.get(this.current) ?? null : null;
  }

  invoke(method, ...args) {
    return this.connection.invoke(method, ...args);
  }

  subscribe() {
    const on = (name, handler) => this.connection.on(name, (payload) => { handler(payload); this.render(); });
    on("message", (m) => this.receive(m));
    on("messageEdited", (e) => this.model.rooms.get(e.roomId)?.applyEdit(e));
    on("messageDeleted", (e) => this.model.rooms.get(e.roomId)?.applyDelete(e));
    on("typing", ({ roomId, userId }) => {
      if (userId === this.me) return;
      this.model.seen(userId);
      this.model.rooms.get(roomId)?.setTyping(userId, () => view.renderTyping(this.currentRoom, this.me));
    });
    on("memberJoined", ({ roomId, userId }) => {
      // Our own join from another tab or device shows up here too.
      const room = this.model.room(roomId);
      room.draft = false;
      room.members.add(userId);
      if (userId !== this.me) this.model.seen(userId);
    });
    on("memberLeft", ({ roomId, userId }) => {
      if (userId === this.me) {
        this.model.rooms.delete(roomId);
        if (this.current === roomId) this.current = null;
      } else {
        this.model.rooms.get(roomId)?.members.delete(userId);
      }
    });
    on("read", ({ roomId, userId, seq }) => {
      const room = this.model.rooms.get(roomId);
      if (!room) return;
      if (userId === this.me) {
        room.lastRead = Math.max(room.lastRead, seq);
        if (room.lastRead >= room.lastSeq) room.unread = 0;
      } else {
        room.reads.set(userId, Math.max(room.reads.get(userId) ?? 0, seq));
      }
    });
    on("presence", ({ userId, online }) => this.model.presence.set(userId, online));
  }

  receive(m) {
    const room = this.model.room(m.roomId);
    room.draft = false;
    const isNew = m.seq > room.lastSeq;
    if (m.senderId !== this.me) {
      this.model.seen(m.senderId);
      room.clearTyping(m.senderId);
      if (isNew && this.current === room.id) view.announce(`${m.senderId}: ${m.text ?? ""}`);
    }
    // A seq past the next one means the node skipped a gap it could not fill: fetch what is missing.
    const gapAfter = room.loaded && room.newestSeq > 0 && m.seq > room.newestSeq + 1 ? room.newestSeq : null;
    if (room.loaded || room.loading) {
      room.merge([m]);
      if (gapAfter !== null) this.fillGap(room, gapAfter);
    } else {
      room.lastSeq = Math.max(room.lastSeq, m.seq);
    }
    if (isNew && m.senderId !== this.me && !this.isViewing(room)) room.unread += 1;
    this.markRead(room);
  }

  isViewing(room) {
    return this.current === room.id && document.visibilityState === "visible";
  }

  markRead(room) {
    if (!room || !room.loaded || !this.isViewing(room) || room.lastSeq <= room.lastRead) return;
    room.lastRead = room.lastSeq;
    room.unread = 0;
    this.sendReadMark(room);
  }

  /** At most one MarkRead per room a second; a mark held back goes out at the end of that second, with the latest position. */
  sendReadMark(room) {
    let mark = this.readMarks.get(room.id);
    if (!mark) this.readMarks.set(room.id, (mark = { at: 0, timer: null }));
    if (mark.timer) return;
    const send = () => {
      mark.timer = null;
      mark.at = Date.now();
      this.invoke("MarkRead", room.id, room.lastRead).catch((err) => console.warn("MarkRead failed:", reasonOf(err)));
    };
    const wait = mark.at + MARK_READ_EVERY_MS - Date.now();
    if (wait <= 0) send();
    else mark.timer = setTimeout(send, wait);
  }

  /** After a reconnect (or a restart): rooms may have changed and messages may have been missed. */
  async catchUp() {
    this.model.applySummaries(await this.invoke("GetRooms"));
    await this.moderation?.loadBlocked();
    if (this.current && !this.model.rooms.has(this.current)) this.current = null;
    // Presence and member changes made while we were away were not delivered: forget what may be stale.
    this.model.forgetPresence();
    for (const room of this.model.rooms.values()) {
      try {
        await this.resume(room);
      } catch (err) {
        console.warn(`catching up ${room.id} failed:`, reasonOf(err));
      }
    }
    this.markRead(this.currentRoom);
    this.render();
  }

  fillGap(room, afterSeq) {
    this.invoke("Resume", room.id, afterSeq)
      .then((missed) => { room.merge(missed); this.render(); })
      .catch((err) => console.warn(`filling a gap in ${room.id} failed:`, reasonOf(err)));
  }

  async resume(room) {
    if (room.draft) return;
    if (!directPeer(room.id, this.me)) room.membersKnown = false;
    if (room.id === this.current && !room.membersKnown) {
      room.members = new Set((await this.invoke("JoinRoom", room.id)).members);
      room.membersKnown = true;
    }
    if (!room.loaded) return;
    if (room.lastSeq - room.newestSeq > RESUME_PAGE) {
      // Too much was missed to be worth replaying: start again from the newest page.
      Object.assign(room, { loaded: false, messages: new Map(), ordered: [] });
      if (room.id === this.current) await this.loadLatest(room);
      return;
    }
    room.merge(await this.invoke("Resume", room.id, room.newestSeq));
  }

  async open(roomId) {
    this.current = roomId;
    this.onEdit(null);
    const room = this.model.room(roomId);
    this.render({ toBottom: true });
    view.showError("send-error", "");
    try {
      if (!room.membersKnown && !room.draft) {
        // Joining again is harmless for a member and is the one call that lists the members.
        const joined = await this.invoke("JoinRoom", roomId);
        room.members = new Set(joined.members);
        room.membersKnown = true;
      }
      if (!room.draft) await this.loadPresence(roomId);
      if (room.draft) room.loaded = true;
      if (!room.loaded && !room.loading) await this.loadLatest(room);
      this.markRead(room);
    } catch (err) {
      view.showError("send-error", reasonOf(err));
    }
    this.render({ toBottom: true });
  }

  /** Who is online right now; later changes arrive as presence events. */
  async loadPresence(roomId) {
    try {
      for (const { userId, online } of await this.invoke("GetPresence", roomId)) {
        this.model.presence.set(userId, online);
      }
    } catch (err) {
      console.warn(`presence of ${roomId} unavailable:`, reasonOf(err));
    }
  }

  async join(roomId) {
    const joined = await this.invoke("JoinRoom", roomId);
    const room = this.model.room(joined.roomId);
    room.draft = false;
    room.members = new Set(joined.members);
    room.membersKnown = true;
    room.lastSeq = Math.max(room.lastSeq, joined.lastSeq);
    await this.open(joined.roomId);
  }

  openDirect(peer) {
    const roomId = directRoomId(this.me, peer);
    const room = this.model.room(roomId);
    if (!room.loaded && room.lastSeq === 0 && !room.loading) room.draft = true;
    return this.open(roomId);
  }

  async leave() {
    const room = this.currentRoom;
    if (!room) return;
    await this.invoke("LeaveRoom", room.id);
    this.model.rooms.delete(room.id);
    this.current = null;
    this.render();
  }

  async loadLatest(room) {
    room.loading = true;
    try {
      room.merge(await this.invoke("GetHistory", room.id, null, HISTORY_PAGE));
      room.loaded = true;
    } finally {
      room.loading = false;
    }
    this.render();
  }

  /** Infinite scroll: the next older page, while the reader is near the top. */
  async loadOlder() {
    const room = this.currentRoom;
    if (!room || !room.hasOlder || room.loadingOlder) return;
    room.loadingOlder = true;
    this.render();
    try {
      room.merge(await this.invoke("GetHistory", room.id, room.oldestSeq, HISTORY_PAGE));
    } catch (err) {
      view.showError("send-error", reasonOf(err));
    } finally {
      room.loadingOlder = false;
    }
    this.render();
  }

  /** Sends; the same clientMsgId is reused when the user retries the same text, so a retry never duplicates. */
  async send(text, clientMsgId) {
    const room = this.currentRoom;
    room.pending.set(clientMsgId, { clientMsgId, text, sentAt: new Date().toISOString() });
    this.render({ toBottom: true });
    try {
      const peer = directPeer(room.id, this.me);
      const stored = peer
        ? await this.invoke("SendDirect", peer, clientMsgId, text)
        : await this.invoke("SendMessage", room.id, clientMsgId, text);
      room.draft = false;
      room.merge([stored]);
      this.markRead(room);
    } finally {
      room.pending.delete(clientMsgId);
      this.render({ toBottom: true });
    }
  }

  typing() {
    const room = this.currentRoom;
    const now = Date.now();
    if (!room || room.draft || this.connection.state !== "Connected") return;
    if (this.lastTyping.roomId === room.id && now - this.lastTyping.at < TYPING_EVERY_MS) return;
    this.lastTyping = { roomId: room.id, at: now };
    this.invoke("Typing", room.id).catch((err) => console.warn("Typing failed:", reasonOf(err)));
  }

  onEditRequested(room, m) {
    this.onEdit({ roomId: room.id, seq: m.seq, text: m.text ?? "" });
  }

  async saveEdit(edit, text) {
    const stored = await this.invoke("EditMessage", edit.roomId, edit.seq, text);
    this.model.rooms.get(edit.roomId)?.merge([stored]);
    this.render();
  }

  async remove(room, m) {
    if (!window.confirm("Delete this message for everyone?")) return;
    try {
      await this.invoke("DeleteMessage", room.id, m.seq);
      room.applyDelete({ seq: m.seq });
    } catch (err) {
      view.showError("send-error", reasonOf(err));
    }
    this.render();
  }

  /** Coalesces bursts of events into one repaint per frame. */
  render(options = {}) {
    this.forceBottom ||= !!options.toBottom;
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      const room = this.currentRoom;
      view.renderSidebar(this.model, this.current, (id) => this.open(id));
      view.renderRoomChrome(this.model, room);
      if (room) view.renderMessages(this.model, room, this.actions, this.forceBottom);
      this.moderation?.render(room);
      view.renderTyping(room, this.me);
      const unread = [...this.model.rooms.values()].reduce((sum, r) => sum + (r.id === this.current ? 0 : r.unread), 0);
      document.title = unread ? `(${unread}) Orleans.Chat` : "Orleans.Chat";
      this.forceBottom = false;
    });
  }
}
