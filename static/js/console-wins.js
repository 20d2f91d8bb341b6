// The facilitator's small wins: approve, hide or spotlight; choose approval first or "show at once".
// Wins are anonymous here too: nothing the console receives says who shared one.
//
// Slice `wins`: the wall (see wins.js), plus `queue` (waiting for approval) and `hidden` (kept
// off the wall), each a Map of console entries by win id.
import { $, actionButton, byId, el, keyedList } from "./live.js";
import { act, announce, refocus, store } from "./console.js";
import { batchWait, loadWall, reactionRow, wallEvents, wallView, winBody } from "./wins.js";

const iconsUrl = $("wins-panel").dataset.iconsUrl;

/** The wins slice with `shown` (now on the wall) out of the queue and the hidden list. */
function offTheList(wins, shown) {
  if (!shown.some((win) => wins.queue.has(win.id) || wins.hidden.has(win.id))) return wins;
  const queue = new Map(wins.queue);
  const hidden = new Map(wins.hidden);
  for (const win of shown) {
    queue.delete(win.id);
    hidden.delete(win.id);
  }
  return { ...wins, queue, hidden };
}

store.slice("wins", ({ wins }) => ({ ...loadWall(wins), queue: byId(wins.queue), hidden: byId(wins.hidden) }), {
  events: {
    win_pending: (wins, { win }) => ({ ...wins, queue: new Map(wins.queue).set(win.id, win) }),
    wins_shown: (wins, payload) => offTheList(wallEvents.wins_shown(wins, payload), payload.wins),
    win_spotlit: (wins, payload) => offTheList(wallEvents.win_spotlit(wins, payload), payload.win ? [payload.win] : []),
    win_removed: (wins, payload) => {
      const { win_id: id, reason } = payload;
      const win = wins.wall.get(id) || wins.queue.get(id);
      const queue = new Map(wins.queue);
      queue.delete(id);
      const hidden = new Map(wins.hidden);
      if (reason === "hidden" && win) hidden.set(id, win);
      else hidden.delete(id);
      return { ...wallEvents.win_removed(wins, payload), queue, hidden };
    },
    win_reactions: wallEvents.win_reactions,
    wins_approval_changed: wallEvents.wins_approval_changed,
  },
});

/** Where focus goes when a win's item left `list` (it was at `index`): the same button of the win
 * now in its place (or the last one), else the list's heading. */
function nextInList(list, index, position) {
  const items = [...list.children];
  const item = items[Math.min(index, items.length - 1)];
  const buttons = item ? [...item.querySelectorAll(".actions button")] : [];
  return buttons[position] || buttons[0] || $(list.dataset.heading);
}

function moderationItem(win, actions) {
  const item = el("li", "", `win${win.held ? " held" : ""}`);
  if (win.held) item.append(el("p", "Held by the safety net: please read it before showing it", "win-held-note"));
  item.append(...winBody(win));
  const buttons = el("div", "", "actions");
  actions.forEach(([label, event, className], position) => {
    const payload = { win_id: win.id };
    const button = actionButton(
      label,
      className,
      async () => {
        const list = item.parentElement;
        const index = [...list.children].indexOf(item);
        await act(event, payload);
        // Approved, hidden or shown, the win leaves this list: on to the next one.
        refocus(button, () => nextInList(list, index, position));
      },
      `${label}: ${win.text}`,
    );
    buttons.append(button);
  });
  item.append(buttons);
  return item;
}

const drawQueue = keyedList($("win-queue"), {
  create: (win) =>
    moderationItem(win, [
      ["Approve", "approve_win", "button small"],
      ["Spotlight", "spotlight_win", "button secondary small"],
      ["Hide", "hide_win", "link-button"],
    ]),
});
const drawHidden = keyedList($("win-hidden"), {
  create: (win) => moderationItem(win, [["Show on the wall", "approve_win", "button secondary small"]]),
});
const drawWall = wallView({
  list: $("win-console-wall"),
  empty: $("win-console-wall-empty"),
  iconsUrl,
  renderWin: (win) => {
    const item = moderationItem(win, [
      ["Spotlight", "spotlight_win", "button secondary small"],
      ["Hide", "hide_win", "link-button"],
    ]);
    item.insertBefore(reactionRow(win, iconsUrl), item.lastChild);
    return item;
  },
});

function describeMode(needApproval) {
  $("wins-need-approval").checked = needApproval;
  $("wins-mode-hint").textContent = needApproval
    ? "Each win waits here until you approve it."
    : `Wins appear without your check, in shuffled batches within ${batchWait()}. Wins the safety net holds still wait here.`;
}

store.view(["wins"], ({ wins }, previous, action) => {
  drawWall(wins, action);
  drawQueue(wins.queue);
  $("win-queue-empty").hidden = wins.queue.size > 0;
  $("win-queue-count").textContent = String(wins.queue.size);
  drawHidden(wins.hidden);
  $("win-hidden-count").textContent = String(wins.hidden.size);
  $("win-hidden-box").hidden = wins.hidden.size === 0;
  $("win-spotlight-clear").hidden = !wins.spotlight;
  if (action.type === "session_state" || wins.needApproval !== previous.wins.needApproval) describeMode(wins.needApproval);
  if (action.type === "win_pending") {
    announce(action.payload.win.held ? "A win is waiting, held by the safety net" : "A new win is waiting for you");
  }
});

$("wins-need-approval").addEventListener("change", async (event) => {
  const ack = await act("set_wins_approval", { need_approval: event.target.checked });
  if (!ack.ok) describeMode(store.state.wins.needApproval);
});
$("win-spotlight-clear").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  await act("spotlight_win", { win_id: null });
  refocus(button, () => $("win-wall-heading"));
});
