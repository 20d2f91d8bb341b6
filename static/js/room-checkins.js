// The participant's check-in: mood, feeling words, a note, or Pass; sent safely, shown when revealed.
import { drawDistribution, el, newClientId, Outbox } from "./live.js";
import { $, onState, outboxKey, socket } from "./room.js";

const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Question" };
const SENT = "Sent ✓ You can change your answer until the round closes.";
const PASSED = "You passed. That's always fine.";
const QUEUED = "Not sent yet. We'll keep trying as soon as you're connected.";
const form = $("checkin-form");
let currentRound = null;

function showStatus(text, state = "") {
  const status = $("checkin-status");
  status.textContent = text;
  status.dataset.state = state;
}

function limitFeelings() {
  const boxes = [...form.querySelectorAll('input[name="feelings"]')];
  const chosen = boxes.filter((box) => box.checked).length;
  for (const box of boxes) box.disabled = !box.checked && chosen >= 3;
  $("feelings-count").textContent = chosen ? `${chosen} of 3 chosen` : "";
}

function countNote() {
  const note = $("checkin-note");
  $("note-count").textContent = `${note.value.length} / ${note.maxLength}`;
}

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

function renderRound(round) {
  currentRound = round;
  $("checkin").hidden = !round;
  if (!round) {
    $("reveal").hidden = true;
    return;
  }
  $("checkin-kind").textContent = KIND_LABELS[round.kind] || "Check-in";
  $("checkin-prompt").textContent = round.prompt;
  $("checkin-anonymous").hidden = !round.anonymous;
  const pending = outbox.pending()[`round-${round.id}`];
  fillForm(pending ? pending.payload : round.your_answer);
  form.hidden = !round.open;
  limitFeelings();
  if (!round.open) showStatus(round.your_answer ? "This round has closed. Thank you." : "This round has closed.", "closed");
  else if (pending) showStatus(QUEUED, "pending");
  else if (round.your_answer) showStatus(round.your_answer.passed ? PASSED : SENT, "sent");
  else showStatus("");
  renderReveal(round.reveal);
}

function renderReveal(reveal) {
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
    for (const [word, count] of reveal.feelings) words.append(el("li", `${word} × ${count}`));
    body.append(el("h3", "Feeling words"), words);
  }
  if (reveal.shared_notes.length) {
    const notes = el("ul", "", "shared-notes");
    for (const note of reveal.shared_notes) notes.append(el("li", note));
    body.append(el("h3", "Shared notes"), notes);
  }
}

/** After a note the safety net held back: a gentle word, and the crisis resources opened. */
function showCare() {
  showStatus(
    "Thank you for sharing this. Your note stays with the facilitator for now. " +
      "If things feel heavy, you don't have to carry it alone: help is right at the top of this screen.",
    "care",
  );
  $("crisis").open = true;
}

function handleResult(slot, ack, payload) {
  if (!currentRound || slot !== `round-${currentRound.id}`) return;
  if (ack.ok) {
    currentRound.your_answer = { ...payload, note_shared: payload.note_shared && !ack.held };
    showStatus(payload.passed ? PASSED : SENT, "sent");
    if (ack.held) showCare();
  } else {
    showStatus(ack.error, "error");
  }
}

async function submitAnswer(content) {
  showStatus("Sending…", "pending");
  const payload = { round_id: currentRound.id, client_id: newClientId(), ...content };
  const result = await outbox.submit(`round-${currentRound.id}`, "submit_checkin", payload);
  if (result.queued) showStatus(QUEUED, "pending");
}

const outbox = new Outbox(socket, outboxKey("checkins"), handleResult);

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
$("checkin-note").addEventListener("input", countNote);

onState((state) => renderRound(state.you.status === "waiting" ? null : state.round));
socket.on("round_opened", ({ round }) => renderRound({ ...round, your_answer: null }));
socket.on("round_closed", ({ round }) => renderRound({ ...currentRound, ...round }));
socket.on("round_revealed", ({ round, reveal }) => renderRound({ ...currentRound, ...round, reveal }));
