// The console's support requests and safety flags. Until a facilitator acknowledges them, each
// person's waiting requests and unread safety flags are one alert card at the top of the console
// (#support-alerts, in the sticky bar: in view however far the console is scrolled), which names
// them, says how urgent it is and has its Acknowledge button. The tab's title and icon count the
// cards, the roster marks the person, a soft two-tone chime sounds (unless muted) and the alert is
// read out once. Acknowledged requests go to "Seeing to" (reply, resolve) and flags stay listed.
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
const cards = new Map(); // person key -> alert card of their waiting requests and unread flags
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

/** The page may make sound once someone has used it (browsers block it before): no context is
 * made until then, so nothing is refused or logged. Never throws. */
function audioContext(inGesture = false) {
  if (!audio && (inGesture || navigator.userActivation?.hasBeenActive)) {
    try {
      audio = new AudioContext();
    } catch {
      return null; // no Web Audio here: the alert is still seen and read out
    }
  }
  if (audio && audio.state !== "running") audio.resume().catch(() => {});
  return audio?.state === "running" ? audio : null;
}

/** A soft two-tone chime (a rising fifth) made with the Web Audio API, played `times` over; at most one every 1.5 s. */
function chime(times = 1) {
  if (!soundOn() || Date.now() - lastChimeAt < 1500) return;
  const context = audioContext();
  if (!context) return;
  lastChimeAt = Date.now();
  const notes = Array.from({ length: times }, () => [587.33, 880]).flat(); // D5 then A5
  notes.forEach((frequency, index) => {
    const start = context.currentTime + index * 0.2;
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, start);
    volume.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
    tone.connect(volume).connect(context.destination);
    tone.start(start);
    tone.stop(start + 0.19);
  });
}

// Make the sound possible from the first tap or key, so the first alert can be heard.
document.addEventListener("pointerdown", () => audioContext(true), { once: true });
document.addEventListener("keydown", () => audioContext(true), { once: true });

