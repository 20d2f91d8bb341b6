// The facilitator's console: the live connection, the page's store, the roster and the agenda.
// Each capability adds its own module (console-checkins.js, ...) that adds its slice and views to
// the store made here.
//
// The console's state: {session, step, roster: Map(id -> participant entry), round (+ responses),
// wins: {wall, spotlight, needApproval, queue, hidden}, support: {requests, flags}}.
import { $, actionButton, announce as say, byId, connect, el, keyedList, request } from "./live.js";
import { createStore } from "./store.js";

const consoleRoot = $("console");
const PRESENCE = { waiting: "waiting", left: "Left the session", removed: "Removed" };

export const socket = connect("/facilitator", { live_session_id: Number(consoleRoot.dataset.sessionId) }, $("connection"));
export const store = createStore(socket);

/** Say something to screen-reader users without moving their focus. */
export const announce = (text) => say($("announcer"), text);

/**
 * After an action that hid, disabled or removed the control that asked for it, focus `next()`
 * (the control or heading to carry on from), so that a keyboard or screen-reader user is not
 * dropped at the top of the page. Nothing moves while the control can still hold focus, or when
 * the person has moved on to something else meanwhile.
 */
export function refocus(control, next) {
  if (control.isConnected && !control.disabled && control.checkVisibility()) return;
  const focus = document.activeElement;
  if (focus && focus !== control && focus !== document.body) return;
  next()?.focus();
}

/** Send a facilitator event; a refusal is announced. Resolves with the acknowledgement. */
export async function act(event, payload = {}) {
  const ack = await request(socket, event, payload);
  if (!ack.ok) announce(ack.error);
  return ack;
}

store.slice("session", (snapshot) => snapshot.session, {
  events: {
    session_updated: (_session, { session }) => session,
    session_ended: (_session, { session }) => session,
  },
});
store.slice("step", (snapshot) => snapshot.step, { events: { step_changed: (_step, { step }) => step } });
store.slice("roster", (snapshot) => byId(snapshot.roster), {
  events: { participant_updated: (roster, person) => new Map(roster).set(person.id, person) },
});

// --- roster ------------------------------------------------------------------------------------

