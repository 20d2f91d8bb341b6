// "I need support" on the participant's phone: a private request (kept until acknowledged), its status and replies.
//
// Slice `support` (the waiting room's too): `requests` (request id -> own request) and `unsent`
// (the Outbox's requests).
import { $, byId, el, keyedList, newClientId, NOT_SENT, setStatus } from "./live.js";
import { outbox as makeOutbox, store } from "./room.js";

const URGENCY = { now: "Now, please", later: "After the session is fine" };
const STATUS = {
  open: "Delivered to the facilitator ✓",
  acknowledged: "The facilitator has seen it ✓",
  resolved: "The facilitator has closed this. You can ask again any time.",
};
const sheet = $("support-sheet");
const form = $("support-form");
const outbox = makeOutbox("support", handleResult);
const showSendStatus = (text, state) => setStatus($("support-send-status"), text, state);

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
    actions: {
      // What this phone sent: acknowledged (`request`, or null when refused) and what still waits.
      own_request_sent: (support, { request, unsent }) => ({
        ...support,
        requests: request ? new Map(support.requests).set(request.id, request) : support.requests,
        unsent,
      }),
      own_requests_unsent: (support, unsent) => ({ ...support, unsent }),
    },
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

const drawOwn = keyedList($("support-own"), {
  create: ({ request, queued }) => requestItem(request, queued),
});
const entries = new WeakMap(); // request or unsent payload -> its list entry, made once

/** Newest first: what waits to be sent, then what the facilitator has. */
store.view(["support"], ({ support }) => {
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
});

store.view(["you", "session"], ({ you, session }) => {
  if (you.status === "removed" || session.state === "ended") sheet.close();
});

/** After a message the safety net noticed: a gentle word, and the crisis resources opened. */
function showCare() {
  $("support-care").hidden = false;
  $("crisis").open = true;
  $("crisis").scrollIntoView({ block: "start" });
}

function handleResult(_slot, ack, payload) {
  store.dispatch("own_request_sent", { request: ack.ok ? ack.request : null, unsent: outbox.pending() });
  if (ack.ok) {
    if (ack.flagged) showCare();
  } else {
    // Not delivered: give the words back, so nothing they wrote is lost, and say why.
    form.elements.urgency.value = payload.urgency;
    $("support-message").value = payload.message || "";
    if (!sheet.open) sheet.showModal();
    showSendStatus(ack.error, "error");
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showSendStatus("Sending…", "pending");
  const payload = {
    client_id: newClientId(),
    urgency: form.elements.urgency.value,
    message: $("support-message").value.trim() || null,
  };
  const result = await outbox.submit(`support-${payload.client_id}`, "request_support", payload);
  if (result.queued || result.ok) {
    form.reset();
    showSendStatus("");
    sheet.close();
    if (result.queued) store.dispatch("own_requests_unsent", outbox.pending());
    $("support-status").scrollIntoView({ block: "nearest" });
  }
});
$("support-open").addEventListener("click", () => {
  showSendStatus("");
  sheet.showModal();
});
$("support-cancel").addEventListener("click", () => sheet.close());
