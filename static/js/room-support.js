// "I need support" on the participant's phone: a private request (kept until acknowledged), its status and replies.
//
// Slice `support` (the waiting room's too): `requests` (request id -> own request) and `unsent`
// (the Outbox's requests).
//
// The request goes over the live connection when there is one. When there is none (a slow
// network, the first seconds in the room), the same request is posted over HTTP to the sheet's
// own form action (facilitator/support/routes.py), which answers with the same acknowledgement;
// it stays in the Outbox until acknowledged either way, and its client id makes a resend of it a
// no-op. Without this script, the sheet is a plain form (templates/support/_request_sheet.html).
import { $, byId, el, keyedList, newClientId, NOT_SENT, setStatus } from "./live.js";
import { outbox as makeOutbox, socket, store } from "./room.js";

const URGENCY = { now: "Now, please", later: "After the session is fine" };
const STATUS = {
  open: "Delivered to the facilitator ✓",
  acknowledged: "The facilitator has seen it ✓",
  resolved: "The facilitator has closed this. You can ask again any time.",
};
const HTTP_TIMEOUT_MS = 30000;
const sheet = $("support-sheet");
const form = $("support-form");
const outbox = makeOutbox("support", handleResult);
const showSendStatus = (text, state) => setStatus($("support-send-status"), text, state);

// The changes this phone makes to its own requests (also before the first snapshot: see `change`).
const ownChanges = {
  // What this phone sent: acknowledged (`request`, or null when refused) and what still waits.
  own_request_sent: (support, { request, unsent }) => ({
    ...support,
    requests: request ? new Map(support.requests).set(request.id, request) : support.requests,
    unsent,
  }),
  own_requests_unsent: (support, unsent) => ({ ...support, unsent }),
};

store.slice(
  "support",
  (snapshot) => ({
    requests: byId(snapshot.support_requests),
    unsent: outbox.pending(),
  }),
  {
    events: {
      support_updated: (support, request) => ({ ...support, requests: new Map(support.requests).set(request.id, request) }),
    },
    actions: ownChanges,
  },
);

function requestItem(request, queued = false) {
  const item = el("li", "", `support-own-item status-${queued ? "queued" : request.status}`);
  item.append(el("p", queued ? NOT_SENT : STATUS[request.status], "support-own-status"));
  item.append(el("p", URGENCY[request.urgency], "muted small"));
  if (request.message) item.append(el("blockquote", request.message, "note"));
  for (const reply of request.replies || []) {
    const line = el("p", "", "support-reply");
    line.append(el("strong", "From the facilitator: "), el("span", reply.text));
    item.append(line);
  }
  return item;
}

// The list is a live region: an item is redrawn only when what it shows changed (the same request
// arrives both as the acknowledgement and as support_updated), so nothing is read out twice.
const drawOwn = keyedList($("support-own"), {
  create: ({ request, queued }) => requestItem(request, queued),
  update: (item, { request, queued }) => {
    const fresh = requestItem(request, queued);
    if (fresh.isEqualNode(item)) return;
    item.className = fresh.className;
    item.replaceChildren(...fresh.childNodes);
  },
});
const entries = new WeakMap(); // request or unsent payload -> its list entry, made once

/** Newest first: what waits to be sent, then what the facilitator has. */
function drawSupport(support) {
  const entry = (request, queued) => {
    if (!entries.has(request)) entries.set(request, { request, queued });
    return entries.get(request);
  };
  const sent = [...support.requests.values()];
  const sentIds = new Set(sent.map((request) => request.client_id));
  const queued = Object.values(support.unsent)
    .map((item) => item.payload)
    .filter((payload) => !sentIds.has(payload.client_id));
  const newestFirst = new Map([
    ...queued.map((payload) => [`unsent-${payload.client_id}`, entry(payload, true)]),
    ...sent.reverse().map((request) => [`request-${request.id}`, entry(request, false)]),
  ]);
  drawOwn(newestFirst);
  $("support-status").hidden = !newestFirst.size;
}
store.view(["support"], ({ support }) => drawSupport(support));

