// The small-wins wall, shared by the phone (room-wins.js), the console (console-wins.js) and
// the shared screen (screen.js): the wall's slice of each page's store, the reducers of the
// server's wall events, and the view that draws it, as text.
import { byId, config, el, keyedList } from "./live.js";

const CELEBRATION_MS = 6000;
const SVG = "http://www.w3.org/2000/svg";

/** How long a win may wait for its batch when wins show at once: at most two batches of the server's. */
export function batchWait() {
  const seconds = 2 * config.win_batch_seconds;
  if (seconds <= 30) return "half a minute";
  if (seconds <= 60) return "a minute";
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** A reaction's picture from the sprite; its meaning is given by the label next to it. */
function reactionIcon(iconsUrl, reaction) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "reaction-icon");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `${iconsUrl}#reaction-${reaction}`);
  svg.append(use);
  return svg;
}

/** A win's words and, if chosen, its kind: always as text, never as HTML. */
export function winBody(win) {
  const parts = [el("p", win.text, "win-text")];
  if (win.kind) parts.unshift(el("p", config.win_kinds[win.kind] || "", "win-kind"));
  return parts;
}

/** A win's reactions in words, for reading out: "Applause 2, With you 1" (none at zero). */
export function reactionWords(reactions) {
  return Object.entries(reactions)
    .filter(([, count]) => count > 0)
    .map(([reaction, count]) => `${config.reactions[reaction] || reaction} ${count}`)
    .join(", ");
}

function reactionLabel(reaction, count) {
  return `${config.reactions[reaction]}: ${count}`;
}

/**
 * A row of reaction counts. With `onReact(reaction)` they are buttons (the phone), pressed for
 * the reactions in `mine`; otherwise quiet counts (the console and the shared screen).
 */
export function reactionRow(win, iconsUrl, { onReact = null, mine = [] } = {}) {
  const row = el("div", "", "reactions");
  for (const [reaction, count] of Object.entries(win.reactions)) {
    const item = el(onReact ? "button" : "span", "", "reaction");
    item.dataset.reaction = reaction;
    item.append(reactionIcon(iconsUrl, reaction), el("span", String(count), "reaction-count"));
    if (onReact) {
      item.type = "button";
      item.setAttribute("aria-pressed", String(mine.includes(reaction)));
      item.addEventListener("click", () => onReact(reaction));
    }
    item.setAttribute("aria-label", reactionLabel(reaction, count));
    item.title = config.reactions[reaction];
    row.append(item);
  }
  return row;
}

/** Show new counts in every reaction row inside `container`. */
function updateReactions(container, reactions) {
  for (const item of container.querySelectorAll("[data-reaction]")) {
    const count = reactions[item.dataset.reaction] ?? 0;
    item.querySelector(".reaction-count").textContent = String(count);
    item.setAttribute("aria-label", reactionLabel(item.dataset.reaction, count));
  }
}

/** Greet a new win: an animation, or a still highlight under prefers-reduced-motion (see app.css). */
function celebrate(node) {
  node.classList.add("is-new");
  setTimeout(() => node.classList.remove("is-new"), CELEBRATION_MS);
}

// --- the wall in the store ---------------------------------------------------------------------

/** The wall's part of the store, from a snapshot's `wins`: wins on it in wall order, the spotlit one, the mode. */
export const loadWall = (wins) => ({ wall: byId(wins.wall), spotlight: wins.spotlight, needApproval: wins.need_approval });

/** The same wins slice with `shown` on the wall (those already on it keep their place). */
function withShown(wins, shown) {
  const fresh = shown.filter((win) => !wins.wall.has(win.id));
  if (!fresh.length) return wins;
  const wall = new Map(wins.wall);
  for (const win of fresh) wall.set(win.id, win);
  return { ...wins, wall };
}

/** The reducers of the server's wall events, on a page's wins slice; a page that keeps more
 * (the console's queue, the phone's own wins) builds its reducer of the same event on these. */
export const wallEvents = {
  wins_shown: (wins, { wins: shown }) => withShown(wins, shown),
  win_removed: (wins, { win_id: id }) => {
    if (!wins.wall.has(id)) return wins;
    const wall = new Map(wins.wall);
    wall.delete(id);
    return { ...wins, wall, spotlight: wins.spotlight === id ? null : wins.spotlight };
  },
  win_reactions: (wins, { win_id: id, reactions }) => {
    const win = wins.wall.get(id);
    return win ? { ...wins, wall: new Map(wins.wall).set(id, { ...win, reactions }) } : wins;
  },
  win_spotlit: (wins, { win }) => ({ ...withShown(wins, win ? [win] : []), spotlight: win ? win.id : null }),
  wins_approval_changed: (wins, { need_approval: needApproval }) => ({ ...wins, needApproval }),
};

/**
 * The view of the wall: `renderWin(win)` makes a page's list item; the spotlight is drawn large
 * when the page has a `spotlight` box. Wins new since the last snapshot are greeted; a change of
 * counts changes only the counts, so a reaction button keeps its focus.
 */
export function wallView({ list, empty, spotlight = null, spotlightBody = null, iconsUrl, renderWin }) {
  let greet = false; // whether wins drawn now are new to the room, not just to this page
  const draw = keyedList(list, {
    create: (win) => {
      const item = renderWin(win);
      item.dataset.winId = win.id;
      item.classList.add("win");
      if (greet) celebrate(item);
      return item;
    },
    update: (item, win, before) => {
      if (win.reactions !== before.reactions) updateReactions(item, win.reactions);
    },
  });
  let spotlit = null; // the win drawn in the spotlight
  return (wins, action) => {
    greet = action.type !== "session_state";
    draw(wins.wall);
    empty.hidden = wins.wall.size > 0;
    for (const item of list.children) item.classList.toggle("spotlit", item.dataset.winId === wins.spotlight);
    if (!spotlight) return;
    const win = wins.wall.get(wins.spotlight) || null;
    spotlight.hidden = !win;
    if (win && (!greet || win.id !== spotlit?.id)) {
      spotlightBody.replaceChildren(...winBody(win), reactionRow(win, iconsUrl));
    } else if (win && win.reactions !== spotlit.reactions) {
      updateReactions(spotlightBody, win.reactions);
    }
    spotlit = win;
    if (win && action.type === "win_spotlit") celebrate(spotlight);
  };
}
