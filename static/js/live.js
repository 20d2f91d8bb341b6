// The live channel shared by the console and the participant's room.

const ACK_TIMEOUT_MS = 8000;

/** Connect to a Socket.IO namespace and keep a status line up to date. */
export function connect(namespace, auth, statusElement, { onRefused } = {}) {
  const socket = window.io(namespace, { auth, reconnectionDelayMax: 4000 });
  const show = (text, state) => {
    statusElement.textContent = text;
    statusElement.dataset.state = state;
  };
  socket.on("connect", () => show("Connected", "online"));
  socket.on("disconnect", () => show("Reconnecting… anything you send is kept", "offline"));
  socket.on("connect_error", (error) => {
    if (socket.active) {
      show("Reconnecting… anything you send is kept", "offline");
    } else {
      show(error.message || "We couldn't connect.", "refused");
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
    if (!item || !this.socket.connected) return { queued: true };
    let ack;
    try {
      ack = await send(this.socket, item.event, item.payload);
    } catch {
      return { queued: true };
    }
    const items = this.pending();
    if (items[slot] && items[slot].payload.client_id === item.payload.client_id) {
      delete items[slot];
      this.save(items);
    }
    this.onResult(slot, ack, item.payload);
    return ack;
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

/** Build an element with text (never HTML) and optional class. */
export function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text !== "") node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Draw a mood distribution as ten bars. */
export function drawDistribution(container, distribution, labels = null) {
  container.replaceChildren();
  const most = Math.max(1, ...distribution);
  distribution.forEach((count, index) => {
    const column = el("div", "", "bar-column");
    const bar = el("div", "", "bar");
    bar.style.height = `${Math.round((count / most) * 100)}%`;
    const value = el("span", String(count), "bar-count");
    const label = el("span", String(index + 1), "bar-label");
    if (labels) label.title = labels[index];
    column.append(value, bar, label);
    container.append(column);
  });
  const summary = distribution.map((count, index) => `${index + 1}: ${count}`).join(", ");
  container.setAttribute("aria-label", `Mood distribution. ${summary}`);
}
