// The shared screen the facilitator projects for the room: one view at a time, chosen from what
// the room is doing (README, "The shared screen"). It only listens: the server refuses any event
// from a screen connection.
//
// The screen's state: {session, step: {current, movedAfter}, round, wins}. `round` is the latest
// round entry with `responded` (answers and passes, never who) and, once revealed, `reveal`; it
// is marked `live` once an event about it arrived here. `step.movedAfter` is where the round
// stood when the facilitator last moved the agenda, so a result stays up until the room moves on.
import { $, announce, config, connect, el, keyedList } from "./live.js";
import { createStore } from "./store.js";
import { loadWall, wallEvents, winBody } from "./wins.js";

const screen = $("screen");
const iconsUrl = screen.dataset.iconsUrl;
const joinCode = screen.dataset.joinCode;
const SVG = "http://www.w3.org/2000/svg";
const MODES = ["join", "round", "reveal", "wins", "ended"];
const KIND_LABELS = { checkin: "Check-in", checkout: "Check-out", custom: "Question" };
const PAGE_MS = 8000; // a long wall turns a page this often...
const PAGE_MS_REDUCED = 12000; // ...and more slowly, without movement, under prefers-reduced-motion
const CELEBRATION_MS = 6000;
const MOST_WORDS = 8; // feeling words shown after a reveal, most chosen first
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export const socket = connect("/facilitator", { live_session_id: Number(screen.dataset.sessionId), screen: true }, $("connection"));
export const store = createStore(socket);

// --- the state ---------------------------------------------------------------------------------

/** Where a round stands, as one value: a result is shown until the agenda moves past it. */
const roundKey = (round) => (round ? `${round.id}:${round.open}:${round.revealed}` : null);

/** Whether a finished round belongs with the step (used after a reload, when this page did not
 * see the round happen): a check-in's results during the check-in step, not the next one. */
function fitsStep(round, step) {
  if (!step || step.kind === round.kind) return true;
  return round.kind === "custom" && !["checkin", "checkout", "wins"].includes(step.kind);
}

/** Which view the room needs now. An open round comes first, then the wins step, then the
 * latest round's result; otherwise the calm welcome with the way in. */
export function modeOf({ session, step, round }) {
  if (session.state === "ended") return "ended";
  if (round?.open) return "round";
  if (step.current?.kind === "wins") return "wins";
  if (round && roundKey(round) !== step.movedAfter && (round.live || fitsStep(round, step.current))) {
    return round.revealed ? "reveal" : "round";
  }
  return "join";
}

store.slice("session", (snapshot) => snapshot.session, {
  events: {
    session_updated: (_session, { session }) => session,
    session_ended: (_session, { session }) => session,
  },
});
store.slice("step", (snapshot) => ({ current: snapshot.step, movedAfter: null }), {
  events: { step_changed: (_step, { step }, state) => ({ current: step, movedAfter: roundKey(state.round) }) },
});
store.slice("round", (snapshot) => snapshot.round, {
  events: {
    round_opened: (_round, { round }) => ({ ...round, responded: 0, live: true }),
    round_closed: (round, { round: entry }) => ({ ...round, ...entry, live: true }),
    round_revealed: (round, { round: entry, reveal }) => ({ ...round, ...entry, reveal, live: true }),
    round_count: (round, { round_id: id, responded }) =>
      round?.id === id && round.responded !== responded ? { ...round, responded } : round,
  },
});
store.slice("wins", (snapshot) => loadWall(snapshot.wins), { events: wallEvents });

// --- small drawings ----------------------------------------------------------------------------

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

/** A text's size class, so that the longest (280 characters) still fits its card. */
const sizeOf = (text) => (text.length <= 60 ? "size-short" : text.length <= 140 ? "size-medium" : "size-long");

function reactionIcon(reaction) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "reaction-icon");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `${iconsUrl}#reaction-${reaction}`);
  svg.append(use);
  return svg;
}

/** The reactions a win has had, each as its picture, its word and its count; none at zero. */
function reactionsRow(reactions) {
  const given = Object.entries(reactions).filter(([, count]) => count > 0);
  if (!given.length) return null;
  const row = el("p", "", "screen-reactions");
  for (const [reaction, count] of given) {
    const item = el("span", "", "screen-reaction");
    item.dataset.reaction = reaction;
    item.append(reactionIcon(reaction), el("span", config.reactions[reaction] || reaction, "reaction-word"), " ", el("span", String(count), "reaction-count"));
    row.append(item);
  }
  return row;
}

/** A win's words, kind and reactions, as text. */
function winContent(win) {
  const row = reactionsRow(win.reactions);
  return row ? [...winBody(win), row] : winBody(win);
}

