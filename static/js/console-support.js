// The console's support requests and safety flags: an alert stays until acknowledged, with a sound that can be muted.
// One person's waiting requests share one alert card, and one person's safety flags one entry, so
// that someone who asks again and again is seen as one person, not a flood.
//
// Slice `support`: `requests` (request id -> request entry, until resolved) and `flags`
// (flag id -> flag entry). The cards, "Seeing to" items and flag entries drawn from it are kept
// here with what they need between updates (when they last sounded, whether "earlier" is open).
import { $, actionButton, announce, byId, config, el, placeInOrder } from "./live.js";
import { act, store } from "./console.js";

const MUTED_KEY = "stepwise-support-sound-muted";
const SOURCES = { checkin_note: "Check-in note", win: "Small win", support_message: "Support request" };
const CATEGORIES = { suicide: "suicide", self_harm: "self-harm", overdose: "overdose", harm_to_others: "harm to others" };
// Another request on the same card within this long updates the card quietly (unless more urgent).
const QUIET_REPEAT_MS = 5000;
// Alerts arriving together (a flagged message brings a flag and a request) make one sound and one announcement.
const GATHER_MS = 250;
const baseTitle = document.title;
const cards = new Map(); // person key -> alert card of their waiting requests
const seeingTo = new Map(); // request id -> {node, info, request} in "Seeing to"
const flagGroups = new Map(); // person key (or one anonymous flag) -> {node, ...}

/** A request as it is now: kept until resolved. */
function keepRequest(support, request) {
  const requests = new Map(support.requests);
  if (request.status === "resolved") requests.delete(request.id);
  else requests.set(request.id, request);
  return { ...support, requests };
}

const keepFlag = (support, flag) => ({ ...support, flags: new Map(support.flags).set(flag.id, flag) });

store.slice(
  "support",
  (snapshot) => ({
    requests: byId(snapshot.support_requests),
    flags: byId(snapshot.safety_flags),
  }),
  {
    events: {
      support_requested: keepRequest,
      support_escalated: keepRequest,
      support_updated: keepRequest,
      safety_flagged: keepFlag,
      safety_flag_updated: keepFlag,
    },
  },
);

// --- sound and announcements -------------------------------------------------------------------

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

let gathered = null;

/** Sound and announce an alert; alerts within GATHER_MS of each other become one. */
function raiseAlert(text, times) {
  if (!gathered) {
    gathered = { texts: [], times: 1 };
    setTimeout(() => {
      const { texts, times: most } = gathered;
      gathered = null;
      chime(most);
      announce($("support-announcer"), texts.join(" "));
    }, GATHER_MS);
  }
  if (!gathered.texts.includes(text)) gathered.texts.push(text);
  gathered.times = Math.max(gathered.times, times);
}

/** Alert once per update of a card or flag entry: quiet for repeats within a few seconds, unless more urgent. */
function alertFor(target, text, times, level) {
  const now = Date.now();
  if (now - (target.alertedAt || 0) < QUIET_REPEAT_MS && level <= (target.alertedLevel ?? -1)) return;
  target.alertedAt = now;
  target.alertedLevel = level;
  raiseAlert(text, times);
  for (const animation of target.node.getAnimations()) {
    animation.cancel();
    animation.play();
  }
}

// --- shared pieces -----------------------------------------------------------------------------

