// The facilitator's console: the roster, the agenda and check-in rounds, live.
import { connect, drawDistribution, el, send } from "./live.js";

const consoleRoot = document.getElementById("console");
const $ = (id) => document.getElementById(id);
const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Custom prompt" };
const PRESENCE = { waiting: "waiting", left: "left", removed: "removed" };

let agendaLength = document.querySelectorAll("#agenda li").length;
let currentStep = 0;
let currentRound = null;
const roster = new Map();

const socket = connect("/facilitator", { live_session_id: Number(consoleRoot.dataset.sessionId) }, $("connection"));

function announce(text) {
  $("announcer").textContent = text;
}

async function act(event, payload = {}) {
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

function rosterItem(person) {
  const item = el("li", "", `roster-item status-${person.status} ${person.online ? "online" : "offline"}`);
  item.dataset.participantId = person.id;
  item.append(el("span", person.name, "name"), el("span", presenceLabel(person), "presence"));
  if (person.status === "waiting") {
    const admit = el("button", "Let in", "button small");
    admit.type = "button";
    admit.addEventListener("click", () => act("admit", { participant_id: person.id }));
    item.append(admit);
  }
  if (person.status === "waiting" || person.status === "present") {
    const remove = el("button", "Remove", "link-button");
    remove.type = "button";
    remove.setAttribute("aria-label", `Remove ${person.name}`);
    remove.addEventListener("click", () => {
      if (window.confirm(`Remove ${person.name} from this session? They won't be able to rejoin it.`)) {
        act("remove_participant", { participant_id: person.id });
      }
    });
    item.append(remove);
  }
  return item;
}

function renderRoster() {
  const list = $("roster");
  const people = [...roster.values()];
  list.replaceChildren(...people.map(rosterItem));
  if (!people.length) list.append(el("li", "Nobody has joined yet.", "muted empty-roster"));
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
  agendaLength = step.count;
  document.querySelectorAll("#agenda li").forEach((item, index) => {
    if (index === currentStep) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  });
  $("step-prev").disabled = currentStep === 0;
  $("step-next").disabled = currentStep >= agendaLength - 1;
}

// --- rounds ------------------------------------------------------------------------------------

function renderRound(round) {
  currentRound = round;
  const live = $("round-live");
  $("open-round-form").hidden = Boolean(round && round.open);
  live.hidden = !round;
  if (!round) return;
  $("round-kind-label").textContent = `${KIND_LABELS[round.kind]}${round.anonymous ? " · anonymous" : ""}`;
  $("round-prompt-text").textContent = round.prompt;
  $("round-state").textContent = round.open ? "Open: answers are coming in" : round.revealed ? "Closed and revealed to the group" : "Closed";
  $("count-answered").textContent = String(round.answered);
  $("count-passed").textContent = String(round.passed);
  $("count-waiting").textContent = String(round.waiting);
  $("close-round").hidden = !round.open;
  $("reveal-round").hidden = round.revealed;
  $("round-too-few").hidden = !round.too_few;
  $("round-details").hidden = round.too_few;
  if (round.too_few) {
    $("round-too-few").textContent = `Fewer than ${round.minimum} answers so far. To keep this anonymous round private, results show once ${round.minimum} people have answered.`;
    return;
  }
  const { average, median, distribution } = round.mood;
  $("mood-stats").textContent = average === null ? "No moods yet." : `Average ${average} · median ${median}`;
  drawDistribution($("mood-distribution"), distribution);
  $("feeling-counts").replaceChildren(...round.feelings.map(([word, count]) => el("li", `${word} × ${count}`)));
  $("responses").replaceChildren(...round.responses.map(responseItem));
}

function responseItem(response) {
  const item = el("li", "", response.passed ? "passed" : "");
  item.append(el("strong", response.name || "Anonymous"));
  if (response.passed) {
    item.append(el("span", " passed", "muted"));
    return item;
  }
  const parts = [];
  if (response.mood !== null) parts.push(`mood ${response.mood}`);
  if (response.feelings.length) parts.push(response.feelings.join(", "));
  item.append(el("span", ` ${parts.join(" · ")}`));
  if (response.note) {
    const note = el("blockquote", response.note, "note");
    note.append(el("span", response.note_shared ? " (shared with the group)" : " (for you only)", "muted small"));
    item.append(note);
  }
  return item;
}

// --- wiring ------------------------------------------------------------------------------------

socket.on("session_state", (state) => {
  roster.clear();
  for (const person of state.roster) roster.set(person.id, person);
  renderRoster();
  renderStep(state.step);
  renderRound(state.round);
  $("lock-room").checked = state.session.locked;
});
socket.on("participant_updated", updatePerson);
socket.on("step_changed", ({ step }) => renderStep(step));
socket.on("round_updated", (round) => {
  const before = currentRound;
  renderRound(round);
  if (before && before.id === round.id && round.answered + round.passed > before.answered + before.passed) {
    announce(`${round.answered} answered, ${round.passed} passed`);
  }
});
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

$("open-round-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const ack = await act("open_round", {
    kind: form.elements.kind.value,
    prompt: form.elements.prompt.value.trim(),
    anonymous: form.elements.anonymous.checked,
  });
  $("round-error").textContent = ack.ok ? "" : ack.error;
  if (ack.ok) form.reset();
});
$("close-round").addEventListener("click", () => act("close_round", { round_id: currentRound.id }));
$("reveal-round").addEventListener("click", () => act("reveal_round", { round_id: currentRound.id }));

$("end-form").addEventListener("submit", (event) => {
  if (!window.confirm("End the session for everyone?")) event.preventDefault();
});
