// The facilitator's check-in rounds: open one, watch answers arrive, close and reveal.
// Counts and aggregates come as `round_updated`. A named round's answers arrive one by one
// (`answer_recorded`); an anonymous round's come in batches, each time as the whole list of
// answers shown so far in an order that says nothing about who answered when (`answers_released`).
//
// Slice `round`: the latest round's console tally, with `responses` (answer id -> response).
import { drawDistribution, feelingItems } from "./checkins.js";
import { $, byId, config, el, keyedList, throttledAnnouncer } from "./live.js";
import { act, refocus, store } from "./console.js";

const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Custom prompt" };
/** Answers can arrive many a second: their counts are read out at most every few seconds. */
const announceCounts = throttledAnnouncer($("round-announcer"), 5000);

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
  // A very low mood, marked for the facilitator in words (the colour only repeats them); phones never get this.
  if (response.low_mood) {
    item.classList.add("low-mood");
    item.append(" ", el("span", "Very low mood", "tag low-mood"));
  }
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
    announceCounts(`Answers so far: ${round.answered} answered, ${round.passed} passed, ${round.waiting} still to answer.`);
  }
});

// --- the form offers the round of the current agenda step --------------------------------------
// The same rule as checkins.services.round_for_step (which renders the page's first offer): a
// check-in, check-out or "other" step offers its own kind with its prompt; a sharing or wins step
// a custom round. What the facilitator chose or typed is never overwritten.

const form = $("open-round-form");
const ROUND_KINDS = Object.keys(config.round_default_prompts);
let offered = { kind: form.elements.kind.value, prompt: form.elements.prompt.value }; // for the step
let placed = form.elements.prompt.value; // the prompt this script last put in the box

function offerFor(step) {
  if (step && ROUND_KINDS.includes(step.kind)) return { kind: step.kind, prompt: step.prompt || "" };
  return { kind: step ? "custom" : "checkin", prompt: "" };
}

function placePrompt(prompt) {
  form.elements.prompt.value = prompt;
  placed = prompt;
}

/** The empty box shows the prompt a round of the chosen kind gets. */
function showPlaceholder() {
  form.elements.prompt.placeholder = config.round_default_prompts[form.elements.kind.value] || "";
}

/** Offer the step's round, keeping any kind or prompt the facilitator chose themselves. */
function offer(step) {
  const next = offerFor(step);
  if (form.elements.kind.value === offered.kind) form.elements.kind.value = next.kind;
  if (form.elements.prompt.value === placed) placePrompt(form.elements.kind.value === next.kind ? next.prompt : "");
  offered = next;
  showPlaceholder();
}

store.view(["step"], ({ step }) => offer(step));

// Another kind than the step's: its own default prompt, unless the facilitator typed one.
form.elements.kind.addEventListener("change", () => {
  if (form.elements.prompt.value === placed) placePrompt(form.elements.kind.value === offered.kind ? offered.prompt : "");
  showPlaceholder();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const ack = await act("open_round", {
    kind: form.elements.kind.value,
    prompt: form.elements.prompt.value.trim(),
    anonymous: form.elements.anonymous.checked,
  });
  $("round-error").textContent = ack.ok ? "" : ack.error;
  if (ack.ok) {
    // Ready for the next round: the step's offer again.
    form.elements.anonymous.checked = false;
    form.elements.kind.value = offered.kind;
    placePrompt(offered.prompt);
    showPlaceholder();
    // The form is hidden while the round is open: on to the round's question.
    refocus(event.submitter || form.querySelector('[type="submit"]'), () => $("round-prompt-text"));
  }
});
// Closing hides Close: on to Reveal. Revealing hides Reveal (and Close): on to the next round's form.
$("close-round").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  await act("close_round", { round_id: store.state.round.id });
  refocus(button, () => ($("reveal-round").hidden ? form.elements.kind : $("reveal-round")));
});
$("reveal-round").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  await act("reveal_round", { round_id: store.state.round.id });
  refocus(button, () => (form.hidden ? $("round-prompt-text") : form.elements.kind));
});
