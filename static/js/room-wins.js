// The participant's small wins: share one anonymously (kept until acknowledged), take your own
// back, and celebrate the group's wall with reactions.
import { el, newClientId, Outbox, send } from "./live.js";
import { $, onState, outboxKey, socket } from "./room.js";
import { reactionRow, WinWall, winBody } from "./wins.js";

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
  queued: "Shared ✓ It will appear on the wall within half a minute, together with any others.",
  shown: "Shared ✓ It's on the wall.",
};
const QUEUED = "Not sent yet. We'll keep trying as soon as you're connected.";

/** Wins not yet acknowledged, across reconnects and reloads; a resend is the same win. */
const outbox = new Outbox(socket, outboxKey("wins"), handleResult);
const yours = new Map(); // win id -> {id, text, kind, status}
let reacted = {}; // win id -> reactions this phone gave

// --- sharing --------------------------------------------------------------------------------

function showStatus(text, state = "") {
  const status = $("win-status");
  status.textContent = text;
  status.dataset.state = state;
}

function countText() {
  const text = $("win-text");
  $("win-count").textContent = `${text.value.length} / ${text.maxLength}`;
}

/** After a win the safety net held back: a gentle word, and the crisis resources opened. */
function showCare() {
  showStatus(
    "Thank you for sharing this. It stays with the facilitator for now. " +
      "If things feel heavy, you don't have to carry it alone: help is right at the top of this screen.",
    "care",
  );
  $("crisis").open = true;
}

function handleResult(slot, ack, payload) {
  if (!ack.ok) {
    showStatus(ack.error, "error");
    if (!$("win-text").value) $("win-text").value = payload.text; // nothing typed is lost
    countText();
  } else {
    yours.set(ack.win.id, ack.win);
    if (ack.held) showCare();
    else showStatus(SHARED[ack.win.status] || SHARED.pending, "sent");
  }
  renderYours();
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
    showStatus(QUEUED, "pending");
    renderYours();
  }
});
$("win-text").addEventListener("input", countText);

// --- your wins ------------------------------------------------------------------------------

async function takeBack(win) {
  if (!window.confirm("Take back this win? It will be removed for everyone.")) return;
  if (win.status === "unsent") {
    outbox.forget(win.slot);
  } else {
    let ack;
    try {
      ack = await send(socket, "take_back_win", { win_id: win.id });
    } catch {
      ack = { ok: false, error: "No answer yet. Please check your connection and try again." };
    }
    if (!ack.ok) {
      showStatus(ack.error, "error");
      return;
    }
    yours.delete(win.id);
  }
  showStatus("Taken back. It's gone from the wall.", "sent");
  renderYours();
}

function renderYours() {
  const unsent = Object.entries(outbox.pending()).map(([slot, item]) => ({ ...item.payload, slot, status: "unsent" }));
  const all = [...yours.values(), ...unsent];
  $("your-wins-box").hidden = all.length === 0;
  $("your-wins").replaceChildren(
    ...all.map((win) => {
      const item = el("li", "", `your-win status-${win.status}`);
      const button = el("button", "Take back", "link-button");
      button.type = "button";
      button.setAttribute("aria-label", `Take back “${win.text}”`);
      button.addEventListener("click", () => takeBack(win));
      item.append(...winBody(win), el("p", STATUS_LABELS[win.status], "win-status small"), button);
      return item;
    }),
  );
}

// --- the wall -------------------------------------------------------------------------------

async function react(win, reaction, button) {
  const on = button.getAttribute("aria-pressed") !== "true";
  let ack;
  try {
    ack = await send(socket, "react_to_win", { win_id: win.id, reaction, on });
  } catch {
    ack = { ok: false, error: "No answer yet. Please check your connection and try again." };
  }
  if (!ack.ok) {
    showStatus(ack.error, "error");
    return;
  }
  button.setAttribute("aria-pressed", String(on));
  const mine = new Set(reacted[win.id] || []);
  if (on) mine.add(reaction);
  else mine.delete(reaction);
  reacted[win.id] = [...mine]; // the new counts arrive for everyone in win_reactions
}

function renderWin(win) {
  const item = el("li", "", "card-win");
  const row = reactionRow(win, iconsUrl, {
    mine: reacted[win.id] || [],
    onReact: (reaction, button) => react(win, reaction, button),
  });
  item.append(...winBody(win), row);
  return item;
}

function describeMode(needApproval) {
  $("win-mode").textContent = needApproval
    ? "The facilitator looks at each win before the group sees it."
    : "Wins appear on the wall within half a minute, shuffled with any others shared meanwhile.";
}

const wall = new WinWall({
  list: $("win-wall"),
  empty: $("win-wall-empty"),
  spotlight: $("win-spotlight"),
  spotlightBody: $("win-spotlight-body"),
  iconsUrl,
  renderWin,
  onChange: (change) => {
    if (change.mode !== undefined) describeMode(change.mode);
    for (const win of change.shown || []) if (yours.has(win.id)) yours.get(win.id).status = "shown";
    if (change.removed && yours.has(change.removed)) {
      if (change.reason === "hidden") yours.get(change.removed).status = "hidden";
      else yours.delete(change.removed);
    }
    renderYours();
  },
});
wall.listen(socket);

// --- the "small wins" step brings the card to the top -----------------------------------------

const home = document.createComment("small wins");
section.before(home);

function placeForStep(step) {
  const isWinsStep = Boolean(step && step.kind === "wins");
  section.classList.toggle("is-step", isWinsStep);
  if (isWinsStep) {
    $("step").after(section);
    $("win-share").open = true;
  } else {
    home.after(section);
  }
}

onState((state) => {
  section.hidden = state.you.status === "waiting";
  if (!state.wins) return; // the waiting room shows nothing of the room's wins
  reacted = state.wins.reacted || {};
  yours.clear();
  for (const win of state.wins.yours || []) yours.set(win.id, win);
  wall.load(state.wins);
  describeMode(state.wins.need_approval);
  placeForStep(state.step);
  countText();
});
socket.on("step_changed", ({ step }) => placeForStep(step));
