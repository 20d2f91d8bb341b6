// The facilitator's console: the live connection, the roster and the agenda.
// Each capability adds its own module (console-checkins.js, ...) that imports what it needs from here.
import { connect, el, send } from "./live.js";

const consoleRoot = document.getElementById("console");
export const $ = (id) => document.getElementById(id);
const PRESENCE = { waiting: "waiting", left: "left", removed: "removed" };

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
    const remove = () => {
      if (window.confirm(`Remove ${person.name} from this session? They won't be able to rejoin it.`)) {
        act("remove_participant", { participant_id: person.id });
      }
    };
    item.append(actionButton("Remove", "link-button", remove, `Remove ${person.name}`));
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
});
socket.on("participant_updated", updatePerson);
socket.on("step_changed", ({ step }) => renderStep(step));
socket.on("session_updated", ({ session }) => {
  $("lock-room").checked = session.locked;
});
socket.on("session_ended", () => window.location.reload());

$("step-prev").addEventListener("click", () => act("move_step", { index: currentStep - 1 }));
$("step-next").addEventListener("click", () => act("move_step", { index: currentStep + 1 }));
for (const button of document.querySelectorAll(".step-button")) {
  button.addEventListener("click", () => act("move_step", { index: Number(button.dataset.step) }));
}
$("lock-room").addEventListener("change", (event) => act("set_locked", { locked: event.target.checked }));
$("admit-all").addEventListener("click", () => act("admit_all"));
$("end-form").addEventListener("submit", (event) => {
  if (!window.confirm("End the session for everyone?")) event.preventDefault();
});
