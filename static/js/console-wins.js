// The facilitator's small wins: approve, hide or spotlight; choose approval first or "show at once".
// Wins are anonymous here too: nothing the console receives says who shared one.
import { el } from "./live.js";
import { $, act, actionButton, announce, socket } from "./console.js";
import { reactionRow, WinWall, winBody } from "./wins.js";

const iconsUrl = $("wins-panel").dataset.iconsUrl;
const queue = new Map(); // waiting for approval
const hidden = new Map(); // kept off the wall

function moderationItem(win, actions) {
  const item = el("li", "", `win${win.held ? " held" : ""}`);
  if (win.held) item.append(el("p", "Held by the safety net: please read it before showing it", "win-held-note"));
  item.append(...winBody(win));
  const buttons = el("div", "", "actions");
  for (const [label, event, className] of actions) {
    const payload = { win_id: win.id };
    buttons.append(actionButton(label, className, () => act(event, payload), `${label}: ${win.text}`));
  }
  item.append(buttons);
  return item;
}

function renderQueue() {
  const waiting = [...queue.values()].map((win) =>
    moderationItem(win, [
      ["Approve", "approve_win", "button small"],
      ["Spotlight", "spotlight_win", "button secondary small"],
      ["Hide", "hide_win", "link-button"],
    ]),
  );
  $("win-queue").replaceChildren(...waiting);
  $("win-queue-empty").hidden = queue.size > 0;
  $("win-queue-count").textContent = String(queue.size);
  $("win-hidden").replaceChildren(
    ...[...hidden.values()].map((win) => moderationItem(win, [["Show on the wall", "approve_win", "button secondary small"]])),
  );
  $("win-hidden-count").textContent = String(hidden.size);
  $("win-hidden-box").hidden = hidden.size === 0;
}

function renderWallWin(win) {
  const item = moderationItem(win, [
    ["Spotlight", "spotlight_win", "button secondary small"],
    ["Hide", "hide_win", "link-button"],
  ]);
  item.insertBefore(reactionRow(win, iconsUrl), item.lastChild);
  return item;
}

function describeMode(needApproval) {
  $("wins-need-approval").checked = needApproval;
  $("wins-mode-hint").textContent = needApproval
    ? "Each win waits here until you approve it."
    : "Wins appear without your check, in shuffled batches within half a minute. Wins the safety net holds still wait here.";
}

const wall = new WinWall({
  list: $("win-console-wall"),
  empty: $("win-console-wall-empty"),
  iconsUrl,
  renderWin: renderWallWin,
  onChange: (change) => {
    if (change.mode !== undefined) describeMode(change.mode);
    for (const win of change.shown || []) {
      queue.delete(win.id);
      hidden.delete(win.id);
    }
    if (change.removed) {
      const win = change.win || queue.get(change.removed);
      queue.delete(change.removed);
      if (change.reason === "hidden" && win) hidden.set(win.id, win);
      else hidden.delete(change.removed);
    }
    $("win-spotlight-clear").hidden = !wall.spotlitId;
    renderQueue();
  },
});
wall.listen(socket);

socket.on("session_state", ({ wins }) => {
  queue.clear();
  hidden.clear();
  for (const win of wins.queue) queue.set(win.id, win);
  for (const win of wins.hidden) hidden.set(win.id, win);
  wall.load(wins);
  describeMode(wins.need_approval);
});
socket.on("win_pending", ({ win }) => {
  queue.set(win.id, win);
  renderQueue();
  announce(win.held ? "A win is waiting, held by the safety net" : "A new win is waiting for you");
});

$("wins-need-approval").addEventListener("change", async (event) => {
  const ack = await act("set_wins_approval", { need_approval: event.target.checked });
  if (!ack.ok) describeMode(wall.needApproval);
});
$("win-spotlight-clear").addEventListener("click", () => act("spotlight_win", { win_id: null }));
