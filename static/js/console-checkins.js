// The facilitator's check-in rounds: open one, watch answers arrive, close and reveal.
// Counts and aggregates come as `round_updated`. A named round's answers arrive one by one
// (`answer_recorded`); an anonymous round's come in batches, each time as the whole list of
// answers shown so far in an order that says nothing about who answered when (`answers_released`).
import { drawDistribution, el } from "./live.js";
import { $, act, announce, socket } from "./console.js";

const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Custom prompt" };
let currentRound = null;
let responses = new Map(); // answer id -> list item, in the order the server gave

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

function showResponse(response) {
  const item = responseItem(response);
  const before = responses.get(response.id);
  if (before) before.replaceWith(item);
  else $("responses").append(item);
  responses.set(response.id, item);
}

function showAllResponses(list) {
  responses = new Map();
  $("responses").replaceChildren();
  for (const response of list) showResponse(response);
}

function renderTally(round) {
  const previous = currentRound;
  currentRound = round;
  $("open-round-form").hidden = Boolean(round && round.open);
  $("round-live").hidden = !round;
  if (!round) return;
  if (previous?.id !== round.id) showAllResponses(round.responses || []);
  $("round-kind-label").textContent = `${KIND_LABELS[round.kind]}${round.anonymous ? " · anonymous" : ""}`;
  $("round-prompt-text").textContent = round.prompt;
  $("round-state").textContent = round.open
    ? round.anonymous
      ? "Open: answers show up in small batches, so no one can be picked out by when they answered"
      : "Open: answers are coming in"
    : round.revealed ? "Closed and revealed to the group" : "Closed";
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
}

socket.on("session_state", (state) => {
  currentRound = null;
  renderTally(state.round);
});
socket.on("round_updated", (round) => {
  const before = currentRound;
  renderTally(round);
  if (before && before.id === round.id && round.answered + round.passed > before.answered + before.passed) {
    announce(`${round.answered} answered, ${round.passed} passed`);
  }
});
socket.on("answer_recorded", ({ round_id: roundId, response }) => {
  if (currentRound?.id === roundId) showResponse(response);
});
socket.on("answers_released", ({ round_id: roundId, responses: released }) => {
  if (currentRound?.id === roundId) showAllResponses(released);
});

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
