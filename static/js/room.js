// The participant's screen: follows the room live, and sends check-in answers safely.
import { connect, drawDistribution, el, newClientId, Outbox, send } from "./live.js";

const room = document.getElementById("room");
const joinToken = room.dataset.joinToken;
const $ = (id) => document.getElementById(id);

const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Question" };
let currentRound = null;

const socket = connect("/participant", { join_token: joinToken }, $("connection"), {
  onRefused: () => window.location.assign(room.dataset.startUrl),
});
const outbox = new Outbox(socket, `stepwise-outbox-${joinToken}`);

function showStatus(text, state = "") {
  const status = $("checkin-status");
  status.textContent = text;
  status.dataset.state = state;
}

function renderStep(step) {
  $("step-title").textContent = step ? step.title : "Welcome";
  $("step-prompt").textContent = step ? step.prompt : "";
}

function fillForm(answer) {
  const form = $("checkin-form");
  form.reset();
  if (!answer || answer.passed) return;
  if (answer.mood) form.querySelector(`input[name="mood"][value="${answer.mood}"]`).checked = true;
  for (const box of form.querySelectorAll('input[name="feelings"]')) {
    box.checked = answer.feelings.includes(box.value);
  }
  $("checkin-note").value = answer.note || "";
  form.querySelector(`input[name="note_shared"][value="${answer.note_shared ? "yes" : "no"}"]`).checked = true;
  limitFeelings();
  countNote();
}

function renderRound(round) {
  currentRound = round;
  const section = $("checkin");
  if (!round) {
    section.hidden = true;
    $("reveal").hidden = true;
    return;
  }
  section.hidden = false;
  $("checkin-kind").textContent = KIND_LABELS[round.kind] || "Check-in";
  $("checkin-prompt").textContent = round.prompt;
  $("checkin-anonymous").hidden = !round.anonymous;
  const pending = outbox.pending()[`round-${round.id}`];
  if (round.your_answer !== undefined) fillForm(pending ? pending.payload : round.your_answer);
  for (const control of $("checkin-form").elements) control.disabled = !round.open;
  if (!round.open) {
    showStatus(round.your_answer ? "This round has closed. Thank you." : "This round has closed.", "closed");
  } else if (pending) {
    showStatus("Not sent yet. We'll keep trying as soon as you're connected.", "pending");
  } else if (round.your_answer) {
    showStatus(round.your_answer.passed ? "You passed. That's always fine." : "Sent ✓ You can change your answer until the round closes.", "sent");
  } else {
    showStatus("");
  }
  renderReveal(round.reveal);
}

function renderReveal(reveal) {
  const section = $("reveal");
  const body = $("reveal-body");
  section.hidden = !reveal;
  if (!reveal) return;
  body.replaceChildren();
  if (reveal.too_few) {
    body.append(el("p", "Too few people answered to show the group's results. That keeps everyone's answers private."));
    return;
  }
  const { average, median, distribution } = reveal.mood;
  body.append(el("p", average === null ? "No moods were shared." : `Average mood ${average}, middle value ${median}, from ${reveal.answered} answers.`, "stats"));
  const chart = el("div", "", "distribution");
  chart.setAttribute("role", "img");
  drawDistribution(chart, distribution);
  body.append(chart);
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

function renderState(state) {
  const waiting = state.you.status === "waiting";
  $("waiting").hidden = !waiting;
  $("step").hidden = waiting;
  renderStep(state.step);
  renderRound(waiting ? null : state.round);
}

function limitFeelings() {
  const boxes = [...document.querySelectorAll('#checkin-form input[name="feelings"]')];
  const chosen = boxes.filter((box) => box.checked).length;
  for (const box of boxes) box.disabled = !currentRound?.open || (!box.checked && chosen >= 3);
  $("feelings-count").textContent = chosen ? `${chosen} of 3 chosen` : "";
}

function countNote() {
  const note = $("checkin-note");
  $("note-count").textContent = `${note.value.length} / ${note.maxLength}`;
}

function handleResult(slot, ack, payload) {
  if (!currentRound || slot !== `round-${currentRound.id}`) return;
  if (ack.ok) {
    currentRound.your_answer = payload;
    showStatus(payload.passed ? "You passed. That's always fine." : "Sent ✓ You can change your answer until the round closes.", "sent");
  } else {
    showStatus(ack.error, "error");
  }
}

function submitAnswer(payload) {
  const slot = `round-${currentRound.id}`;
  showStatus("Sending…", "pending");
  outbox.submit(slot, "submit_checkin", { round_id: currentRound.id, client_id: newClientId(), ...payload }, handleResult)
    .then((result) => {
      if (result.queued) showStatus("Not sent yet. We'll keep trying as soon as you're connected.", "pending");
    });
}

$("checkin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
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
  $("checkin-form").reset();
  limitFeelings();
  submitAnswer({ passed: true });
});
$("checkin-form").addEventListener("change", limitFeelings);
$("checkin-note").addEventListener("input", countNote);

$("leave-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const ack = await send(socket, "leave");
    if (!ack.ok) return;
  } catch {
    return;
  }
  socket.disconnect();
  window.location.assign(room.dataset.startUrl);
});

function endWith(sectionId) {
  for (const id of ["waiting", "step", "checkin", "reveal", "leave-form"]) $(id).hidden = true;
  $(sectionId).hidden = false;
  $(sectionId).focus?.();
  socket.disconnect();
  $("connection").textContent = "";
}

socket.on("session_state", renderState);
socket.on("step_changed", ({ step }) => renderStep(step));
socket.on("round_opened", ({ round }) => renderRound({ ...round, your_answer: null }));
socket.on("round_closed", ({ round }) => renderRound({ ...currentRound, ...round }));
socket.on("round_revealed", ({ round, reveal }) => renderRound({ ...currentRound, ...round, reveal }));
socket.on("admitted", async () => {
  const ack = await send(socket, "sync");
  if (ack.ok) renderState(ack.state);
});
socket.on("removed", ({ message }) => {
  $("removed-message").textContent = message;
  endWith("removed");
});
socket.on("session_ended", () => endWith("ended"));
