// The shared screen the facilitator projects: the current step and the wins wall, in big type.
// It only listens: the server refuses any event from a screen connection.
//
// The screen's state: {session, step, wins: {wall, spotlight, needApproval}}.
import { $, connect, el } from "./live.js";
import { createStore } from "./store.js";
import { loadWall, reactionRow, wallEvents, wallView, winBody } from "./wins.js";

const screen = $("screen");
const iconsUrl = screen.dataset.iconsUrl;

const socket = connect("/facilitator", { live_session_id: Number(screen.dataset.sessionId), screen: true }, $("connection"));
const store = createStore(socket);

store.slice("session", (snapshot) => snapshot.session, {
  events: { session_ended: (_session, { session }) => session },
});
store.slice("step", (snapshot) => snapshot.step, { events: { step_changed: (_step, { step }) => step } });
store.slice("wins", (snapshot) => loadWall(snapshot.wins), { events: wallEvents });

store.view(["session", "step"], ({ session, step }) => {
  const ended = session.state === "ended";
  const shown = ended
    ? { title: "Thank you for today", prompt: "The session has ended. Every step counts, even the small ones." }
    : step;
  $("screen-step-title").textContent = shown ? shown.title : "Welcome";
  $("screen-step-prompt").textContent = shown ? shown.prompt : "";
  screen.classList.toggle("wins-step", Boolean(shown && shown.kind === "wins"));
  if (ended) socket.disconnect();
});

const drawWall = wallView({
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
store.view(["wins"], ({ wins }, _previous, action) => drawWall(wins, action));
