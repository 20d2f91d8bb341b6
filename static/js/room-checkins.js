// The participant's check-in: mood, feeling words, a note, or Pass; sent safely, shown when revealed.
//
// Slices: `round` (the latest round entry, with `reveal` once revealed) and `answer` (this
// phone's answer to it: `given`, as the server has it, and `unsent`, kept in the Outbox).
import { drawDistribution, feelingItems, revealSentence } from "./checkins.js";
import { $, config, el, newClientId, NOT_SENT, setStatus } from "./live.js";
import { countCharacters, offerCare, outbox as makeOutbox, say, store } from "./room.js";

const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Question" };
const SENT = "Sent ✓ You can change your answer until the round closes.";
const PASSED = "You passed. That's always fine.";
const form = $("checkin-form");
const showStatus = (text, state) => setStatus($("checkin-status"), text, state);
const slotOf = (roundId) => `round-${roundId}`;
/** This phone's answer to round `roundId`: nothing for a round it has not answered. */
const answerTo = (roundId, answer) => (answer.roundId === roundId ? answer : { given: null, unsent: null });

function handleResult(slot, ack, payload) {
  const round = store.state?.round;
  if (!round || slot !== slotOf(round.id)) return;
  if (ack.ok) {
    const answer = { ...payload, note_shared: payload.note_shared && !ack.held };
    store.dispatch("own_answer_changed", { round_id: round.id, given: answer, unsent: null });
    showStatus(payload.passed ? PASSED : SENT, "sent");
    if (ack.held) offerCare($("checkin-status"), "Your note");
  } else {
    store.dispatch("own_answer_changed", { round_id: round.id, unsent: null });
    showStatus(ack.error, "error");
  }
}

const outbox = makeOutbox("checkins", handleResult);

store.slice(
  "round",
  ({ you, round }) => {
    if (you.status === "waiting" || !round) return null; // the waiting room shows no round
    const { your_answer: _yours, ...entry } = round;
    return entry;
  },
  {
    events: {
      round_opened: (_round, { round }) => round,
      round_closed: (round, { round: entry }) => ({ ...round, ...entry }),
      round_revealed: (round, { round: entry, reveal }) => ({ ...round, ...entry, reveal }),
    },
  },
);
store.slice(
  "answer",
  ({ round }) => ({
    roundId: round?.id ?? null,
    given: round?.your_answer ?? null,
    unsent: (round && outbox.pending()[slotOf(round.id)]?.payload) || null,
  }),
  { actions: { own_answer_changed: (answer, { round_id: roundId, ...change }) => ({ ...answerTo(roundId, answer), roundId, ...change }) } },
);

// --- the form ----------------------------------------------------------------------------------

function limitFeelings() {
  const boxes = [...form.querySelectorAll('input[name="feelings"]')];
  const chosen = boxes.filter((box) => box.checked).length;
  for (const box of boxes) box.disabled = !box.checked && chosen >= config.max_feelings;
  $("feelings-count").textContent = chosen ? `${chosen} of ${config.max_feelings} chosen` : "";
}

const countNote = countCharacters($("checkin-note"), $("note-count"));

function fillForm(answer) {
  form.reset();
  for (const family of form.querySelectorAll("details")) family.open = false;
  if (answer && !answer.passed) {
    if (answer.mood) form.querySelector(`input[name="mood"][value="${answer.mood}"]`).checked = true;
    for (const box of form.querySelectorAll('input[name="feelings"]')) {
      box.checked = answer.feelings.includes(box.value);
      if (box.checked) box.closest("details").open = true;
    }
    $("checkin-note").value = answer.note || "";
    form.querySelector(`input[name="note_shared"][value="${answer.note_shared ? "yes" : "no"}"]`).checked = true;
  }
  countNote();
}

