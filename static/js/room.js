// The participant's screen: the live connection, the waiting room, the agenda step, leaving.
// Each capability adds its own module (room-checkins.js, ...) that imports what it needs from here.
import { connect, send } from "./live.js";

export const room = document.getElementById("room");
export const $ = (id) => document.getElementById(id);
const joinToken = room.dataset.joinToken;

/** The localStorage key of a capability's Outbox on this phone, for this session. */
export const outboxKey = (capability) => `stepwise-${capability}-${joinToken}`;

export const socket = connect("/participant", { join_token: joinToken }, $("connection"), {
  onRefused: () => window.location.assign(room.dataset.startUrl),
});

const stateListeners = [];
/** Run `listener(state)` with every full state: on connect, and after being let in. */
export function onState(listener) {
  stateListeners.push(listener);
}

function renderStep(step) {
  $("step-title").textContent = step ? step.title : "Welcome";
  $("step-prompt").textContent = (step && step.prompt) || "";
}

function renderState(state) {
  const waiting = state.you.status === "waiting";
  $("waiting").hidden = !waiting;
  $("step").hidden = waiting;
  renderStep(state.step);
  for (const listener of stateListeners) listener(state);
}

/** Hide the live parts of the page and show how it ended. */
function endWith(sectionId) {
  for (const section of room.querySelectorAll("[data-live]")) section.hidden = true;
  $(sectionId).hidden = false;
  socket.disconnect();
  $("connection").textContent = "";
}

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

socket.on("session_state", renderState);
socket.on("step_changed", ({ step }) => renderStep(step));
socket.on("admitted", async () => {
  const ack = await send(socket, "sync");
  if (ack.ok) renderState(ack.state);
});
socket.on("removed", ({ message }) => {
  $("removed-message").textContent = message;
  endWith("removed");
});
socket.on("session_ended", ({ take_home_url: takeHomeUrl }) => {
  if (takeHomeUrl) {
    $("take-home-link").href = takeHomeUrl;
    $("take-home").hidden = false;
  }
  endWith("ended");
});
