// What the live pages (the console, the participant's room, the shared screen) share: the
// server's settings, the live channel, sending safely, and small helpers for drawing and announcing.
import { io } from "../vendor/socket.io-4.8.4.esm.min.js";

/**
 * The settings the server gives the scripts (limits, labels, batch times: see
 * facilitator/client_config.py), read once from the page's `data-config` attribute.
 */
export const config = Object.freeze(JSON.parse(document.querySelector("[data-config]")?.dataset.config || "{}"));

export const $ = (id) => document.getElementById(id);

const ACK_TIMEOUT_MS = 8000;
const NO_ANSWER = "No answer from the server yet. Please check your connection and try again.";
/** What a phone says about something it keeps until it can send it. */
export const NOT_SENT = "Not sent yet. We'll keep trying as soon as you're connected.";

/** Show a short status line; `state` lets the stylesheet colour it. */
export function setStatus(element, text, state = "") {
  element.textContent = text;
  element.dataset.state = state;
}

/** Say something to screen-reader users without moving their focus. The region is emptied
 * first, so the same words said twice in a row are read out again. */
export function announce(region, text) {
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 50);
}

/**
 * An announcer for news that can come in quick succession (a round's counts, reactions): it says
 * the newest words at most once every `gapMs`, so a burst is read out once, as where it ended, and
 * never says the same words twice in a row. The first news is said at once.
 */
export function throttledAnnouncer(region, gapMs = 5000) {
  let lastSaid = 0;
  let said = "";
  let waiting = null; // the newest words, while a turn is awaited
  let timer = null;
  const sayNow = () => {
    timer = null;
    if (waiting !== null && waiting !== said) {
      said = waiting;
      lastSaid = Date.now();
      announce(region, said);
    }
    waiting = null;
  };
  return (text) => {
    waiting = text;
    if (timer === null) timer = setTimeout(sayNow, Math.max(0, lastSaid + gapMs - Date.now()));
  };
}

/**
 * How the live channel opens: straight on a WebSocket (one round trip, where long-polling first
 * and upgrading costs several), and long-polling when a WebSocket cannot open: at once when it
 * fails (tryAllTransports), and from the next attempt on when it hangs (a proxy that never
 * answers the upgrade) until the connection times out.
 */
const TRANSPORTS = { transports: ["websocket", "polling"], tryAllTransports: true };

/** Connect to a Socket.IO namespace and keep a status line up to date. */
export function connect(namespace, auth, statusElement, { onRefused } = {}) {
  const socket = io(namespace, { auth, reconnectionDelayMax: 4000, ...TRANSPORTS });
  socket.io.on("error", (error) => {
    // The attempt timed out: open the usual way from now on, polling first, then upgrading.
    if (error?.message === "timeout") socket.io.opts.transports = ["polling", "websocket"];
  });
  const reconnecting = () => setStatus(statusElement, "Reconnecting… anything you send is kept", "offline");
  socket.on("connect", () => setStatus(statusElement, "Connected", "online"));
  socket.on("disconnect", reconnecting);
  socket.on("connect_error", (error) => {
    if (socket.active) {
      reconnecting();
    } else {
      setStatus(statusElement, error.message || "We couldn't connect.", "refused");
      if (onRefused) onRefused(error.message);
    }
  });
  return socket;
}

/** Send an event and wait for its acknowledgement: resolves with it, rejects on time-out. */
export function send(socket, event, payload = {}) {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (timedOut, ack) => {
      if (timedOut) reject(new Error("timeout"));
      else resolve(ack);
    });
  });
}

/** Send an event and always resolve with an acknowledgement: no answer in time is a refusal that says so. */
export async function request(socket, event, payload = {}) {
  try {
    return await send(socket, event, payload);
  } catch {
    return { ok: false, error: NO_ANSWER };
  }
}

/** A random id made on the phone, so that a resend is recognised as the same submission. */
export function newClientId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Submissions waiting for their acknowledgement, kept in localStorage so that a dropped
 * network or a reload loses nothing. Each is sent again on every reconnect until acknowledged,
 * and every acknowledgement, also of a resend after a reload, goes to `onResult(slot, ack, payload)`.
 * Each capability keeps its own Outbox (its own storage key and handler).
 */