const mute = $("support-mute");
mute.checked = !soundOn();
mute.addEventListener("change", () => {
  if (mute.checked) localStorage.setItem(MUTED_KEY, "1");
  else localStorage.removeItem(MUTED_KEY);
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
  pulse(target.node);
}

/** Play a node's arrival animation again (none with reduced motion). */
function pulse(node) {
  for (const animation of node?.getAnimations() || []) {
    animation.cancel();
    animation.play();
  }
}

// --- shared pieces -----------------------------------------------------------------------------

const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const nameOf = (entry) => entry.name || "Someone";
const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;
const byAge = (a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id;
/** Whose it is: a person, or (without one) this one request or anonymous flag on its own. */
const personKey = (entry, single) => (entry.participant_id == null ? single : `person-${entry.participant_id}`);

/** Entries grouped by the person they came from (in the order given); `single(entry)` keys one without a person. */
function groupByPerson(entries, single) {
  const groups = new Map();
  for (const entry of entries) {
    const key = personKey(entry, single(entry));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(entry);
  }
  return groups;
}

/**
 * What waits for a facilitator, by person, most recent first: each person's requests nobody has
 * acknowledged, and their unread safety flags, except a flag raised by the message of one of those
 * requests (acknowledging the request acknowledges it: it shows as the request's own).
 */
function alertsByPerson({ requests, flags }) {
  const waiting = [...requests.values()].filter((request) => request.status === "open").sort(byAge);
  const covered = new Set(waiting.map((request) => request.flag_id).filter((id) => id != null));
  const unread = [...flags.values()].filter((flag) => !flag.acknowledged && !covered.has(flag.id)).sort(byAge);
  const alerts = new Map();
  const add = (key, field, entry) => {
    if (!alerts.has(key)) alerts.set(key, { requests: [], flags: [] });
    alerts.get(key)[field].push(entry);
  };
  for (const request of waiting) add(personKey(request, `request-${request.id}`), "requests", request);
  for (const flag of unread) add(personKey(flag, `flag-${flag.id}`), "flags", flag);
  const latest = ({ requests: asked, flags: flagged }) => [...asked, ...flagged].map((entry) => entry.created_at).sort().pop();
  return new Map([...alerts].sort(([, a], [, b]) => latest(b).localeCompare(latest(a))));
}

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

// --- the alerts: one card per person, at the top of the console, until acknowledged -------------

const urgencyLevel = (request) => (request.flagged ? 2 : request.urgency === "now" ? 1 : 0);
/** How urgent the person said it is, in words: "now" is urgent, "after the session" can wait. */
const askedTag = (now) => el("span", now ? "Urgent: now, please" : "Later: after the session is fine", now ? "tag now" : "tag");
const SOURCE_WORDS = { checkin_note: "check-in note", win: "small win", support_message: "support request" };

/** When it was asked and how urgently, then the message: one request on an alert card. */
function requestLines(request) {
  const when = el("p", "", "support-when small");
  when.append(`${clock(request.created_at)} · ${request.urgency === "now" ? "Now, please" : "After the session is fine"}`);
  if (request.flagged) when.append(" · the safety net noticed this message");
  const parts = [when];
  parts.push(request.message ? el("blockquote", request.message, "note") : el("p", "No message.", "muted small"));
  return parts;
}

function requestsInfo(card, waiting) {
  const newest = waiting[waiting.length - 1];
  const level = Math.max(...waiting.map(urgencyLevel));
  const tags = el("p", "", "support-tags");
  tags.append(askedTag(waiting.some((request) => request.urgency === "now")));
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

/** A person's unread safety flags on their card (with `alone`, the card's heading too). */
function flagsInfo(card, flags, alone) {
  const newest = flags[flags.length - 1];
  const what = flags.length === 1 ? `a safety flag on ${newest.name ? "their" : "an anonymous"} ${SOURCE_WORDS[newest.source] || "text"}` : plural(flags.length, "safety flag");
  const who = el("p", "", "support-who");
  const parts = [];
  if (alone) {
    const tags = el("p", "", "support-tags");
    const urgent = flags.some(isUrgent);
    tags.append(el("span", urgent ? "Urgent: safety flag" : "Lower urgency: safety flag", urgent ? "tag urgent" : "tag now"));
    parts.push(tags);
    if (newest.name) who.append(el("strong", newest.name), `: ${what}`);
    else who.append(what[0].toUpperCase() + what.slice(1));
  } else {
    who.append(`Also ${what}`);
  }
  who.append(flags.length === 1 ? ` at ${clock(newest.created_at)}` : `, the latest at ${clock(newest.created_at)}`);
  parts.push(who, ...flagLines(newest));
  if (flags.length > 1) {
    const older = flags.slice(0, -1).reverse();
    parts.push(earlierList(card.flagsEarlier, plural(older.length, "earlier flag"), older.map(flagLines)));
  }
  return parts;
}

/** What the card's button acknowledges, for screen readers: "Acknowledge Ana's 2 requests". */
function acknowledgeName({ requests, flags }) {
  const person = (requests[0] || flags[0]).name;
  const things = [];
  if (requests.length) things.push(requests.length === 1 ? "request" : `${requests.length} requests`);
  if (flags.length) things.push(flags.length === 1 ? "safety flag" : `${flags.length} safety flags`);
  if (!person && !requests.length) return `Acknowledge the ${things.join(" and ")} on an anonymous text`;
  return `Acknowledge ${person ? `${person}'s` : "the"} ${things.join(" and ")}`;
}

/** Acknowledge everything on the card; then on to the next alert, or to where the work goes on. */
async function acknowledgeCard(card) {
  const stack = $("support-alerts");
  const place = [...stack.children].indexOf(card.node);
  const requestIds = card.requests.map((request) => request.id);
  const flagIds = card.flags.map((flag) => flag.id);
  card.button.disabled = true;
  const acks = await Promise.all([
    ...requestIds.map((id) => act("acknowledge_support", { request_id: id })),
    ...flagIds.map((id) => act("acknowledge_flag", { flag_id: id })),
  ]);
  card.button.disabled = false;
  if (!acks.every((ack) => ack.ok)) return;
  // The consoles' updates come before the acknowledgements, so the card is gone (or, if the person
  // asked again meanwhile, still here). Focus moves only if it was on the card (now on the body).
  const focus = document.activeElement;
  if (focus && focus !== document.body && !card.node.contains(focus)) return;
  const again = cards.get(card.key);
  const next = stack.children[Math.min(place, stack.children.length - 1)];
  const target =
    again?.button ||
    next?.querySelector("button.acknowledge") ||
    seeingTo.get(requestIds[requestIds.length - 1])?.node.querySelector("textarea") ||
    (flagIds.length && flagGroups.get(card.key)?.node) ||
    $("support-heading");
  target.focus();
}

function newCard(key) {
  const card = { key, node: el("article", "", "support-alert"), info: el("div", "", "support-alert-info"), signature: "", flagsEarlier: {} };
  card.node.dataset.alert = key;
  card.button = actionButton("Acknowledge", "button acknowledge", () => acknowledgeCard(card));
  card.node.append(card.info, card.button);
  return card;
}

function showCard(key, { requests, flags }) {
  const card = cards.get(key) ?? newCard(key);
  cards.set(key, card);
  Object.assign(card, { requests, flags });
  const signature = JSON.stringify([requests, flags]);
  if (signature === card.signature) return card;
  card.signature = signature;
  card.button.setAttribute("aria-label", acknowledgeName(card));
  card.node.classList.toggle("urgent", requests.some((request) => request.urgent) || flags.some(isUrgent));
  card.node.classList.toggle("escalated", requests.some((request) => request.escalated_at));
  card.info.replaceChildren(
    ...(requests.length ? requestsInfo(card, requests) : []),
    ...(flags.length ? flagsInfo(card, flags, !requests.length) : []),
  );
  return card;
}

/** One card per person with something waiting, most recent first; gone once acknowledged. */
function showAlerts(support) {
  const alerts = alertsByPerson(support);
  for (const [key, card] of cards) {
    if (!alerts.has(key)) {
      card.node.remove();
      cards.delete(key);
    }
  }
  const stack = $("support-alerts");
  placeInOrder(stack, [...alerts].map(([key, waiting]) => showCard(key, waiting).node));
  stack.hidden = !cards.size;
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

/** Acknowledged requests in "Seeing to" until resolved, oldest first. */
function showSeeingTo(requests) {
  const seen = [...requests.values()].filter((request) => request.status !== "open").sort(byAge);
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

const cardOf = (entry) => cards.get(personKey(entry, `request-${entry.id}`));

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
  const found = flag.matched.includes(config.flagged_by_second_opinion)
    ? "No phrase of the safety net matched: its second opinion, a statistical model, read these words as worrying."
    : `Phrases of the safety net it matched: ${flag.matched.join(" · ")}`;
  why.append(el("summary", `Words about ${about}`), el("p", found));
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
  // The accessible name starts with the visible label (WCAG 2.5.3).
  return actionButton(label, "button small secondary", () => readFlags(group), `${label}: the flag${unread > 1 ? "s" : ""} from ${whose}`);
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

const groupOfFlag = (flag) => flagGroups.get(personKey(flag, `flag-${flag.id}`));

// --- summary, the tab's title and icon, and the roster's marks ------------------------------------

const favicon = document.querySelector('link[rel~="icon"]');
const favicons = { href: favicon?.href, type: favicon?.type, image: null, drawn: new Map() };

/** The page's icon with the count on a round badge, drawn on a canvas (as a data: URL). */
function drawFavicon(count) {
  if (!favicon || !favicons.href) return;
  if (!count) {
    favicon.type = favicons.type;
    favicon.href = favicons.href;
    return;
  }
  if (!favicons.image) {
    favicons.image = new Image();
    favicons.image.addEventListener("load", () => drawFavicon(cards.size));
    favicons.image.src = favicons.href;
    return;
  }
  if (!favicons.image.complete || !favicons.image.naturalWidth) return;
  const text = count > 9 ? "9+" : String(count);
  if (!favicons.drawn.has(text)) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const pen = canvas.getContext("2d");
    pen.drawImage(favicons.image, 0, 0, 64, 64);
    pen.beginPath();
    pen.arc(44, 20, 20, 0, 2 * Math.PI);
    pen.fillStyle = "#a23b2a";
    pen.fill();
    pen.lineWidth = 3;
    pen.strokeStyle = "#ffffff";
    pen.stroke();
    pen.fillStyle = "#ffffff";
    pen.font = `bold ${text.length > 1 ? 22 : 28}px system-ui, sans-serif`;
    pen.textAlign = "center";
    pen.textBaseline = "middle";
    pen.fillText(text, 44, 21);
    favicons.drawn.set(text, canvas.toDataURL("image/png"));
  }
  favicon.type = "image/png";
  favicon.href = favicons.drawn.get(text);
}

/** The count of alerts waiting, in the tab's title and icon; cleared at none. */
function showCount(count) {
  document.title = count ? `(${count}) ${baseTitle}` : baseTitle;
  drawFavicon(count);
}

/** In the roster, a mark in words by each person with a request not yet resolved or a flag not yet read. */
function markRoster({ requests, flags }) {
  const marks = new Map(); // participant id -> [text, urgent]
  for (const request of requests.values()) {
    if (request.participant_id == null) continue;
    const waiting = request.status === "open";
    const mark = waiting ? ["Asked for support", true] : ["Support: seeing to", false];
    if (!marks.get(request.participant_id)?.[1]) marks.set(request.participant_id, mark);
  }
  for (const flag of flags.values()) {
    if (flag.participant_id != null && !flag.acknowledged && !marks.get(flag.participant_id)?.[1]) {
      marks.set(flag.participant_id, ["Safety flag to read", true]);
    }
  }
  for (const item of $("roster").querySelectorAll(".roster-item")) {
    const mark = marks.get(Number(item.dataset.participantId));
    let badge = item.querySelector(".support-mark");
    if (!mark) {
      badge?.remove();
      continue;
    }
    if (!badge) {
      badge = el("span", "", "support-mark");
      item.querySelector(".name").after(badge);
    }
    if (badge.textContent !== mark[0]) badge.textContent = mark[0];
    badge.classList.toggle("waiting", mark[1]);
  }
}

function summarise({ requests, flags }) {
  const unresolved = [...requests.values()];
  // People waiting, however many times each asked.
  const waiting = groupByPerson(unresolved.filter((request) => request.status === "open"), (request) => `request-${request.id}`).size;
  const seeing = unresolved.filter((request) => request.status !== "open").length;
  const unread = [...flags.values()].filter((flag) => !flag.acknowledged).length;
  const parts = [];
  if (waiting) parts.push(`${waiting} waiting to be seen`);
  if (seeing) parts.push(`${seeing} you're seeing to`);
  if (unread) parts.push(`${unread} unread safety flag${unread === 1 ? "" : "s"}`);
  $("support-summary").textContent = parts.length ? parts.join(" · ") : "Nobody has asked for support.";
  $("support-open-section").hidden = !seeing;
  $("safety-flags-section").hidden = !flags.size;
  $("support-console").classList.toggle("needs-attention", cards.size > 0);
  showCount(cards.size);
}

/** Sound and read out what just came in, once its card or flag entry is drawn (never for a snapshot). */
function alertAbout({ type, payload }) {
  if (type === "support_requested") {
    const card = cardOf(payload);
    if (!card) return;
    const count = card.requests.length;
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
    pulse(cards.get(personKey(payload, `flag-${payload.id}`))?.node);
  }
}

store.view(["support"], ({ support }, previous, action) => {
  if (support.requests !== previous?.support.requests || support.flags !== previous?.support.flags) showAlerts(support);
  if (support.requests !== previous?.support.requests) showSeeingTo(support.requests);
  if (support.flags !== previous?.support.flags) showFlags(support.flags);
  summarise(support);
  alertAbout(action);
});

// The roster is drawn by console.js (its view runs first); the marks go on after each change.
store.view(["support", "roster"], ({ support }) => markRoster(support));