const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const nameOf = (entry) => entry.name || "Someone";
const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;
const byAge = (a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id;

/** Entries grouped by the person they came from (in the order given); `single(entry)` keys one without a person. */
function groupByPerson(entries, single) {
  const groups = new Map();
  for (const entry of entries) {
    const key = entry.participant_id == null ? single(entry) : `person-${entry.participant_id}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(entry);
  }
  return groups;
}

/** Requests nobody has acknowledged yet, by person. */
const waitingByPerson = (requests) =>
  groupByPerson(requests.filter((request) => request.status === "open"), (request) => `request-${request.id}`);

/** A collapsible list of older entries, that stays open or closed across updates. */
function earlierList(holder, summary, items) {
  const details = el("details", "", "support-earlier");
  details.open = Boolean(holder.earlierOpen);
  details.addEventListener("toggle", () => (holder.earlierOpen = details.open));
  const list = el("ol", "", "support-earlier-list");
  list.append(...items.map((parts) => {
    const item = el("li");
    item.append(...parts);
    return item;
  }));
  details.append(el("summary", summary), list);
  return details;
}

// --- waiting requests: one alert card per person -----------------------------------------------

const urgencyLevel = (request) => (request.flagged ? 2 : request.urgency === "now" ? 1 : 0);

/** When it was asked and how urgently, then the message: one request on an alert card. */
function requestLines(request) {
  const when = el("p", "", "support-when small");
  when.append(`${clock(request.created_at)} · ${request.urgency === "now" ? "Now, please" : "After the session is fine"}`);
  if (request.flagged) when.append(" · the safety net noticed this message");
  const parts = [when];
  parts.push(request.message ? el("blockquote", request.message, "note") : el("p", "No message.", "muted small"));
  return parts;
}

function cardInfo(card, waiting) {
  const newest = waiting[waiting.length - 1];
  const level = Math.max(...waiting.map(urgencyLevel));
  const tags = el("p", "", "support-tags");
  const now = waiting.some((request) => request.urgency === "now");
  tags.append(el("span", now ? "Now, please" : "After the session is fine", now ? "tag now" : "tag"));
  if (level === 2) tags.append(el("span", "Urgent: the safety net noticed their message", "tag urgent"));
  if (waiting.some((request) => request.escalated_at)) tags.append(el("span", "Still waiting: raised again", "tag urgent"));
  const who = el("p", "", "support-who");
  who.append(el("strong", nameOf(newest)));
  if (waiting.length === 1) {
    who.append(` asked for support at ${clock(newest.created_at)}`);
    return [tags, who, ...(newest.message ? [el("blockquote", newest.message, "note")] : [])];
  }
  who.append(" asked for support ", el("span", `${waiting.length} times`, "support-count"), `, the latest at ${clock(newest.created_at)}`);
  const older = waiting.slice(0, -1).reverse();
  return [tags, who, ...requestLines(newest), earlierList(card, `${plural(older.length, "earlier request")}`, older.map(requestLines))];
}

async function acknowledgeCard(card) {
  const ids = card.waiting.map((request) => request.id);
  card.button.disabled = true;
  const acks = await Promise.all(ids.map((id) => act("acknowledge_support", { request_id: id })));
  card.button.disabled = false;
  if (!acks.every((ack) => ack.ok)) return;
  // Focus where the work goes on: the reply to the newest request, or this card if someone asked again meanwhile.
  const again = cards.get(card.key);
  if (again) again.button.focus();
  else seeingTo.get(ids[ids.length - 1])?.node.querySelector("textarea")?.focus();
}

function newCard(key) {
  const card = { key, node: el("article", "", "support-alert"), info: el("div"), signature: "" };
  card.button = actionButton("I've seen it", "button", () => acknowledgeCard(card));
  card.node.append(card.info, card.button);
  return card;
}

function showCard(key, waiting) {
  const card = cards.get(key) ?? newCard(key);
  cards.set(key, card);
  card.waiting = waiting;
  const signature = JSON.stringify(waiting);
  if (signature === card.signature) return card;
  card.signature = signature;
  const name = nameOf(waiting[waiting.length - 1]);
  card.button.textContent = waiting.length === 1 ? "I've seen it" : "I've seen them";
  card.button.setAttribute("aria-label", waiting.length === 1 ? `I've seen ${name}'s request` : `I've seen ${name}'s ${waiting.length} requests`);
  card.node.classList.toggle("urgent", waiting.some((request) => request.urgent));
  card.node.classList.toggle("escalated", waiting.some((request) => request.escalated_at));
  card.info.replaceChildren(...cardInfo(card, waiting));
  return card;
}

// --- requests being seen to --------------------------------------------------------------------

function requestInfo(request) {
  const tags = el("p", "", "support-tags");
  const now = request.urgency === "now";
  tags.append(el("span", now ? "Now, please" : "After the session is fine", now ? "tag now" : "tag"));
  if (request.flagged) tags.append(el("span", "Urgent: the safety net noticed their message", "tag urgent"));
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
function textForm(request, { label, field, button, event, optional, maxLength }) {
  const form = el("form", "", "stack support-form");
  const id = `support-${field}-${request.id}`;
  const labelNode = el("label", label);
  labelNode.htmlFor = id;
  const box = el("textarea");
  Object.assign(box, { id, rows: 2, required: !optional, maxLength });
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
      maxLength: config.support_note_max_length,
    }),
  );
  const reply = textForm(request, {
    label: `A private reply to ${nameOf(request)} (only they see it)`,
    field: "text",
    button: "Send privately",
    event: "reply_support",
    maxLength: config.support_reply_max_length,
  });
  node.append(info, reply, resolve);
  return { node, info };
}

/** Waiting requests as one alert card per person; acknowledged ones in "Seeing to" until resolved. */
function showRequests(requests) {
  const unresolved = [...requests.values()].sort(byAge);
  const waiting = waitingByPerson(unresolved);
  for (const [key, card] of cards) {
    if (!waiting.has(key)) {
      card.node.remove();
      cards.delete(key);
    }
  }
  placeInOrder($("support-alerts"), [...waiting].map(([key, group]) => showCard(key, group).node));

  const seen = unresolved.filter((request) => request.status !== "open");
  for (const [id, item] of seeingTo) {
    if (!seen.some((request) => request.id === id)) {
      item.node.remove();
      seeingTo.delete(id);
    }
  }
  for (const request of seen) {
    if (!seeingTo.has(request.id)) seeingTo.set(request.id, seeingToItem(request));
    const item = seeingTo.get(request.id);
    if (item.request !== request) item.info.replaceChildren(...requestInfo(request));
    item.request = request;
  }
  // Oldest first, whatever order the acknowledgements came back in.
  placeInOrder($("support-open"), seen.map((request) => seeingTo.get(request.id).node));
}

const cardOf = (request) => cards.get(request.participant_id == null ? `request-${request.id}` : `person-${request.participant_id}`);

// --- safety flags: one entry per person (anonymous flags each on their own) --------------------

// A flag whose writer said they would not act on it is "lower"; any other (or one from before
// urgency was recorded) is urgent, so that a missing field never makes a flag look calmer.
const isUrgent = (flag) => flag.urgency !== "lower";
const LOWER_URGENCY = "Lower urgency: they said they would not act on it — still worth a gentle check-in";

/** Why the screen flagged it, in plain words (its categories for a flag from before reasons were kept). */
function reasonsOf(flag) {
  return flag.reasons?.length ? flag.reasons : flag.categories.map((category) => CATEGORIES[category] || category);
}

const flagReasons = (flag) => el("p", `Why it was flagged: ${reasonsOf(flag).join(", ")}`, "flag-reasons");

/** How urgent, in words: urgent, or lower and why, kindly; for `count` flags of one person, their highest. */
function urgencyLine(urgent, count = 1) {
  const line = el("p", "", `flag-urgency${urgent ? " urgent" : " lower"}`);
  line.append(urgent ? el("span", "Urgent", "tag urgent") : LOWER_URGENCY);
  if (count > 1) line.append(el("span", ` (the highest of their ${count} flags)`, "small"));
  return line;
}

function flagWhy(flag) {
  const about = flag.categories.map((category) => CATEGORIES[category] || category).join(", ");
  const why = el("details", "", "flag-why muted small");
  why.append(el("summary", `Words about ${about}`), el("p", `Phrases of the safety net it matched: ${flag.matched.join(" · ")}`));
  return why;
}

/** One of a person's several flags: when, its own urgency and reasons, the text. */
function flagLines(flag) {
  const when = el("p", `${SOURCES[flag.source] || "Text"} · ${clock(flag.created_at)}`, "support-when small");
  if (!flag.acknowledged) when.append(" ", el("span", "Unread", "tag now"));
  when.append(" ", isUrgent(flag) ? el("span", "Urgent", "tag urgent") : el("span", "Lower urgency", "tag"));
  return [when, flagReasons(flag), el("blockquote", flag.text, "note"), flagWhy(flag)];
}

async function readFlags(group) {
  const unread = group.flags.filter((flag) => !flag.acknowledged);
  const acks = await Promise.all(unread.map((flag) => act("acknowledge_flag", { flag_id: flag.id })));
  if (acks.every((ack) => ack.ok)) group.node.focus();
}

function flagGroupContent(group) {
  const [newest, ...older] = group.flags; // newest first
  const name = newest.name || "Anonymous";
  const unread = group.flags.filter((flag) => !flag.acknowledged).length;
  const who = el("p", "", "support-who");
  who.append(el("strong", name));
  if (!older.length) {
    who.append(` · ${SOURCES[newest.source] || "Text"} · ${clock(newest.created_at)}`);
    return [urgencyLine(isUrgent(newest)), who, flagReasons(newest), el("blockquote", newest.text, "note"), flagWhy(newest), flagAction(group, unread)];
  }
  who.append(" · ", el("span", plural(group.flags.length, "flag"), "support-count"), `, the latest at ${clock(newest.created_at)}`);
  const earlier = earlierList(group, plural(older.length, "earlier flag"), older.map(flagLines));
  // The person's highest urgency leads; each flag keeps its own reasons and urgency below.
  return [urgencyLine(group.flags.some(isUrgent), group.flags.length), who, ...flagLines(newest), earlier, flagAction(group, unread)];
}

function flagAction(group, unread) {
  if (!unread) return el("p", "Read ✓", "muted small");
  const newest = group.flags[0];
  const label = group.flags.length > 1 ? "I've read them" : "I've read it";
  const whose = !newest.name ? "an anonymous text" : unread > 1 ? `${newest.name} (${unread} unread)` : newest.name;
  return actionButton(label, "button small secondary", () => readFlags(group), `I've read the flag${unread > 1 ? "s" : ""} from ${whose}`);
}

function showFlags(flags) {
  const groups = groupByPerson([...flags.values()].sort((a, b) => b.id - a.id), (flag) => `flag-${flag.id}`);
  for (const [key, group] of flagGroups) {
    if (!groups.has(key)) {
      group.node.remove();
      flagGroups.delete(key);
    }
  }
  const nodes = [];
  for (const [key, entries] of groups) {
    let group = flagGroups.get(key);
    if (!group) {
      group = { key, node: el("li"), signature: "" };
      group.node.tabIndex = -1; // focus lands here once read
      flagGroups.set(key, group);
    }
    group.flags = entries;
    const signature = JSON.stringify(entries);
    if (signature !== group.signature) {
      group.signature = signature;
      group.node.className = `safety-flag${entries.some(isUrgent) ? " urgent" : " lower"}${entries.every((flag) => flag.acknowledged) ? " read" : ""}`;
      group.node.replaceChildren(...flagGroupContent(group));
    }
    nodes.push(group.node);
  }
  placeInOrder($("safety-flags"), nodes);
}

const groupOfFlag = (flag) => flagGroups.get(flag.participant_id == null ? `flag-${flag.id}` : `person-${flag.participant_id}`);

// --- summary -----------------------------------------------------------------------------------

function summarise({ requests, flags }) {
  const unresolved = [...requests.values()];
  const waiting = waitingByPerson(unresolved).size; // people waiting, however many times each asked
  const seeing = unresolved.filter((request) => request.status !== "open").length;
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

/** Sound and read out what just came in, once its card or flag entry is drawn. */
function alertAbout({ type, payload }) {
  if (type === "support_requested") {
    const card = cardOf(payload);
    if (!card) return;
    const count = card.waiting.length;
    const how = payload.flagged ? " The safety net noticed their message." : payload.urgency === "now" ? " Now, please." : "";
    const text = count === 1 ? `${nameOf(payload)} asked for support.${how}` : `${nameOf(payload)} asked for support again: ${count} requests waiting.${how}`;
    alertFor(card, text, payload.urgent ? 2 : 1, urgencyLevel(payload));
  } else if (type === "support_escalated") {
    const card = cardOf(payload);
    if (card) alertFor(card, `${nameOf(payload)} is still waiting for support.`, 2, 3);
  } else if (type === "safety_flagged") {
    const group = groupOfFlag(payload);
    const urgent = isUrgent(payload);
    const how = `${urgent ? "Urgent" : "Lower urgency"}: ${reasonsOf(payload)[0] || "risk language"}.`;
    if (group) alertFor(group, `A new safety flag from ${payload.name || "an anonymous text"}. ${how}`, urgent ? 2 : 1, urgent ? 1 : 0);
  }
}

store.view(["support"], ({ support }, previous, action) => {
  if (support.requests !== previous?.support.requests) showRequests(support.requests);
  if (support.flags !== previous?.support.flags) showFlags(support.flags);
  summarise(support);
  alertAbout(action);
});