/** Greet a new win: a pop, or a still highlight under prefers-reduced-motion (app.css). */
function celebrate(node) {
  node.classList.add("is-new");
  setTimeout(() => node.classList.remove("is-new"), CELEBRATION_MS);
}

function revealSentence(reveal) {
  if (reveal.too_few) return "Too few people answered to show the group's results.";
  const { average, median } = reveal.mood;
  const from = plural(reveal.answered, "answer", "answers");
  return average === null ? `No moods were shared, from ${from}.` : `Average mood ${average}, middle value ${median}, from ${from}.`;
}

/** The moods chosen, as bars with their mood underneath; a count only where someone chose it. */
function moodChart(distribution) {
  const chart = el("div", "", "screen-chart");
  const most = Math.max(1, ...distribution);
  const said = [];
  distribution.forEach((count, index) => {
    const mood = config.mood_min + index;
    const column = el("div", "", "screen-bar");
    const bar = el("div", "", "bar");
    bar.style.height = `${Math.round((count / most) * 100)}%`;
    column.append(el("span", count ? String(count) : "", "bar-count"), bar, el("span", String(mood), "bar-label"));
    chart.append(column);
    if (count) said.push(`mood ${mood} by ${plural(count, "person", "people")}`);
  });
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", `Moods chosen: ${said.join(", ")}.`);
  return chart;
}

// --- the views ---------------------------------------------------------------------------------

/**
 * The wall in pages that fit the screen: cards are laid out in the wall's columns, and each page
 * takes the cards that lie wholly inside the wall's box. With more than one page, the next one comes every PAGE_MS
 * (PAGE_MS_REDUCED and without the fade under prefers-reduced-motion); arrow keys turn them too.
 */
function wallPager(list, indicator, view) {
  let pages = [[0, 0]]; // [first, past the last] card of each page
  let page = 0;
  let timer = null;
  const cards = () => [...list.children];

  function measure() {
    const nodes = cards();
    pages = [];
    let start = 0;
    while (start < nodes.length) {
      nodes.forEach((node, index) => (node.hidden = index < start));
      let end = start;
      // Layout positions (offset*), not drawn ones: a greeting's scale must not move a page break.
      const fits = (node) =>
        node.offsetLeft + node.offsetWidth <= list.clientWidth + 1 && node.offsetTop + node.offsetHeight <= list.clientHeight + 1;
      while (end < nodes.length && fits(nodes[end])) end += 1;
      end = Math.max(end, start + 1); // a card taller than the wall still gets a page of its own
      pages.push([start, end]);
      start = end;
    }
    if (!pages.length) pages = [[0, 0]];
  }

  function show(index, turned) {
    page = ((index % pages.length) + pages.length) % pages.length;
    const [start, end] = pages[page];
    cards().forEach((node, i) => (node.hidden = i < start || i >= end));
    indicator.hidden = pages.length < 2;
    indicator.textContent = `Page ${page + 1} of ${pages.length}`;
    list.dataset.page = String(page + 1);
    list.dataset.pages = String(pages.length);
    if (turned) {
      list.classList.remove("page-turn");
      void list.offsetWidth; // restart the fade
      list.classList.add("page-turn");
    }
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
  }

  /** The next turn, a full interval after this page was first shown (a redraw does not delay it). */
  function schedule(restart) {
    if (restart || pages.length < 2 || view.hidden) stop();
    if (timer === null && pages.length > 1 && !view.hidden) {
      timer = setTimeout(() => {
        timer = null;
        turn(1);
      }, reducedMotion.matches ? PAGE_MS_REDUCED : PAGE_MS);
    }
  }

  function turn(delta) {
    show(page + delta, true);
    schedule(true);
  }

  return {
    /** Lay the pages out again; with `cardIndex`, show the page holding that card. */
    relayout(cardIndex = null) {
      if (view.hidden) {
        stop();
        return;
      }
      const before = page;
      measure();
      const holding = cardIndex === null ? -1 : pages.findIndex(([start, end]) => cardIndex >= start && cardIndex < end);
      const next = holding >= 0 ? holding : Math.min(page, pages.length - 1);
      show(next, next !== before);
      schedule(next !== before);
    },
    turn,
  };
}

const wall = $("win-wall");
const pager = wallPager(wall, $("wins-page"), $("view-wins"));
let mode = null;

function modeSentence(state, next) {
  const { step, round } = state;
  if (next === "round") return round.open ? `${KIND_LABELS[round.kind] || "Check-in"} is open: ${round.prompt}` : "This round has closed.";
  if (next === "reveal") return `The group's answers. ${revealSentence(round.reveal)}`;
  if (next === "wins") return step.current?.title || "Small wins";
  if (next === "ended") return "The session has ended.";
  return `Now: ${step.current?.title || "Welcome"}`;
}

