// The participant's screen: the live connection, the page's store, the waiting room, the agenda
// step, leaving. Each capability adds its own module (room-checkins.js, ...) that adds its slice
// and views to the store made here.
//
// The room's state: {session, step, you: {id, name, status, message}, round, answer (this
// phone's answer to it), wins: {wall, spotlight, needApproval, yours, reacted, unsent},
// support: {requests, unsent}}.
import { $, announce, connect, Outbox, request, setStatus } from "./live.js";
import { createStore } from "./store.js";

export const room = $("room");
const joinToken = room.dataset.joinToken;

export const socket = connect("/participant", { join_token: joinToken }, $("connection"), {
  onRefused: () => window.location.assign(room.dataset.startUrl),
});
export const store = createStore(socket);

/** Say something to screen-reader users: what changed in the room, as a sentence. */
export const say = (text) => announce($("room-announcer"), text);

/** A capability's Outbox on this phone, for this session. */
export const outbox = (capability, onResult) => new Outbox(socket, `stepwise-${capability}-${joinToken}`, onResult);

/** Show `counter` as "used / allowed" characters of `field` (its maxlength comes from the server). */
export function countCharacters(field, counter) {
  const count = () => (counter.textContent = `${field.value.length} / ${field.maxLength}`);
  field.addEventListener("input", count);
  count();
  return count;
}

/** After words the safety net held back: a gentle word on `status`, and the crisis resources opened. */
export function offerCare(status, held) {
  setStatus(
    status,
    `Thank you for sharing this. ${held} stays with the facilitator for now. ` +
      "If things feel heavy, you don't have to carry it alone: help is right at the top of this screen.",
    "care",
  );
  $("crisis").open = true;
}

store.slice("session", (snapshot) => snapshot.session, {
  events: { session_ended: (_session, { session, take_home_url: takeHomeUrl }) => ({ ...session, takeHomeUrl }) },
});
store.slice("step", (snapshot) => snapshot.step, { events: { step_changed: (_step, { step }) => step } });
store.slice("you", (snapshot) => snapshot.you, {
  events: { removed: (you, { message }) => ({ ...you, status: "removed", message }) },
});

/** Hide the live parts of the page and show how it ended. */
function endWith(sectionId) {
  for (const section of room.querySelectorAll("[data-live]")) section.hidden = true;
  for (const dialog of room.querySelectorAll("dialog[open]")) dialog.close();
  $(sectionId).hidden = false;
  socket.disconnect();
  $("connection").textContent = "";
}

store.view(["you", "session"], ({ you, session }) => {
  if (you.status === "removed") {
    $("removed-message").textContent = you.message;
    endWith("removed");
  } else if (session.state === "ended") {
    if (session.takeHomeUrl) {
      $("take-home-link").href = session.takeHomeUrl;
      $("take-home").hidden = false;
    }
    endWith("ended");
  } else {
    $("waiting").hidden = you.status !== "waiting";
    $("step").hidden = you.status === "waiting";
  }
});
store.view(["step"], ({ step }, _previous, action) => {
  $("step-title").textContent = step ? step.title : "Welcome";
  $("step-prompt").textContent = (step && step.prompt) || "";
  if (action.type === "step_changed" && step) say(step.prompt ? `Now: ${step.title}. ${step.prompt}` : `Now: ${step.title}.`);
});

// Leaving asks first, and says what leaving means (the dialog's words).
const leaveDialog = $("leave-dialog");
$("leave-form").addEventListener("submit", (event) => {
  event.preventDefault();
  setStatus($("leave-status"), "");
  leaveDialog.showModal();
});
leaveDialog.querySelector("form").addEventListener("submit", async (event) => {
  if (event.submitter?.value !== "leave") return; // "Stay" just closes the dialog
  event.preventDefault();
  setStatus($("leave-status"), "Leaving…", "pending");
  const ack = await request(socket, "leave");
  if (!ack.ok) {
    setStatus($("leave-status"), ack.error, "error");
    return;
  }
  socket.disconnect();
  window.location.assign(room.dataset.startUrl);
});

// The action bar stays at the bottom of the screen: what the keyboard or a link brings into view
// must not end up behind it.
const bar = $("room-bar");
new ResizeObserver(() => {
  document.documentElement.style.scrollPaddingBottom = bar.hidden ? "" : `${bar.offsetHeight}px`;
}).observe(bar);

// Quick exit (quick-exit.js) leaves quietly: the connection closes, nothing is said, and the console
// shows this person as away, not as having left; the same link brings them back.
document.addEventListener("quickexit", () => socket.disconnect());

socket.on("admitted", async () => {
  // Let in: the whole room's state, which the waiting room did not show.
  const ack = await request(socket, "sync");
  if (ack.ok) store.dispatch("session_state", ack.state);
});
