// The facilitator's check-in rounds: open one, watch answers arrive, close and reveal.
// Counts and aggregates come as `round_updated`. A named round's answers arrive one by one
// (`answer_recorded`); an anonymous round's come in batches, each time as the whole list of
// answers shown so far in an order that says nothing about who answered when (`answers_released`).
//
// Slice `round`: the latest round's console tally, with `responses` (answer id -> response).
import { drawDistribution, feelingItems } from "./checkins.js";
import { $, byId, el, keyedList } from "./live.js";
import { act, announce, store } from "./console.js";

const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Custom prompt" };

/** The round's answers, when they are of the round in the store. */
const withResponses = (round, roundId, responses) => (round?.id === roundId ? { ...round, responses } : round);

store.slice("round", ({ round }) => round && { ...round, responses: byId(round.responses || []) }, {
  events: {
    // A tally lists no answers: a new round starts with none, the same round keeps those it has.
    round_updated: (round, tally) => ({ ...tally, responses: round?.id === tally.id ? round.responses : new Map() }),
    answer_recorded: (round, { round_id: roundId, response }) =>
      withResponses(round, roundId, new Map(round?.responses).set(response.id, response)),
    answers_released: (round, { round_id: roundId, responses }) => withResponses(round, roundId, byId(responses)),
  },
});

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

const drawResponses = keyedList($("responses"), { create: responseItem });

store.view(["round"], ({ round }, previous, action) => {
  $("open-round-form").hidden = Boolean(round && round.open);
  $("round-live").hidden = !round;
  if (!round) return;
  drawResponses(round.responses);
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
  } else {
    const { average, median, distribution } = round.mood;
    $("mood-stats").textContent = average === null ? "No moods yet." : `Average ${average} · median ${median}`;
    drawDistribution($("mood-distribution"), distribution);
    $("feeling-counts").replaceChildren(...feelingItems(round.feelings));
  }
  const before = previous?.round;
  if (action.type === "round_updated" && before?.id === round.id && round.answered + round.passed > before.answered + before.passed) {
    announce(`${round.answered} answered, ${round.passed} passed`);
  }
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
$("close-round").addEventListener("click", () => act("close_round", { round_id: store.state.round.id }));
$("reveal-round").addEventListener("click", () => act("reveal_round", { round_id: store.state.round.id }));