// Which view shows (drawn first, so the wall is measured in a visible box).
store.view(["session", "step", "round"], (state) => {
  const next = modeOf(state);
  for (const name of MODES) $(`view-${name}`).hidden = name !== next;
  screen.dataset.mode = next;
  const joinable = Boolean(joinCode) && !state.session.locked && state.session.state !== "ended";
  $("join-box").hidden = !joinable;
  $("join-note").hidden = !joinable;
  $("footer-join").hidden = !joinable || next === "join";
  if (next !== mode) {
    mode = next;
    announce($("screen-announce"), modeSentence(state, next));
    pager.relayout();
  }
  if (state.session.state === "ended") socket.disconnect();
});

// The welcome: the current step's title and prompt, as a question, never an instruction.
store.view(["step"], ({ step }) => {
  $("screen-step-title").textContent = step.current ? step.current.title : "Welcome";
  $("screen-step-prompt").textContent = step.current ? step.current.prompt : "";
});

// An open round: its prompt and how many have responded; a closed one: thanks. The result.
store.view(["round"], ({ round }) => {
  if (!round) return;
  const kind = KIND_LABELS[round.kind] || "Check-in";
  for (const id of ["round-kind", "reveal-kind"]) $(id).textContent = kind;
  for (const id of ["round-prompt", "reveal-prompt"]) {
    $(id).textContent = round.prompt;
    $(id).classList.toggle("is-long", round.prompt.length > 90);
  }
  $("round-anonymous").hidden = !round.anonymous;
  const count = round.responded ?? 0;
  $("round-count").textContent = String(count);
  $("round-count-words").textContent = count === 0 ? "answers so far" : count === 1 ? "person has answered" : "people have answered";
  $("round-batches").hidden = !(round.anonymous && round.open);
  $("round-instruction").hidden = !round.open;
  $("round-closed").hidden = round.open;
  const body = $("reveal-body");
  const reveal = round.reveal;
  if (!reveal) {
    body.replaceChildren();
  } else if (reveal.too_few) {
    body.replaceChildren(
      el("p", "Too few people answered to show the group's results. That keeps everyone's answers private.", "screen-stat screen-too-few"),
      el("p", "Thank you for taking part.", "screen-calm"),
    );
  } else {
    const parts = [el("p", revealSentence(reveal), "screen-stat")];
    if (reveal.mood.average !== null) parts.push(moodChart(reveal.mood.distribution));
    if (reveal.feelings.length) {
      const words = el("ul", "", "screen-words");
      words.setAttribute("aria-label", "Feeling words chosen");
      words.append(...reveal.feelings.slice(0, MOST_WORDS).map(([word, times]) => el("li", `${word} × ${times}`)));
      parts.push(words);
    }
    body.replaceChildren(...parts);
  }
});

// The wins step: the spotlit win large, the others in pages.
let greet = false; // whether wins drawn now are new to the room, not just to this page
const drawWall = keyedList(wall, {
  create: (win) => {
    const item = el("li", "", `win ${sizeOf(win.text)}`);
    item.dataset.winId = win.id;
    item.append(...winContent(win));
    if (greet) celebrate(item);
    return item;
  },
  update: (item, win, before) => {
    if (win.reactions === before.reactions) return;
    item.querySelector(".screen-reactions")?.remove();
    const row = reactionsRow(win.reactions);
    if (row) item.append(row);
  },
});

store.view(["wins", "step"], ({ wins, step }, _previous, action) => {
  greet = action.type !== "session_state";
  const title = step.current?.kind === "wins" ? step.current : null;
  $("wins-title").textContent = title ? title.title : "Small wins";
  $("wins-prompt").textContent = title ? title.prompt : "";

  const spotlight = $("win-spotlight");
  const spotlit = wins.wall.get(wins.spotlight) || null;
  spotlight.hidden = !spotlit;
  if (spotlit) {
    const body = $("win-spotlight-body");
    body.className = sizeOf(spotlit.text);
    body.replaceChildren(...winContent(spotlit));
    if (action.type === "win_spotlit") celebrate(spotlight);
  }

  const drawn = new Set([...wall.children].map((node) => node.dataset.winId));
  const onWall = new Map([...wins.wall].filter(([id]) => id !== wins.spotlight));
  drawWall(onWall);
  $("win-wall-empty").hidden = wins.wall.size > 0;
  const fresh = action.type === "wins_shown" ? [...onWall.keys()].findIndex((id) => !drawn.has(id)) : -1;
  pager.relayout(fresh >= 0 ? fresh : null); // a new win is shown on its page at once
});

window.addEventListener("resize", () => requestAnimationFrame(() => pager.relayout()));
document.addEventListener("keydown", (event) => {
  if (mode !== "wins" || event.altKey || event.ctrlKey || event.metaKey) return;
  const delta = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }[event.key];
  if (delta) {
    event.preventDefault();
    pager.turn(delta);
  }
});