// Until the live connection's first snapshot the store holds nothing, but a request sent over
// HTTP is shown at once all the same; the snapshot, which has it too, takes over.
let beforeSnapshot = { requests: new Map(), unsent: outbox.pending() };
if (Object.keys(beforeSnapshot.unsent).length) drawSupport(beforeSnapshot);
function change(action, payload) {
  if (store.state) {
    store.dispatch(action, payload);
  } else {
    beforeSnapshot = ownChanges[action](beforeSnapshot, payload);
    drawSupport(beforeSnapshot);
  }
}

store.view(["you", "session"], ({ you, session }) => {
  if (you.status === "removed" || session.state === "ended") closeSheet();
});

// --- the sheet ---------------------------------------------------------------------------------

// Before this script ran, the button showed the sheet as a plain part of the page (#support-sheet
// as the address's target); from here on it is a modal dialog, unless it is on screen already.
const shownBeforeScript = window.location.hash === "#support-sheet" || sheet.open;
if (!shownBeforeScript) sheet.classList.add("enhanced");

function openSheet() {
  sheet.classList.add("enhanced");
  if (!sheet.open) sheet.showModal();
}

function closeSheet() {
  sheet.classList.add("enhanced");
  if (sheet.open) sheet.close();
}

/** After a message the safety net noticed: a gentle word, and the crisis resources opened. */
function showCare() {
  $("support-care").hidden = false;
  $("crisis").open = true;
  $("crisis").scrollIntoView({ block: "start" });
}

function handleResult(_slot, ack, payload) {
  change("own_request_sent", { request: ack.ok ? ack.request : null, unsent: outbox.pending() });
  if (ack.ok) {
    if (ack.flagged) showCare();
  } else {
    // Not delivered: give the words back, so nothing they wrote is lost, and say why.
    form.elements.urgency.value = payload.urgency;
    $("support-message").value = payload.message || "";
    openSheet();
    showSendStatus(ack.error, "error");
  }
}

// --- sending over HTTP while there is no live connection ----------------------------------------

/** The request posted to the form's action: its acknowledgement, or null when there was none. */
async function post(payload) {
  const body = new FormData();
  const token = form.elements.csrf_token;
  if (token) body.set("csrf_token", token.value);
  body.set("client_id", payload.client_id);
  body.set("urgency", payload.urgency);
  body.set("message", payload.message || "");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: AbortSignal.timeout ? AbortSignal.timeout(HTTP_TIMEOUT_MS) : undefined,
    });
    // Anything but the route's own answer (an error page, a proxy's) leaves it for the socket.
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) return null;
    return await response.json();
  } catch {
    return null; // no network after all: the socket sends it once it connects
  }
}

/** Send a waiting request over HTTP; the socket leaves it alone meanwhile. */
function sendOverHttp(slot) {
  return outbox.holding(slot, async () => {
    const item = outbox.pending()[slot];
    if (!item) return { queued: false };
    const ack = await post(item.payload);
    if (!ack) return { queued: true };
    outbox.settle(slot, item.payload, ack);
    return ack;
  });
}

// Requests kept from before a reload go as soon as they can, whichever way is first.
for (const slot of Object.keys(outbox.pending())) {
  if (!socket.connected) sendOverHttp(slot);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showSendStatus("Sending…", "pending");
  const payload = {
    client_id: newClientId(),
    urgency: form.elements.urgency.value,
    message: $("support-message").value.trim() || null,
  };
  const slot = `support-${payload.client_id}`;
  let result = await outbox.submit(slot, "request_support", payload);
  if (result.queued) result = await sendOverHttp(slot);
  if (result.queued || result.ok) {
    form.reset();
    showSendStatus("");
    closeSheet();
    if (result.queued) change("own_requests_unsent", outbox.pending());
    $("support-status").scrollIntoView({ block: "nearest" });
  }
});
$("support-open").addEventListener("click", (event) => {
  event.preventDefault();
  showSendStatus("");
  openSheet();
});
$("support-cancel").addEventListener("click", (event) => {
  event.preventDefault();
  closeSheet();
});
