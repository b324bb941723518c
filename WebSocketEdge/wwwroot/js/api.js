// Talking to the node: how to sign in, dev tokens or a token handed over by the host application,
// and the hub through the official SignalR client.

export const HUB_PATH = "/hubs/chat";
const TOKEN_PATH = "/api/auth/dev-token";
const CONFIG_PATH = "/api/auth/config";
const REFRESH_BEFORE_EXPIRY_MS = 60_000;

export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Asks the node for a development token; throws an Error with the server's reason. */
export async function fetchDevToken(userId) {
  let response;
  try {
    response = await fetch(TOKEN_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ userId }),
    });
  } catch {
    throw new Error("The chat server cannot be reached. Check your connection and try again.");
  }
  if (response.status === 404) {
    throw new Error("Sign-in by name is turned off on this server.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error || body.detail || body.title || `Sign-in failed (HTTP ${response.status}).`);
  }
  return { accessToken: body.accessToken, userId: body.userId, expiresAt: Date.parse(body.expiresAt) };
}

/** How this server signs people in: { devTokens, signInUrl, userIdClaim }. */
export async function fetchAuthConfig() {
  try {
    const response = await fetch(CONFIG_PATH);
    if (response.ok) return await response.json();
  } catch {
    // Unreachable: fall through to the safe assumption (no name sign-in).
  }
  return { devTokens: false, signInUrl: "", userIdClaim: "sub" };
}

/**
 * A token the host application handed over in the address's fragment (#access_token=...; a fragment
 * never reaches a server or its logs). It is removed from the address at once, so it is not
 * bookmarked or shared. Returns a session, or null when there is none or it cannot be read.
 */
export function takeHandedOverToken(userIdClaim) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const accessToken = fragment.get("access_token");
  if (!accessToken) return null;
  history.replaceState(null, "", location.pathname + location.search);
  try {
    const part = accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")));
    const userId = claims[userIdClaim];
    if (typeof userId !== "string" || !ID_PATTERN.test(userId)) return null;
    return { accessToken, userId, expiresAt: (claims.exp ?? 0) * 1000, handedOver: true };
  } catch {
    return null;
  }
}

/**
 * Keeps a token for a user and renews a dev token shortly before it expires (reconnects need a valid
 * one). A handed-over token cannot be renewed here: the visitor goes back to the host's sign-in.
 */
export class TokenSource {
  constructor(session, signInUrl) {
    this.session = session;
    this.signInUrl = signInUrl;
  }

  async get() {
    if (Date.now() > this.session.expiresAt - REFRESH_BEFORE_EXPIRY_MS) {
      if (this.session.handedOver) {
        if (this.signInUrl) location.assign(this.signInUrl);
        throw new Error("Your sign-in has expired. Open the chat again from the application you came from.");
      }
      this.session = await fetchDevToken(this.session.userId);
      sessionStorage.setItem("chat.session", JSON.stringify(this.session));
    }
    return this.session.accessToken;
  }
}

/**
 * How long to wait before reconnect attempt number `attempt` (0 = the first). The first comes within a
 * second; later ones back off to at most 10 s. Every delay is drawn at random (the first from all of
 * its second, later ones from the upper half of their range), so the clients of a node that died, or
 * of one that asked them to move, spread their reconnects over the survivors instead of arriving in
 * lock-step.
 */
export function reconnectDelayMs(attempt) {
  if (attempt <= 0) return Math.floor(Math.random() * 1000);
  const ceiling = Math.min(10_000, 1000 * 2 ** attempt);
  return ceiling / 2 + Math.floor(Math.random() * (ceiling / 2));
}

/**
 * The delay before connect attempt number `attempt` after `error`. A node admitting connections as
 * fast as it can refuses the rest with 503 and "retry in N s" (its negotiate answer, which the page
 * can read): then the page waits N s plus up to N s more at random, so that refused clients do not
 * come back together; otherwise, or if the usual backoff is longer, it waits that.
 */
export function connectRetryDelayMs(error, attempt) {
  const backoff = reconnectDelayMs(attempt);
  const text = String((error && error.message) || error || "");
  const hint = text.includes("503") ? RETRY_IN.exec(text) : null;
  const hintMs = hint ? Number(hint[1]) * 1000 : NaN;
  if (!Number.isFinite(hintMs) || hintMs <= 0) return backoff;
  const capped = Math.min(hintMs, 30_000);
  return Math.max(backoff, capped + Math.floor(Math.random() * capped));
}

/** Retries for as long as the page is open, with the delays above. */
const retryPolicy = {
  nextRetryDelayInMilliseconds: (context) => connectRetryDelayMs(context.retryReason, context.previousRetryCount),
};

export function buildConnection(tokens) {
  const signalR = window.signalR;
  // No long polling: its connects cannot be refused with a retry hint (docs/client-contract.md,
  // "Connection storms"), and every browser the page supports has WebSockets.
  return new signalR.HubConnectionBuilder()
    .withUrl(HUB_PATH, {
      accessTokenFactory: () => tokens.get(),
      transport: signalR.HttpTransportType.WebSockets | signalR.HttpTransportType.ServerSentEvents,
    })
    .withAutomaticReconnect(retryPolicy)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
}

/** The HubException's own words ("rate limit exceeded, retry in 1.2 s") without the client's preamble. */
export function reasonOf(error) {
  const text = (error && error.message) || String(error);
  const marker = "HubException: ";
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(at + marker.length) : text;
}

/** Words the server uses when a service, not the request, failed (ChatErrorFilter): worth sending again. */
const SERVICE_REFUSAL = /unavailable|no answer from the cluster|leaving or restarting/;
const RETRY_IN = /retry in ([\d.]+) s/;

/**
 * Seconds to wait before sending the same message again, or null when an automatic retry would not
 * help (bad input, not a member, a rate limit the user should see). A refusal for an outage says
 * when to retry ("message store unavailable, retry in 2 s"); that hint is honoured, within 1-10 s.
 */
export function serviceRetryDelay(reason) {
  if (!SERVICE_REFUSAL.test(reason)) return null;
  const hint = RETRY_IN.exec(reason);
  const seconds = hint ? Number(hint[1]) : 2;
  return Math.min(10, Math.max(1, Number.isFinite(seconds) ? seconds : 2));
}
