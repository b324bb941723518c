// The page's model: rooms with their messages (unique per seq, kept in seq order), unread
// counts, typing users, read positions and members; plus who is online. No DOM here.

export const DIRECT_PREFIX = "dm:";
export const TYPING_SHOWN_MS = 3000;

export function isDirect(roomId) {
  return roomId.startsWith(DIRECT_PREFIX);
}

/** The other user of a direct room, or null for a public room. */
export function directPeer(roomId, me) {
  if (!isDirect(roomId)) return null;
  const [a, b] = roomId.slice(DIRECT_PREFIX.length).split(":");
  return a === me ? b : a;
}

export function directRoomId(a, b) {
  return DIRECT_PREFIX + (a < b ? `${a}:${b}` : `${b}:${a}`);
}

export class Room {
  constructor(id) {
    this.id = id;
    this.lastSeq = 0;
    this.lastRead = 0;
    this.unread = 0;
    this.members = new Set();
    this.membersKnown = false;
    // A direct room opened locally that the server does not know until its first message.
    this.draft = false;
    // Messages are only kept once the newest page was loaded, so the kept seqs never have a hole.
    this.loaded = false;
    this.loading = false;
    this.loadingOlder = false;
    this.messages = new Map();
    this.ordered = [];
    this.pending = new Map();
    this.typing = new Map();
    this.reads = new Map();
  }

  get newestSeq() {
    return this.ordered.length ? this.ordered[this.ordered.length - 1].seq : 0;
  }

  get oldestSeq() {
    return this.ordered.length ? this.ordered[0].seq : 0;
  }

  get hasOlder() {
    return this.loaded && this.oldestSeq > 1;
  }

  /** Adds or replaces messages; at-least-once delivery means the same seq may arrive twice. */
  merge(messages) {
    let changed = false;
    for (const m of messages) {
      const known = this.messages.get(m.seq);
      if (known && sameVersion(known, m)) continue;
      this.messages.set(m.seq, m);
      this.pending.delete(m.clientMsgId);
      if (m.seq > this.lastSeq) this.lastSeq = m.seq;
      changed = true;
    }
    if (changed) {
      this.ordered = [...this.messages.values()].sort((x, y) => x.seq - y.seq);
    }
    return changed;
  }

  applyEdit({ seq, text, editedAt }) {
    const m = this.messages.get(seq);
    if (!m) return false;
    this.messages.set(seq, { ...m, text, editedAt });
    this.ordered = this.ordered.map((x) => (x.seq === seq ? this.messages.get(seq) : x));
    return true;
  }

  applyDelete({ seq }) {
    const m = this.messages.get(seq);
    if (!m) return false;
    this.messages.set(seq, { ...m, text: null, deleted: true });
    this.ordered = this.ordered.map((x) => (x.seq === seq ? this.messages.get(seq) : x));
    return true;
  }

  /** Marks a user as typing for a few seconds; calls onExpire when the indicator should go away. */
  setTyping(userId, onExpire) {
    clearTimeout(this.typing.get(userId));
    this.typing.set(userId, setTimeout(() => {
      this.typing.delete(userId);
      onExpire();
    }, TYPING_SHOWN_MS));
  }

  clearTyping(userId) {
    clearTimeout(this.typing.get(userId));
    return this.typing.delete(userId);
  }
}

function sameVersion(a, b) {
  return a.text === b.text && !!a.deleted === !!b.deleted && a.editedAt === b.editedAt;
}

export class ChatModel {
  constructor(me) {
    this.me = me;
    this.rooms = new Map();
    // true = online, false = offline; filled by GetPresence when a room opens, then by presence events.
    this.presence = new Map([[me, true]]);
  }

  room(roomId) {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Room(roomId);
      const peer = directPeer(roomId, this.me);
      if (peer) {
        room.members = new Set([this.me, peer]);
        room.membersKnown = true;
      }
      this.rooms.set(roomId, room);
    }
    return room;
  }

  /** Applies GetRooms: adds rooms joined elsewhere, drops rooms left elsewhere, refreshes counts. */
  applySummaries(summaries) {
    const seen = new Set();
    for (const s of summaries) {
      const room = this.room(s.roomId);
      room.lastSeq = Math.max(room.lastSeq, s.lastSeq);
      room.lastRead = Math.max(room.lastRead, s.lastRead);
      room.unread = s.unread;
      room.draft = false;
      seen.add(s.roomId);
    }
    for (const id of [...this.rooms.keys()]) {
      if (!seen.has(id) && !this.rooms.get(id).draft) this.rooms.delete(id);
    }
  }

  /** Rooms for the sidebar: public rooms by name, then direct rooms by peer. */
  sortedRooms() {
    const label = (r) => directPeer(r.id, this.me) ?? r.id;
    return [...this.rooms.values()].sort((a, b) =>
      (isDirect(a.id) - isDirect(b.id)) || label(a).localeCompare(label(b)));
  }

  forgetPresence() {
    this.presence = new Map([[this.me, true]]);
  }

  /** A user who acts (sends, types, joins) is connected right now. */
  seen(userId) {
    this.presence.set(userId, true);
  }
}