function presenceLabel(person) {
  return PRESENCE[person.status] || (person.online ? "online" : "away");
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Draw one person's item, changed in place, so that a focused button keeps its focus. */
function drawPerson(item, person) {
  item.className = `roster-item status-${person.status} ${person.online ? "online" : "offline"}`;
  setText(item.querySelector(".name"), person.name);
  setText(item.querySelector(".presence"), presenceLabel(person));
  const id = person.id;
  const letIn = item.querySelector(".admit");
  if (person.status === "waiting" && !letIn) {
    // The accessible name starts with the visible words, so "Let in" said aloud finds it (WCAG 2.5.3).
    const button = actionButton("Let in", "button small admit", () => act("admit", { participant_id: id }), `Let in ${person.name}`);
    item.querySelector(".presence").after(button);
  }
  const remove = item.querySelector(".remove");
  const removable = person.status === "waiting" || person.status === "present";
  if (removable && !remove) {
    const button = actionButton("Remove", "link-button remove", () => askToRemove(store.state.roster.get(id)), `Remove ${person.name}`);
    button.setAttribute("aria-haspopup", "dialog");
    item.append(button);
  } else if (!removable && remove) {
    remove.remove();
  }
  if (person.status !== "waiting" && letIn) {
    if (letIn === document.activeElement) item.querySelector(".remove")?.focus(); // once let in, still at their row
    letIn.remove();
  }
}

const drawRoster = keyedList($("roster"), {
  create: (person) => {
    const item = el("li");
    item.dataset.participantId = person.id;
    item.append(el("span", "", "name"), el("span", "", "presence"));
    drawPerson(item, person);
    return item;
  },
  update: drawPerson,
});
const nobodyYet = el("li", "Nobody has joined yet.", "muted empty-roster");

/** The waiting room's count, in the sticky bar at the top (not a live region: the roster's
 * announcements already say who is waiting). */
function drawWaitingCount(waiting) {
  const count = $("waiting-count");
  if (waiting) count.replaceChildren(el("strong", String(waiting)), " waiting to be let in");
  else count.textContent = "Nobody is waiting to be let in";
  $("waiting-link").hidden = !waiting;
}

store.view(["roster"], ({ roster }, previous, action) => {
  drawRoster(roster);
  if (!roster.size) $("roster").append(nobodyYet);
  const people = [...roster.values()];
  $("roster-count").textContent = String(people.filter((p) => p.status === "present").length);
  const waiting = people.filter((p) => p.status === "waiting").length;
  $("admit-all").hidden = !waiting;
  drawWaitingCount(waiting);
  if (action.type !== "participant_updated") return;
  const person = action.payload;
  const before = previous.roster.get(person.id);
  if (!before) announce(`${person.name} ${person.status === "waiting" ? "is waiting to be let in" : "joined"}`);
  else if (before.status !== person.status && person.status === "left") announce(`${person.name} left`);
});

// --- the sticky bar at the top: it keeps its own space --------------------------------------------

// Whatever is scrolled to or focused stops below the bar, never under it (WCAG 2.4.11).
const sticky = $("console-sticky");
new ResizeObserver(() => {
  document.documentElement.style.setProperty("--console-sticky-height", `${sticky.offsetHeight}px`);
}).observe(sticky);

// --- locking the room and removing someone ------------------------------------------------------

/** Lock the room against new joins, or open it again: the roster's control and the removal dialog
 * both come here. Resolves with the acknowledgement; a refusal puts the control back. */
async function setLocked(locked) {
  $("lock-room").checked = locked;
  const ack = await act("set_locked", { locked });
  if (!ack.ok) $("lock-room").checked = !locked;
  return ack;
}

const removeDialog = $("remove-dialog");
let removing = null; // the person the open dialog asks about

function confirmLabel() {
  return $("remove-lock").checked ? `Remove ${removing.name} and lock the room` : `Remove ${removing.name}`;
}

/** The dialog tells whether the room is locked, and offers to lock it when it isn't. */
function showLockInDialog() {
  const locked = $("lock-room").checked;
  $("remove-unlocked").hidden = locked;
  $("remove-locked").hidden = !locked;
  $("remove-lock-choice").hidden = locked;
}

/** Say what removal does and cannot do, and offer to lock the room, before anyone is removed. */
function askToRemove(person) {
  removing = person;
  $("remove-name").textContent = person.name;
  $("remove-lock").checked = false;
  showLockInDialog();
  $("remove-confirm").textContent = confirmLabel();
  removeDialog.returnValue = "";
  removeDialog.showModal();
  $("remove-cancel").focus(); // the choice that changes nothing comes first
}

async function removeConfirmed(person, lockToo) {
  if (lockToo && !(await setLocked(true)).ok) return;
  const ack = await act("remove_participant", { participant_id: person.id });
  if (ack.ok) announce(`${person.name} was removed.${lockToo ? " The room is locked to new people." : ""}`);
}

$("remove-lock").addEventListener("change", () => {
  $("remove-confirm").textContent = confirmLabel();
});
$("remove-cancel").addEventListener("click", () => removeDialog.close());
$("remove-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const lockToo = !$("remove-lock-choice").hidden && $("remove-lock").checked;
  const person = removing;
  removeDialog.close("removed");
  removeConfirmed(person, lockToo);
});
removeDialog.addEventListener("close", () => {
  // Back to the person's Remove button if they are still there.
  const button = removing && $("roster").querySelector(`[data-participant-id="${removing.id}"] .remove`);
  removing = null;
  if (removeDialog.returnValue !== "removed" && button) button.focus();
  else $("roster-heading").focus();
});

store.view(["session"], ({ session }) => {
  if (session.state === "ended") {
    window.location.reload();
    return;
  }
  $("lock-room").checked = session.locked;
  showLockInDialog();
});

// --- agenda ------------------------------------------------------------------------------------

store.view(["step"], ({ step }) => {
  if (!step) return;
  document.querySelectorAll("#agenda li").forEach((item, index) => {
    if (index === step.index) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
  $("step-prev").disabled = step.index === 0;
  $("step-next").disabled = step.index >= step.count - 1;
});

/** The current step's button in the agenda: where focus goes when Previous or Next step is disabled. */
const currentStepButton = () => document.querySelector('#agenda li[aria-current="step"] .step-button');

async function moveStep(button, by) {
  await act("move_step", { index: (store.state?.step?.index ?? 0) + by });
  refocus(button, currentStepButton);
}
$("step-prev").addEventListener("click", (event) => moveStep(event.currentTarget, -1));
$("step-next").addEventListener("click", (event) => moveStep(event.currentTarget, 1));
for (const button of document.querySelectorAll(".step-button")) {
  button.addEventListener("click", () => act("move_step", { index: Number(button.dataset.step) }));
}
$("waiting-link").addEventListener("click", (event) => {
  event.preventDefault();
  $("roster-heading").focus(); // scroll-padding keeps it clear of the sticky bar
});
$("lock-room").addEventListener("change", (event) => setLocked(event.target.checked));
$("admit-all").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  await act("admit_all");
  refocus(button, () => $("roster-heading"));
});
$("end-form").addEventListener("submit", (event) => {
  if (!window.confirm("End the session for everyone?")) event.preventDefault();
});
