// The shared screen the facilitator projects: the current step and the wins wall, in big type.
// It only listens: the server refuses any event from a screen connection.
import { connect, el } from "./live.js";
import { reactionRow, WinWall, winBody } from "./wins.js";

const screen = document.getElementById("screen");
const $ = (id) => document.getElementById(id);
const iconsUrl = screen.dataset.iconsUrl;

const socket = connect("/facilitator", { live_session_id: Number(screen.dataset.sessionId), screen: true }, $("connection"));

function renderStep(step) {
  $("screen-step-title").textContent = step ? step.title : "Welcome";
  $("screen-step-prompt").textContent = step ? step.prompt : "";
  screen.classList.toggle("wins-step", Boolean(step && step.kind === "wins"));
}

const wall = new WinWall({
  list: $("win-wall"),
  empty: $("win-wall-empty"),
  spotlight: $("win-spotlight"),
  spotlightBody: $("win-spotlight-body"),
  iconsUrl,
  renderWin: (win) => {
    const item = el("li", "", "card-win");
    item.append(...winBody(win), reactionRow(win, iconsUrl));
    return item;
  },
});
wall.listen(socket);

socket.on("session_state", (state) => {
  renderStep(state.step);
  wall.load(state.wins);
});
socket.on("step_changed", ({ step }) => renderStep(step));
socket.on("session_ended", () => {
  renderStep({ title: "Thank you for today", prompt: "The session has ended. Every step counts, even the small ones." });
  socket.disconnect();
});
