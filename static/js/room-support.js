// "I need support": a private request to the facilitators, kept until delivered, with its status and replies.
import { el, newClientId, Outbox } from "./live.js";
import { $, onState, outboxKey, socket } from "./room.js";

const URGENCY = { now: "Now, please", later: "After the session is fine" };
const STATUS = {
  open: "Delivered to the facilitator ✓",
  acknowledged: "The facilitator has seen it ✓",
  resolved: "The facilitator has closed this. You can ask again any time.",
};
const QUEUED = "Not sent yet. We'll keep trying as soon as you're connected.";
const sheet = $("support-sheet");
const form = $("support-form");
const outbox = new Outbox(socket, outboxKey("support"), handleResult);
const requests = new Map();

function showSendStatus(text, state = "") {
  const status = $("support-send-status");
  status.textContent = text;
  status.dataset.state = state;
}

function requestItem(request, queued = false) {
  const item = el("li", "", `support-own-item status-${queued ? "queued" : request.status}`);
  item.append(el("p", queued ? QUEUED : STATUS[request.status], "support-own-status"));
  item.append(el("p", URGENCY[request.urgency], "muted small"));
  if (request.message) item.append(el("blockquote", request.message, "note"));
  for (const reply of request.replies || []) {
    const line = el("p", "", "support-reply");
    line.append(el("strong", "From the facilitator: "), el("span", reply.text));
    item.append(line);
  }
  return item;
}

function render() {
  const sent = [...requests.values()];
  const sentIds = new Set(sent.map((request) => request.client_id));
  const queued = Object.values(outbox.pending())
    .map((item) => item.payload)
    .filter((payload) => !sentIds.has(payload.client_id));
  const newestFirst = [...queued.map((payload) => requestItem(payload, true)), ...sent.reverse().map((request) => requestItem(request))];
  $("support-own").replaceChildren(...newestFirst);
  $("support-status").hidden = !newestFirst.length;
}

/** After a message the safety net noticed: a gentle word, and the crisis resources opened. */
function showCare() {
  $("support-care").hidden = false;
  $("crisis").open = true;
  $("crisis").scrollIntoView({ block: "start" });
}

function handleResult(_slot, ack, payload) {
  if (ack.ok) {
    requests.set(ack.request.id, ack.request);
    if (ack.flagged) showCare();
  } else {
    // Not delivered: give the words back, so nothing they wrote is lost, and say why.
    form.elements.urgency.value = payload.urgency;
    $("support-message").value = payload.message || "";
    if (!sheet.open) sheet.showModal();
    showSendStatus(ack.error, "error");
  }
  render();
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
    render();
    $("support-status").scrollIntoView({ block: "nearest" });
  }
});
$("support-open").addEventListener("click", () => {
  showSendStatus("");
  sheet.showModal();
});
$("support-cancel").addEventListener("click", () => sheet.close());

onState((state) => {
  requests.clear();
  for (const request of state.support_requests) requests.set(request.id, request);
  render();
});
socket.on("support_updated", (request) => {
  requests.set(request.id, request);
  render();
});
socket.on("session_ended", () => sheet.close());
socket.on("removed", () => sheet.close());
