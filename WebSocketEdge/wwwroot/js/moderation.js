// Room settings, roles and moderation on the page. The server decides every permission; the page
// only offers the actions the contract allows the signed-in user, and shows the server's reason
// when one is refused anyway.

import { isDirect } from "./rooms.js";
import { reasonOf } from "./api.js";
import * as view from "./view.js";

const $ = (id) => document.getElementById(id);
const MUTE_SECONDS = 600;

export class Moderation {
  constructor(chat) {
    this.chat = chat;
    this.invitations = new Map();
    this.blocked = new Set();
    this.subscribe();
    $("settings-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const room = chat.currentRoom;
      this.act(() => chat.invoke("UpdateRoom", room.id, { title: $("settings-title").value.trim() || null, inviteOnly: $("settings-invite-only").checked })
        .then((info) => { room.info = info; }));
    });
    $("invite-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const input = $("invite-user");
      const userId = input.value.trim();
      if (!userId) return;
      this.act(() => chat.invoke("Invite", chat.current, userId).then(() => {
        input.value = "";
        view.showNotice(`Invited ${userId}.`);
      }));
    });
  }

  get me() {
    return this.chat.me;
  }

  subscribe() {
    const on = (name, handler) => this.chat.connection.on(name, (payload) => { handler(payload); this.chat.render(); });
    on("roomUpdated", (info) => { const room = this.chat.model.rooms.get(info.roomId); if (room) room.info = info; });
    on("roleChanged", ({ roomId, userId, role }) => {
      const info = this.chat.model.rooms.get(roomId)?.info;
      if (!info) return;
      info.moderators = info.moderators.filter((m) => m !== userId);
      if (role === "moderator") info.moderators.push(userId);
      if (role === "owner") info.owner = userId;
      if (userId === this.me) view.showNotice(`You are now ${role} of #${roomId}.`);
    });
    on("memberKicked", (e) => this.removed(e, "removed"));
    on("memberBanned", (e) => this.removed(e, "banned"));
    on("memberMuted", ({ roomId, userId, until }) => {
      if (userId === this.me) view.showNotice(`You are muted in #${roomId} ${until ? `until ${new Date(until).toLocaleTimeString()}` : "until unmuted"}.`);
    });
    on("memberUnmuted", ({ roomId, userId }) => {
      if (userId === this.me) view.showNotice(`You may speak in #${roomId} again.`);
    });
    on("invited", ({ roomId, by }) => this.invitations.set(roomId, by));
  }

  removed({ roomId, userId, by, reason }, what) {
    const room = this.chat.model.rooms.get(roomId);
    if (userId !== this.me) {
      room?.members.delete(userId);
      return;
    }
    this.chat.model.rooms.delete(roomId);
    if (this.chat.current === roomId) this.chat.current = null;
    view.showNotice(`You were ${what} from #${roomId} by ${by}${reason ? `: ${reason}` : ""}.`);
  }

  async loadBlocked() {
    this.blocked = new Set(await this.chat.invoke("GetBlocked"));
  }

  async loadInfo(room) {
    if (isDirect(room.id) || room.draft || room.infoRequested) return;
    room.infoRequested = true;
    try {
      room.info = await this.chat.invoke("GetRoom", room.id);
    } catch (err) {
      room.infoRequested = false;
      console.warn(`room ${room.id} settings unavailable:`, reasonOf(err));
    }
    this.chat.render();
  }

  roleOf(room, userId) {
    const info = room?.info;
    if (!info) return null;
    return info.owner === userId ? "owner" : info.moderators.includes(userId) ? "moderator" : "member";
  }

  act(call) {
    view.showError("moderation-error", "");
    return call().catch((err) => view.showError("moderation-error", reasonOf(err))).finally(() => this.chat.render());
  }

  /** The settings section and, on each member of the open room's list, its role and the actions open to me. */
  render(room) {
    this.renderInvitations();
    const section = $("room-settings");
    section.hidden = !room || isDirect(room.id);
    if (section.hidden) {
      if (room) this.decorateMembers(room, null);
      return;
    }
    this.loadInfo(room);
    const info = room.info;
    const mine = this.roleOf(room, this.me);
    $("room-info").textContent = info ? `${info.title}${info.inviteOnly ? " · invite-only" : " · public"}` : "";
    const form = $("settings-form");
    form.hidden = mine !== "owner";
    if (!form.hidden && !form.contains(document.activeElement)) {
      $("settings-title").value = info.title;
      $("settings-invite-only").checked = info.inviteOnly;
    }
    $("invite-form").hidden = mine !== "owner" && mine !== "moderator";
    this.decorateMembers(room, mine);
  }

  decorateMembers(room, mine) {
    for (const item of document.querySelectorAll("#member-list li[data-user]")) {
      const userId = item.dataset.user;
      const role = this.roleOf(room, userId);
      if (role && role !== "member") item.append(view.tag(`role ${role}`, role));
      if (userId === this.me) continue;
      const actions = document.createElement("span");
      actions.className = "member-actions";
      const mayAct = mine === "owner" || (mine === "moderator" && role === "member");
      if (mayAct) {
        if (mine === "owner") {
          actions.append(role === "moderator"
            ? this.button("Demote", userId, () => this.chat.invoke("SetRole", room.id, userId, "member"))
            : this.button("Promote", userId, () => this.chat.invoke("SetRole", room.id, userId, "moderator")));
        }
        actions.append(
          this.button("Mute", userId, () => this.chat.invoke("Mute", room.id, userId, MUTE_SECONDS)),
          this.button("Kick", userId, () => this.chat.invoke("Kick", room.id, userId, "")),
          this.button("Ban", userId, () => this.chat.invoke("Ban", room.id, userId, 0, "")));
      }
      actions.append(this.blocked.has(userId)
        ? this.button("Unblock", userId, () => this.chat.invoke("Unblock", userId).then(() => this.blocked.delete(userId)))
        : this.button("Block", userId, () => this.chat.invoke("Block", userId).then(() => this.blocked.add(userId))));
      item.append(actions);
    }
  }

  button(label, userId, call) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "ghost small";
    button.textContent = label;
    button.setAttribute("aria-label", `${label} ${userId}`);
    button.dataset.focusKey = `${label}:${userId}`;
    button.addEventListener("click", () => this.act(call));
    return button;
  }

  renderInvitations() {
    const list = $("invite-list");
    list.replaceChildren();
    for (const [roomId, by] of this.invitations) {
      if (this.chat.model.rooms.has(roomId) && !this.chat.model.rooms.get(roomId).draft) {
        this.invitations.delete(roomId);
        continue;
      }
      const item = document.createElement("li");
      item.className = "invitation";
      item.append(view.tag("invitation-text", `#${roomId} from ${by}`));
      const join = document.createElement("button");
      join.type = "button";
      join.textContent = "Join";
      join.setAttribute("aria-label", `Join ${roomId}`);
      join.addEventListener("click", () => this.chat.join(roomId).then(() => this.invitations.delete(roomId))
        .catch((err) => view.showError("side-error", reasonOf(err))));
      item.append(join);
      list.append(item);
    }
    $("invitations").hidden = list.children.length === 0;
  }
}