async function submitAnswer(content) {
  showStatus("Sending…", "pending");
  const roundId = store.state.round.id;
  const payload = { round_id: roundId, client_id: newClientId(), ...content };
  const result = await outbox.submit(slotOf(roundId), "submit_checkin", payload);
  if (result.queued) {
    store.dispatch("own_answer_changed", { round_id: roundId, unsent: payload });
    showStatus(NOT_SENT, "pending");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const mood = form.querySelector('input[name="mood"]:checked');
  submitAnswer({
    passed: false,
    mood: mood ? Number(mood.value) : null,
    feelings: [...form.querySelectorAll('input[name="feelings"]:checked')].map((box) => box.value),
    note: $("checkin-note").value.trim() || null,
    note_shared: form.querySelector('input[name="note_shared"]:checked').value === "yes",
  });
});
$("checkin-pass").addEventListener("click", () => {
  form.reset();
  limitFeelings();
  submitAnswer({ passed: true });
});
form.addEventListener("change", limitFeelings);

// --- the round and its reveal ------------------------------------------------------------------

function drawReveal(reveal) {
  const body = $("reveal-body");
  $("reveal").hidden = !reveal;
  if (!reveal) return;
  body.replaceChildren();
  if (reveal.too_few) {
    body.append(el("p", "Too few people answered to show the group's results. That keeps everyone's answers private."));
    return;
  }
  const { average, median, distribution } = reveal.mood;
  const summary = average === null ? "No moods were shared." : `Average mood ${average}, middle value ${median}, from ${reveal.answered} answers.`;
  const chart = el("div", "", "distribution");
  chart.setAttribute("role", "img");
  drawDistribution(chart, distribution);
  body.append(el("p", summary, "stats"), chart);
  if (reveal.feelings.length) {
    const words = el("ul", "", "word-counts");
    words.append(...feelingItems(reveal.feelings));
    body.append(el("h3", "Feeling words"), words);
  }
  if (reveal.shared_notes.length) {
    const notes = el("ul", "", "shared-notes");
    for (const note of reveal.shared_notes) notes.append(el("li", note));
    body.append(el("h3", "Shared notes"), notes);
  }
}

// The round as the server announces it; this phone's own answer is shown by the form and the
// status line as it is sent and acknowledged, so a change of `answer` alone redraws nothing.
store.view(["round"], ({ round, answer }, _previous, action) => {
  $("checkin").hidden = !round;
  // Send and Pass wait in the room's action bar while the round is open.
  $("answer-actions").hidden = !round?.open;
  if (!round) {
    $("reveal").hidden = true;
    return;
  }
  const { given, unsent } = answerTo(round.id, answer);
  $("checkin-kind").textContent = KIND_LABELS[round.kind] || "Check-in";
  $("checkin-prompt").textContent = round.prompt;
  $("checkin-anonymous").hidden = !round.anonymous;
  fillForm(unsent || given);
  form.hidden = !round.open;
  limitFeelings();
  if (!round.open) showStatus(given ? "This round has closed. Thank you." : "This round has closed.", "closed");
  else if (unsent) showStatus(NOT_SENT, "pending");
  else if (given) showStatus(given.passed ? PASSED : SENT, "sent");
  else showStatus("");
  drawReveal(round.reveal);
  // Read out once, when it happens: a round opening with its question, the results as a sentence.
  if (action.type === "round_opened") {
    say(`${KIND_LABELS[round.kind] || "Check-in"} open: ${round.prompt} Answer here when you're ready, or pass.`);
  } else if (action.type === "round_revealed" && round.reveal) {
    say(`How the group is doing. ${revealSentence(round.reveal)}`);
  }
});

// The prompt once: while the round shown asks the current step's prompt, its card stands for
// the step ("Now · Check-in") and the step's own card steps aside.
store.view(["step", "round"], ({ step, round }) => {
  const isTheStep = Boolean(round && step && round.prompt === step.prompt);
  $("step").classList.toggle("is-round", isTheStep);
  $("checkin-now").hidden = !isTheStep;
});
