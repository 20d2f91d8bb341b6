// The console's support requests and safety flags: an alert stays until acknowledged, with a sound that can be muted.
import { el } from "./live.js";
import { $, act, actionButton, announce, socket } from "./console.js";

const MUTED_KEY = "stepwise-support-sound-muted";
const SOURCES = { checkin_note: "Check-in note", win: "Small win", support_message: "Support request" };
const CATEGORIES = { suicide: "suicide", self_harm: "self-harm", overdose: "overdose", harm_to_others: "harm to others" };
const baseTitle = document.title;
const requestItems = new Map(); // request id -> {node, info, status}
const flags = new Map();

// --- sound -------------------------------------------------------------------------------------

let audio = null;
let lastChimeAt = 0;

const soundOn = () => localStorage.getItem(MUTED_KEY) !== "1";

/** A soft rising chime made with the Web Audio API, played `times` over; at most one every 1.5 s. */
function chime(times = 1) {
  if (!soundOn() || Date.now() - lastChimeAt < 1500) return;
  lastChimeAt = Date.now();
  audio ??= new AudioContext();
  audio.resume();
  const notes = Array.from({ length: times }, () => [660, 880]).flat();
  notes.forEach((frequency, index) => {
    const start = audio.currentTime + index * 0.18;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, start);
    volume.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
    tone.connect(volume).connect(audio.destination);
    tone.start(start);
    tone.stop(start + 0.17);
  });
}

// Browsers let a page make sound only once someone has used it: unlock on the first tap or key.
function unlockSound() {
  audio ??= new AudioContext();
  audio.resume();
}
document.addEventListener("pointerdown", unlockSound, { once: true });
document.addEventListener("keydown", unlockSound, { once: true });

$("support-sound").checked = soundOn();
$("support-sound").addEventListener("change", (event) => {
  if (event.target.checked) localStorage.removeItem(MUTED_KEY);
  else localStorage.setItem(MUTED_KEY, "1");
});

// --- support requests --------------------------------------------------------------------------

const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const nameOf = (request) => request.name || "Someone";

function requestInfo(request) {
  const tags = el("p", "", "support-tags");
  const now = request.urgency === "now";
  tags.append(el("span", now ? "Now, please" : "After the session is fine", now ? "tag now" : "tag"));
  if (request.flagged) tags.append(el("span", "Urgent: the safety net noticed their message", "tag urgent"));
  if (request.escalated_at && request.status === "open") tags.append(el("span", "Still waiting: raised again", "tag urgent"));
  const who = el("p", "", "support-who");
  who.append(el("strong", nameOf(request)), ` asked for support at ${clock(request.created_at)}`);
  if (request.acknowledged_at) {
    who.append(` · seen by ${request.acknowledged_by || "a facilitator"} at ${clock(request.acknowledged_at)}`);
  }
  const parts = [tags, who];
  if (request.message) parts.push(el("blockquote", request.message, "note"));
  for (const reply of request.replies) parts.push(el("p", `Reply at ${clock(reply.sent_at)}: ${reply.text}`, "support-reply"));
  return parts;
}

/** A small form with one text box that sends `event` with the box's text under `field`. */
function textForm(request, { label, field, button, event, optional }) {
  const form = el("form", "", "stack support-form");
  const id = `support-${field}-${request.id}`;
  const labelNode = el("label", label);
  labelNode.htmlFor = id;
  const box = el("textarea");
  Object.assign(box, { id, rows: 2, required: !optional });
  const problem = el("p", "", "error");
  problem.setAttribute("role", "alert");
  const submit = el("button", button, "button small");
  submit.type = "submit";
  form.append(labelNode, box, submit, problem);
  form.addEventListener("submit", async (submitted) => {
    submitted.preventDefault();
    const text = box.value.trim();
    if (!text && !optional) return;
    const ack = await act(event, { request_id: request.id, [field]: optional ? text || null : text });
    problem.textContent = ack.ok ? "" : ack.error;
    if (ack.ok) box.value = "";
  });
  return form;
}

function alertCard(request) {
  const node = el("article", "", "support-alert");
  const info = el("div");
  const seen = async () => {
    const ack = await act("acknowledge_support", { request_id: request.id });
    if (ack.ok) requestItems.get(request.id)?.node.querySelector("textarea")?.focus();
  };
  node.append(info, actionButton("I've seen it", "button", seen, `I've seen ${nameOf(request)}'s request`));
  return { node, info };
}

