// The participant's small wins: share one anonymously (kept until acknowledged), take your own
// back, and celebrate the group's wall with reactions.
//
// Slice `wins` (null in the waiting room): the wall (see wins.js), plus `yours` (win id -> own
// entry), `reacted` (win id -> reactions this phone gave) and `unsent` (the Outbox's wins).
import { $, actionButton, byId, el, keyedList, newClientId, NOT_SENT, request, setStatus, throttledAnnouncer } from "./live.js";
import { countCharacters, offerCare, outbox as makeOutbox, say, socket, store } from "./room.js";
import { batchWait, loadWall, reactionRow, reactionWords, wallEvents, wallView, winBody } from "./wins.js";

const section = $("wins");
const form = $("win-form");
const iconsUrl = section.dataset.iconsUrl;
const STATUS_LABELS = {
  unsent: "Not sent yet: we'll send it as soon as you're connected",
  pending: "Waiting for the facilitator",
  queued: "On its way to the wall",
  shown: "On the wall",
  hidden: "Kept off the wall for now. It still counts.",
};
const SHARED = {
  pending: "Shared ✓ The facilitator will put it on the wall soon.",
  queued: `Shared ✓ It will appear on the wall within ${batchWait()}, together with any others.`,
  shown: "Shared ✓ It's on the wall.",
};
const showStatus = (text, state) => setStatus($("win-status"), text, state);

/** Wins not yet acknowledged, across reconnects and reloads; a resend is the same win. */
const outbox = makeOutbox("wins", handleResult);

// --- the slice ---------------------------------------------------------------------------------

/** `wins` with own wins among `ids` given `status` (or taken off the list, for null). */
function markYours(wins, ids, status) {
  const mine = ids.filter((id) => wins.yours.has(id));
  if (!mine.length) return wins;
  const yours = new Map(wins.yours);
  for (const id of mine) {
    if (status) yours.set(id, { ...yours.get(id), status });
    else yours.delete(id);
  }
  return { ...wins, yours };
}

/** A reducer that leaves the waiting room's empty slice alone. */
const inTheRoom = (reduce) => (wins, payload) => (wins ? reduce(wins, payload) : wins);

store.slice(
  "wins",
  ({ wins }) =>
    wins && {
      ...loadWall(wins),
      yours: byId(wins.yours || []),
      reacted: wins.reacted || {},
      unsent: outbox.pending(),
    },
  {
    events: {
      wins_shown: inTheRoom((wins, payload) => {
        const fresh = payload.wins.filter((win) => !wins.wall.has(win.id)).map((win) => win.id);
        return markYours(wallEvents.wins_shown(wins, payload), fresh, "shown");
      }),
      win_spotlit: inTheRoom((wins, payload) => {
        const fresh = payload.win && !wins.wall.has(payload.win.id) ? [payload.win.id] : [];
        return markYours(wallEvents.win_spotlit(wins, payload), fresh, "shown");
      }),
      win_removed: inTheRoom((wins, payload) => {
        const status = payload.reason === "hidden" ? "hidden" : null;
        return markYours(wallEvents.win_removed(wins, payload), [payload.win_id], status);
      }),
      win_reactions: inTheRoom(wallEvents.win_reactions),
      wins_approval_changed: inTheRoom(wallEvents.wins_approval_changed),
    },
    actions: {
      // What this phone sent: acknowledged (`win`, or null when refused) and what still waits.
      own_win_sent: inTheRoom((wins, { win, unsent }) => ({
        ...wins,
        yours: win ? new Map(wins.yours).set(win.id, win) : wins.yours,
        unsent,
      })),
      own_wins_unsent: inTheRoom((wins, unsent) => ({ ...wins, unsent })),
      own_win_taken_back: inTheRoom((wins, { win_id: id }) => markYours(wins, [id], null)),
      reaction_given: inTheRoom((wins, { win_id: id, reaction, on }) => {
        const mine = new Set(wins.reacted[id] || []);
        if (on) mine.add(reaction);
        else mine.delete(reaction);
        return { ...wins, reacted: { ...wins.reacted, [id]: [...mine] } };
      }),
    },
  },
);

// --- sharing --------------------------------------------------------------------------------

const countText = countCharacters($("win-text"), $("win-count"));

function handleResult(_slot, ack, payload) {
  store.dispatch("own_win_sent", { win: ack.ok ? ack.win : null, unsent: outbox.pending() });
  if (!ack.ok) {
    showStatus(ack.error, "error");
    if (!$("win-text").value) $("win-text").value = payload.text; // nothing typed is lost
    countText();
  } else if (ack.held) {
    offerCare($("win-status"), "It");
  } else {
    showStatus(SHARED[ack.win.status] || SHARED.pending, "sent");
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("win-text").value.trim();
  if (!text) {
    showStatus("Please write a few words about your win first. Small is perfect.", "error");
    return;
  }
  const payload = { client_id: newClientId(), text, kind: form.elements.kind.value || null };
  showStatus("Sending…", "pending");
  form.reset();
  countText();
  const result = await outbox.submit(`win-${payload.client_id}`, "share_win", payload);
  if (result.queued) {
    showStatus(NOT_SENT, "pending");
    store.dispatch("own_wins_unsent", outbox.pending());
  }
});

// --- your wins ------------------------------------------------------------------------------

