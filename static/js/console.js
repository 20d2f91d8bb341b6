// The facilitator's console: the live connection, the roster and the agenda.
// Each capability adds its own module (console-checkins.js, ...) that imports what it needs from here.
import { connect, el, send } from "./live.js";

const consoleRoot = document.getElementById("console");
export const $ = (id) => document.getElementById(id);
const PRESENCE = { waiting: "waiting", left: "Left the session", removed: "Removed" };

let currentStep = 0;
const roster = new Map();

export const socket = connect("/facilitator", { live_session_id: Number(consoleRoot.dataset.sessionId) }, $("connection"));

/** Say something to screen-reader users without moving their focus. */
export function announce(text) {
  $("announcer").textContent = text;
}

/** Send a facilitator event; a refusal is announced. Resolves with the acknowledgement. */
export async function act(event, payload = {}) {
  let ack;
  try {
    ack = await send(socket, event, payload);
  } catch {
    ack = { ok: false, error: "No answer from the server yet. Please check your connection and try again." };
  }
  if (!ack.ok) announce(ack.error);
  return ack;
}

// --- roster ------------------------------------------------------------------------------------

function presenceLabel(person) {
  return PRESENCE[person.status] || (person.online ? "online" : "away");
}

/** A button that runs `onClick`; `accessibleName` says what it acts on, for screen readers. */
export function actionButton(label, className, onClick, accessibleName) {
  const button = el("button", label, className);
  button.type = "button";
  if (accessibleName) button.setAttribute("aria-label", accessibleName);
  button.addEventListener("click", onClick);
  return button;
}

function rosterItem(person) {
  const item = el("li", "", `roster-item status-${person.status} ${person.online ? "online" : "offline"}`);
  item.dataset.participantId = person.id;
  item.append(el("span", person.name, "name"), el("span", presenceLabel(person), "presence"));
  if (person.status === "waiting") {
    item.append(actionButton("Let in", "button small", () => act("admit", { participant_id: person.id }), `Let ${person.name} in`));
  }
  if (person.status === "waiting" || person.status === "present") {
    const remove = actionButton("Remove", "link-button remove", () => askToRemove(person), `Remove ${person.name}`);
    remove.setAttribute("aria-haspopup", "dialog");
    item.append(remove);
  }
  return item;
}

function renderRoster() {
  const people = [...roster.values()];
  $("roster").replaceChildren(...people.map(rosterItem));
  if (!people.length) $("roster").append(el("li", "Nobody has joined yet.", "muted empty-roster"));
  $("roster-count").textContent = String(people.filter((p) => p.status === "present").length);
  $("admit-all").hidden = !people.some((p) => p.status === "waiting");
}

function updatePerson(person) {
  const before = roster.get(person.id);
  roster.set(person.id, person);
  renderRoster();
  if (!before) announce(`${person.name} ${person.status === "waiting" ? "is waiting to be let in" : "joined"}`);
  else if (before.status !== person.status && person.status === "left") announce(`${person.name} left`);
}

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
  // Back to the person's Remove button if they are still there (the roster may have been redrawn).
  const button = removing && $("roster").querySelector(`[data-participant-id="${removing.id}"] .remove`);
  removing = null;
  if (removeDialog.returnValue !== "removed" && button) button.focus();
  else $("roster-heading").focus();
});

// --- agenda ------------------------------------------------------------------------------------

function renderStep(step) {
  if (!step) return;
  currentStep = step.index;
  document.querySelectorAll("#agenda li").forEach((item, index) => {
    if (index === currentStep) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
  $("step-prev").disabled = currentStep === 0;
  $("step-next").disabled = currentStep >= step.count - 1;
}

// --- wiring ------------------------------------------------------------------------------------

socket.on("session_state", (state) => {
  roster.clear();
  for (const person of state.roster) roster.set(person.id, person);
  renderRoster();
  renderStep(state.step);
  $("lock-room").checked = state.session.locked;
  showLockInDialog();
});
socket.on("participant_updated", updatePerson);
socket.on("step_changed", ({ step }) => renderStep(step));
socket.on("session_updated", ({ session }) => {
  $("lock-room").checked = session.locked;
  showLockInDialog();
});
socket.on("session_ended", () => window.location.reload());

$("step-prev").addEventListener("click", () => act("move_step", { index: currentStep - 1 }));
$("step-next").addEventListener("click", () => act("move_step", { index: currentStep + 1 }));
for (const button of document.querySelectorAll(".step-button")) {
  button.addEventListener("click", () => act("move_step", { index: Number(button.dataset.step) }));
}
$("lock-room").addEventListener("change", (event) => setLocked(event.target.checked));
$("admit-all").addEventListener("click", () => act("admit_all"));
$("end-form").addEventListener("submit", (event) => {
  if (!window.confirm("End the session for everyone?")) event.preventDefault();
});
