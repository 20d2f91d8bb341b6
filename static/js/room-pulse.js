// The participant's group pulse: four optional, anonymous questions on how the session fit.
// Shown from the check-out step on, or when the facilitator asks; answered over the live
// connection (kept until acknowledged). A phone that hadn't answered when the session ended is
// asked on the "The session has ended" card, and answers over HTTP with the ticket it was given.
//
// Slice `pulse` (null in the waiting room): {asked, yours (own answers or null), ticket}.
import { $, newClientId, NOT_SENT } from "./live.js";
import { outbox as makeOutbox, say, store } from "./room.js";
import { postLate, pulseForm, remember, remembered } from "./pulse-form.js";

const section = $("pulse");
const SLOT = "pulse";
let sessionId = null;
let late = false; // the session ended: answers go over HTTP with the ticket

const form = pulseForm("pulse", { onSend: send, onNotToday: notToday });
const outbox = makeOutbox("pulse", handleResult);

const inTheRoom = (reduce) => (pulse, payload) => (pulse ? reduce(pulse, payload) : pulse);

store.slice("pulse", ({ pulse }) => pulse || null, {
  events: { pulse_asked: inTheRoom((pulse) => ({ ...pulse, asked: true })) },
  actions: { pulse_answered: inTheRoom((pulse, { yours }) => ({ ...pulse, yours })) },
});

function done() {
  return sessionId !== null && Boolean(remembered(sessionId).done);
}

function handleResult(_slot, ack, payload) {
  form.sending(false);
  if (ack.ok) {
    remember(sessionId, { done: true });
    form.setStatus("Thank you ✓ Sent, without your name.", "sent");
    store.dispatch("pulse_answered", { yours: ack.pulse });
  } else {
    form.fill(payload);
    form.setStatus(ack.error, "error");
  }
}

async function send(scores) {
  form.sending(true);
  if (late) {
    await sendLate(scores);
    return;
  }
  const result = await outbox.submit(SLOT, "submit_pulse", { client_id: newClientId(), ...scores });
  if (result.queued) {
    form.sending(false);
    form.setStatus(NOT_SENT, "pending");
  }
}

/** After the end: the ticket, and the same answer id if it is sent again. */
async function sendLate(scores) {
  const saved = remembered(sessionId);
  const clientId = saved.lateClientId || newClientId();
  remember(sessionId, { lateClientId: clientId });
  const url = `${store.state.session.takeHomeUrl}/pulse`;
  const ack = await postLate(url, $("pulse-form"), { ticket: saved.ticket, clientId, scores });
  form.sending(false);
  if (ack.ok) {
    remember(sessionId, { done: true });
    form.setStatus("Thank you ✓ Sent, without your name.", "sent");
    form.showThanks(true, { focus: true });
  } else {
    form.setStatus(ack.error, "error");
  }
}

/** "Not today": the card says that's fine and asks no more (the next change of step hides it). */
function notToday() {
  remember(sessionId, { done: true });
  outbox.forget(SLOT);
  form.setAside();
}

store.view(["session", "pulse"], ({ session, pulse }) => {
  sessionId = session.id;
  if (pulse && pulse.ticket) remember(sessionId, { ticket: pulse.ticket });
});

store.view(["you", "session", "step", "pulse"], ({ you, session, step, pulse }, _previous, action) => {
  if (session.state === "ended") {
    // Not answered by the end: the ended card asks once more, if this phone holds a ticket.
    const pending = outbox.pending()[SLOT];
    const saved = remembered(session.id);
    const ask = !pulse?.yours && !saved.done && Boolean(saved.ticket) && Boolean(session.takeHomeUrl);
    if (pending) {
      outbox.forget(SLOT); // it never reached the server: send it with the ticket instead
      form.fill(pending.payload);
    }
    late = true;
    $("ended").after(section);
    section.hidden = !ask;
    form.showThanks(false);
    return;
  }
  if (!pulse || you.status !== "present") {
    section.hidden = true;
    return;
  }
  const showing = pulse.asked || step?.kind === "checkout";
  const answered = Boolean(pulse.yours);
  section.hidden = !showing || (!answered && done());
  form.showThanks(answered);
  if (action.type === "pulse_asked" && !section.hidden && !answered) {
    say("The facilitator asks how today's session fit you: four quick questions, all optional.");
  }
});