function seeingToItem(request) {
  const node = el("li", "", "support-item");
  const info = el("div");
  const resolve = el("details", "", "support-resolve");
  resolve.append(
    el("summary", "Resolve"),
    textForm(request, {
      label: "A private note on how it went (optional; only facilitators see it)",
      field: "note",
      button: "Mark as resolved",
      event: "resolve_support",
      optional: true,
    }),
  );
  const reply = textForm(request, {
    label: `A private reply to ${nameOf(request)} (only they see it)`,
    field: "text",
    button: "Send privately",
    event: "reply_support",
  });
  node.append(info, reply, resolve);
  return { node, info };
}

/** Show a request where it belongs: an alert until acknowledged, then in the list until resolved. */
function showRequest(request) {
  let item = requestItems.get(request.id);
  if (item && (request.status === "resolved" || (item.status === "open") !== (request.status === "open"))) {
    item.node.remove();
    requestItems.delete(request.id);
    item = null;
  }
  if (request.status === "resolved") return;
  if (!item) {
    const open = request.status === "open";
    item = { ...(open ? alertCard(request) : seeingToItem(request)), status: request.status };
    (open ? $("support-alerts") : $("support-open")).append(item.node);
    requestItems.set(request.id, item);
  }
  item.status = request.status;
  item.node.classList.toggle("urgent", request.urgent);
  item.node.classList.toggle("escalated", Boolean(request.escalated_at));
  item.info.replaceChildren(...requestInfo(request));
}

// --- safety flags ------------------------------------------------------------------------------

function flagItem(flag) {
  const item = el("li", "", `safety-flag${flag.acknowledged ? " read" : ""}`);
  const who = el("p", "", "support-who");
  who.append(el("strong", flag.name || "Anonymous"), ` · ${SOURCES[flag.source] || "Text"} · ${clock(flag.created_at)}`);
  const about = flag.categories.map((category) => CATEGORIES[category] || category).join(", ");
  const why = el("details", "", "flag-why muted small");
  why.append(el("summary", `Words about ${about}`), el("p", `Phrases of the safety net it matched: ${flag.matched.join(" · ")}`));
  item.append(who, el("blockquote", flag.text, "note"), why);
  if (flag.acknowledged) {
    item.append(el("p", "Read ✓", "muted small"));
  } else {
    const read = () => act("acknowledge_flag", { flag_id: flag.id });
    item.append(actionButton("I've read it", "button small secondary", read, `I've read the flag from ${flag.name || "an anonymous text"}`));
  }
  return item;
}

function showFlags() {
  const newestFirst = [...flags.values()].sort((a, b) => b.id - a.id);
  $("safety-flags").replaceChildren(...newestFirst.map(flagItem));
}

// --- summary -----------------------------------------------------------------------------------

function summarise() {
  const statuses = [...requestItems.values()].map((item) => item.status);
  const waiting = statuses.filter((status) => status === "open").length;
  const seeing = statuses.length - waiting;
  const unread = [...flags.values()].filter((flag) => !flag.acknowledged).length;
  const parts = [];
  if (waiting) parts.push(`${waiting} waiting to be seen`);
  if (seeing) parts.push(`${seeing} you're seeing to`);
  if (unread) parts.push(`${unread} unread safety flag${unread === 1 ? "" : "s"}`);
  $("support-summary").textContent = parts.length ? parts.join(" · ") : "Nobody has asked for support.";
  $("support-open-section").hidden = !seeing;
  $("safety-flags-section").hidden = !flags.size;
  $("support-console").classList.toggle("needs-attention", waiting > 0);
  document.title = waiting + unread ? `(${waiting + unread}) ${baseTitle}` : baseTitle;
}

// --- wiring ------------------------------------------------------------------------------------

socket.on("session_state", (state) => {
  for (const item of requestItems.values()) item.node.remove();
  requestItems.clear();
  state.support_requests.forEach(showRequest);
  flags.clear();
  for (const flag of state.safety_flags) flags.set(flag.id, flag);
  showFlags();
  summarise();
});
socket.on("support_requested", (request) => {
  showRequest(request);
  summarise();
  chime(request.urgent ? 2 : 1);
});
socket.on("support_escalated", (request) => {
  showRequest(request);
  summarise();
  chime(2);
  announce(`${nameOf(request)} is still waiting for support.`);
});
socket.on("support_updated", (request) => {
  showRequest(request);
  summarise();
});
socket.on("safety_flagged", (flag) => {
  flags.set(flag.id, flag);
  showFlags();
  summarise();
  chime();
  announce(`A new safety flag from ${flag.name || "an anonymous text"}.`);
});
socket.on("safety_flag_updated", (flag) => {
  flags.set(flag.id, flag);
  showFlags();
  summarise();
});