export class Outbox {
  constructor(socket, storageKey, onResult) {
    this.socket = socket;
    this.storageKey = storageKey;
    this.onResult = onResult;
    this.held = new Set(); // slots being sent another way (see `holding`)
    socket.on("connect", () => this.flush());
  }

  pending() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey)) || {};
    } catch {
      return {};
    }
  }

  save(items) {
    localStorage.setItem(this.storageKey, JSON.stringify(items));
  }

  /** Queue a submission under a slot (a newer one replaces an unsent older one) and send it. */
  submit(slot, event, payload) {
    const items = this.pending();
    items[slot] = { event, payload };
    this.save(items);
    return this.deliver(slot);
  }

  async deliver(slot) {
    const item = this.pending()[slot];
    if (!item || !this.socket.connected || this.held.has(slot)) return { queued: true };
    let ack;
    try {
      ack = await send(this.socket, item.event, item.payload);
    } catch {
      return { queued: true };
    }
    this.settle(slot, item.payload, ack);
    return ack;
  }

  /** A submission was acknowledged (over the socket, or another way): forget it and report. */
  settle(slot, payload, ack) {
    const items = this.pending();
    if (items[slot] && items[slot].payload.client_id === payload.client_id) {
      delete items[slot];
      this.save(items);
    }
    this.onResult(slot, ack, payload);
  }

  /**
   * Run `sending()` (sending the slot's submission another way, e.g. over HTTP) while the socket
   * leaves that slot alone; if it is still unsent afterwards, the socket sends it when it can.
   */
  async holding(slot, sending) {
    this.held.add(slot);
    try {
      return await sending();
    } finally {
      this.held.delete(slot);
      if (this.pending()[slot]) this.deliver(slot);
    }
  }

  flush() {
    for (const slot of Object.keys(this.pending())) this.deliver(slot);
  }

  forget(slot) {
    const items = this.pending();
    delete items[slot];
    this.save(items);
  }
}

// --- drawing -----------------------------------------------------------------------------------

/** Build an element with text (never HTML) and optional class. */
export function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text !== "") node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A button that runs `onClick`; `accessibleName` says what it acts on, for screen readers. */
export function actionButton(label, className, onClick, accessibleName) {
  const button = el("button", label, className);
  button.type = "button";
  if (accessibleName) button.setAttribute("aria-label", accessibleName);
  button.addEventListener("click", onClick);
  return button;
}

/** Put `nodes` into `container` in this order, moving only those out of place (a moved node loses focus). */
export function placeInOrder(container, nodes) {
  nodes.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
}

/**
 * A list drawn from a Map of entries (id -> entry, in order) that changes only what changed, so
 * that focus and a screen reader's place survive an update. An entry seen before is patched in
 * place by `update(node, entry, before)` when given, else its item is made anew by `create(entry)`;
 * items of entries gone, and anything else in the list, are removed.
 */
export function keyedList(container, { create, update = null }) {
  const drawn = new Map(); // id -> {entry, node}
  return (entries) => {
    for (const [id, { node }] of drawn) {
      if (!entries.has(id)) {
        node.remove();
        drawn.delete(id);
      }
    }
    const nodes = [];
    for (const [id, entry] of entries) {
      const seen = drawn.get(id);
      let node = seen?.node;
      if (!seen) {
        node = create(entry);
      } else if (seen.entry !== entry) {
        if (update) {
          update(node, entry, seen.entry);
        } else {
          node = create(entry);
          seen.node.replaceWith(node);
        }
      }
      drawn.set(id, { entry, node });
      nodes.push(node);
    }
    placeInOrder(container, nodes);
    while (container.children.length > nodes.length) container.lastElementChild.remove();
  };
}

/** A Map of entries by their id, in the order given. */
export const byId = (entries) => new Map(entries.map((entry) => [entry.id, entry]));
