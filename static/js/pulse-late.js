// The take-home page's group pulse: for a phone that hadn't answered by the end of the session and
// still holds the ticket it was given during it (pulse-form.js keeps it). Anyone else sees nothing.
import { newAnswerId, postLate, pulseForm, remember, remembered } from "./pulse-form.js";

const section = document.getElementById("take-home-pulse");
const sessionId = section.dataset.sessionId;
const saved = remembered(sessionId);

if (saved.ticket && !saved.done) {
  section.hidden = false;
  const form = pulseForm("take-home-pulse", {
    async onSend(scores) {
      form.sending(true);
      const clientId = remembered(sessionId).lateClientId || newAnswerId();
      remember(sessionId, { lateClientId: clientId });
      const ack = await postLate(section.dataset.url, document.getElementById("take-home-pulse-form"), {
        ticket: saved.ticket,
        clientId,
        scores,
      });
      form.sending(false);
      if (ack.ok) {
        remember(sessionId, { done: true });
        form.setStatus("Thank you ✓ Sent, without your name.", "sent");
        form.showThanks(true, { focus: true });
      } else {
        form.setStatus(ack.error, "error");
      }
    },
    onNotToday() {
      remember(sessionId, { done: true });
      form.setAside();
    },
  });
}
