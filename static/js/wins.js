// The small-wins wall, shared by the phone (room-wins.js), the console (console-wins.js) and
// the shared screen (screen.js): kept in step with the server's announcements, drawn as text.
import { el } from "./live.js";

const KIND_LABELS = {
  showed_up: "Showed up",
  kept_a_routine: "Kept a routine",
  said_no: "Said no",
  talked_it_out: "Talked it out",
  felt_it_and_stayed: "Felt it and stayed",
  asked_for_help: "Asked for help",
};
const REACTIONS = { clap: "Applause", heart: "With you", strength: "Strong", sprout: "Growing" };
const CELEBRATION_MS = 6000;
const SVG = "http://www.w3.org/2000/svg";

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
  if (win.kind) parts.unshift(el("p", KIND_LABELS[win.kind] || "", "win-kind"));
  return parts;
}

function reactionLabel(reaction, count) {
  return `${REACTIONS[reaction]}: ${count}`;
}

/**
 * A row of reaction counts. With `onReact(reaction, button)` they are buttons (the phone),
 * otherwise quiet counts (the console and the shared screen).
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
      item.addEventListener("click", () => onReact(reaction, item));
    }
    item.setAttribute("aria-label", reactionLabel(reaction, count));
    item.title = REACTIONS[reaction];
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

/**
 * The wall: the wins on it in order, and the one in the spotlight (drawn large when the page
 * has a `spotlight` box). `renderWin(win)` makes a page's list item; `onChange(change)` lets the
 * page follow along (change.shown, .removed, .spotlit, .mode).
 */
export class WinWall {
  constructor({ list, empty, spotlight = null, spotlightBody = null, iconsUrl, renderWin, onChange = () => {} }) {
    Object.assign(this, { list, empty, spotlight, spotlightBody, iconsUrl, renderWin, onChange });
    this.wins = new Map();
    this.nodes = new Map();
    this.spotlitId = null;
    this.needApproval = true;
  }

  /** Everything from a session_state snapshot's `wins` part. */
  load(state) {
    this.wins = new Map(state.wall.map((win) => [win.id, win]));
    this.spotlitId = state.spotlight;
    this.needApproval = state.need_approval;
    this.nodes.clear();
    this.list.replaceChildren(...state.wall.map((win) => this.node(win)));
    this.renderAround();
    this.onChange({ loaded: true });
  }

  node(win) {
    const item = this.renderWin(win);
    item.dataset.winId = win.id;
    item.classList.add("win");
    item.classList.toggle("spotlit", win.id === this.spotlitId);
    this.nodes.set(win.id, item);
    return item;
  }

  add(wins) {
    const fresh = wins.filter((win) => !this.wins.has(win.id));
    for (const win of fresh) {
      this.wins.set(win.id, win);
      const item = this.node(win);
      this.list.append(item);
      celebrate(item);
    }
    return fresh;
  }

  /** The spotlight card and the "no wins yet" line. */
  renderAround() {
    this.empty.hidden = this.wins.size > 0;
    for (const [id, item] of this.nodes) item.classList.toggle("spotlit", id === this.spotlitId);
    if (!this.spotlight) return;
    const win = this.wins.get(this.spotlitId);
    this.spotlight.hidden = !win;
    if (win) this.spotlightBody.replaceChildren(...winBody(win), reactionRow(win, this.iconsUrl));
  }

  listen(socket) {
    socket.on("wins_shown", ({ wins }) => {
      const shown = this.add(wins);
      this.renderAround();
      this.onChange({ shown });
    });
    socket.on("win_removed", ({ win_id: id, reason }) => {
      const win = this.wins.get(id);
      this.wins.delete(id);
      this.nodes.get(id)?.remove();
      this.nodes.delete(id);
      if (this.spotlitId === id) this.spotlitId = null;
      this.renderAround();
      this.onChange({ removed: id, win, reason });
    });
    socket.on("win_reactions", ({ win_id: id, reactions }) => {
      const win = this.wins.get(id);
      if (!win) return;
      win.reactions = reactions;
      updateReactions(this.nodes.get(id), reactions);
      if (id === this.spotlitId && this.spotlight) updateReactions(this.spotlightBody, reactions);
    });
    socket.on("win_spotlit", ({ win }) => {
      this.spotlitId = win ? win.id : null;
      const shown = win ? this.add([win]) : [];
      this.renderAround();
      if (win && this.spotlight) celebrate(this.spotlight);
      this.onChange({ shown, spotlit: win });
    });
    socket.on("wins_approval_changed", ({ need_approval: needApproval }) => {
      this.needApproval = needApproval;
      this.onChange({ mode: needApproval });
    });
  }
}