async function takeBack(win) {
  if (!window.confirm("Take back this win? It will be removed for everyone.")) return;
  if (win.status === "unsent") {
    outbox.forget(win.slot);
    store.dispatch("own_wins_unsent", outbox.pending());
  } else {
    const ack = await request(socket, "take_back_win", { win_id: win.id });
    if (!ack.ok) {
      showStatus(ack.error, "error");
      return;
    }
    store.dispatch("own_win_taken_back", { win_id: win.id });
  }
  showStatus("Taken back. It's gone from the wall.", "sent");
}

function yourWin(win) {
  const item = el("li", "", `your-win status-${win.status}`);
  const button = actionButton("Take back", "link-button", () => takeBack(win), `Take back “${win.text}”`);
  item.append(...winBody(win), el("p", STATUS_LABELS[win.status], "win-status small"), button);
  return item;
}

const drawYours = keyedList($("your-wins"), { create: yourWin });
let unsentWins = { from: null, entries: [] }; // the Outbox's wins as list entries, made once per change

function drawYourWins({ yours, unsent }) {
  if (unsent !== unsentWins.from) {
    const entries = Object.entries(unsent).map(([slot, item]) => [slot, { ...item.payload, slot, status: "unsent" }]);
    unsentWins = { from: unsent, entries };
  }
  const all = new Map([...yours, ...unsentWins.entries]);
  drawYours(all);
  $("your-wins-box").hidden = all.size === 0;
}

// --- the wall -------------------------------------------------------------------------------

async function react(id, reaction) {
  const on = !(store.state.wins.reacted[id] || []).includes(reaction);
  const ack = await request(socket, "react_to_win", { win_id: id, reaction, on });
  if (!ack.ok) showStatus(ack.error, "error");
  else store.dispatch("reaction_given", { win_id: id, reaction, on }); // the new counts arrive for everyone in win_reactions
}

const drawWall = wallView({
  list: $("win-wall"),
  empty: $("win-wall-empty"),
  spotlight: $("win-spotlight"),
  spotlightBody: $("win-spotlight-body"),
  iconsUrl,
  renderWin: (win) => {
    const item = el("li", "", "card-win");
    const mine = store.state.wins.reacted[win.id] || [];
    item.append(...winBody(win), reactionRow(win, iconsUrl, { mine, onReact: (reaction) => react(win.id, reaction) }));
    return item;
  },
});

/** Show which reactions this phone gave, on the wall's buttons. */
function showReacted(reacted) {
  for (const item of $("win-wall").children) {
    const mine = reacted[item.dataset.winId] || [];
    for (const button of item.querySelectorAll("[data-reaction]")) {
      button.setAttribute("aria-pressed", String(mine.includes(button.dataset.reaction)));
    }
  }
}

function describeMode(needApproval) {
  $("win-mode").textContent = needApproval
    ? "The facilitator looks at each win before the group sees it."
    : `Wins appear on the wall within ${batchWait()}, shuffled with any others shared meanwhile.`;
}

// --- what is read out -------------------------------------------------------------------------
// The wall is not a live region (its counts would be read out as bare figures, one by one): news
// of it is said in words, and reactions, which can come many a second, at most every few seconds.

const announceReactions = throttledAnnouncer($("room-announcer"), 5000);
const announceWall = throttledAnnouncer($("room-announcer"), 5000);
const shortly = (text) => (text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text);

/** Say what an event changed on the wall; `wallBefore` is the wall as it was. */
function sayWhatChanged(wins, wallBefore, action) {
  if (action.type === "wins_shown") {
    const fresh = action.payload.wins.filter((win) => !wallBefore.has(win.id));
    const mine = fresh.filter((win) => wins.yours.has(win.id));
    const others = fresh.filter((win) => !wins.yours.has(win.id));
    if (mine.length) say(`Your win is on the wall: “${shortly(mine[0].text)}”`);
    if (others.length === 1) announceWall(`New on the wall: “${shortly(others[0].text)}”`);
    else if (others.length > 1) announceWall(`${others.length} new wins on the wall.`);
  } else if (action.type === "win_spotlit" && action.payload.win) {
    say(`In the spotlight: “${shortly(action.payload.win.text)}”`);
  } else if (action.type === "win_reactions" && wins.yours.has(action.payload.win_id)) {
    const win = wins.wall.get(action.payload.win_id);
    const words = reactionWords(action.payload.reactions);
    if (win && words) announceReactions(`Reactions to your win “${shortly(win.text)}”: ${words}.`);
  }
}

store.view(["wins"], ({ wins }, previous, action) => {
  if (!wins) return; // the waiting room shows nothing of the room's wins
  const before = action.type === "session_state" ? null : previous.wins;
  drawWall(wins, action);
  if (wins.reacted !== before?.reacted) showReacted(wins.reacted);
  if (wins.needApproval !== before?.needApproval) describeMode(wins.needApproval);
  drawYourWins(wins);
  if (before) sayWhatChanged(wins, before.wall, action);
});

// --- the "small wins" step brings the card to the top -----------------------------------------

const home = document.createComment("small wins");
section.before(home);

store.view(["you"], ({ you }) => {
  section.hidden = you.status !== "present";
});
store.view(["step"], ({ step }) => {
  const isWinsStep = Boolean(step && step.kind === "wins");
  section.classList.toggle("is-step", isWinsStep);
  if (isWinsStep) {
    $("step").after(section);
    $("win-share").open = true;
  } else {
    home.after(section);
  }
});
