// The group pulse's form (templates/pulse/_form.html), shared by the room (room-pulse.js) and the
// take-home page (pulse-late.js): sliders that start unanswered and say their value, skipping one,
// "Not today", and what this phone remembers. No import of live.js: the take-home page has no
// live connection, and loads nothing it does not use.

const SCALE_MAX = 10;
const NOTHING_CHOSEN = "Move any slider you'd like to answer, or choose “Not today”. Skipping is always fine.";

/** What this phone keeps about a session's pulse: its ticket for answering after the end, and
 * whether it is done (answered, or "Not today"), so it is not asked again. */
const storageKey = (sessionId) => `stepwise-pulse-${sessionId}`;

export function remembered(sessionId) {
  try {
    return JSON.parse(localStorage.getItem(storageKey(sessionId))) || {};
  } catch {
    return {};
  }
}

export function remember(sessionId, changes) {
  const next = { ...remembered(sessionId), ...changes };
  try {
    localStorage.setItem(storageKey(sessionId), JSON.stringify(next));
  } catch {
    // Private mode without storage: the phone just won't remember, nothing breaks.
  }
  return next;
}

/** A random id for one answer, so that sending it again is recognised as the same answer. */
export function newAnswerId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Send a pulse over HTTP (after the end, with the phone's ticket): the route's acknowledgement,
 * or `{ok: false, error}` when there was none. */
export async function postLate(url, form, { ticket, clientId, scores }) {
  const body = new FormData();
  body.set("csrf_token", form.elements.csrf_token.value);
  body.set("ticket", ticket);
  body.set("client_id", clientId);
  for (const [key, value] of Object.entries(scores)) body.set(key, value === null ? "" : String(value));
  try {
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) {
      return { ok: false, error: "That didn't go through. Please reload the page and try again." };
    }
    return await response.json();
  } catch {
    return { ok: false, error: "No connection just now. Please try again in a moment." };
  }
}

/**
 * Wire up the form whose ids start with `prefix`. `onSend(scores)` gets {key: 0..10 or null};
 * `onNotToday()` runs when the person would rather not. Returns what the page needs to draw it.
 */
export function pulseForm(prefix, { onSend, onNotToday }) {
  const byId = (suffix) => document.getElementById(`${prefix}-${suffix}`);
  const form = byId("form");
  const status = byId("status");
  const questions = [...form.querySelectorAll(".pulse-question")];
  const sliderOf = (question) => question.querySelector('input[type="range"]');

  function mark(question, answered) {
    const slider = sliderOf(question);
    question.dataset.answered = String(answered);
    question.querySelector("output").textContent = answered ? `${slider.value} / ${SCALE_MAX}` : "Not answered";
    slider.setAttribute("aria-valuetext", answered ? `${slider.value} out of ${SCALE_MAX}` : "Not answered yet");
    question.querySelector(".pulse-skip").hidden = !answered;
  }

  for (const question of questions) {
    const slider = sliderOf(question);
    // Moving it (finger, mouse or keys) answers; so does a tap on it that leaves it where it was.
    slider.addEventListener("input", () => mark(question, true));
    slider.addEventListener("click", () => mark(question, true));
    question.querySelector(".pulse-skip").addEventListener("click", () => {
      slider.value = String(SCALE_MAX / 2);
      mark(question, false);
      slider.focus();
    });
  }

  const setStatus = (text, state = "") => {
    status.textContent = text;
    status.dataset.state = state;
  };

  function scores() {
    return Object.fromEntries(
      questions.map((question) => [
        question.dataset.question,
        question.dataset.answered === "true" ? Number(sliderOf(question).value) : null,
      ]),
    );
  }

  /** Put answers back on the sliders (answers kept from before a reload, or not yet sent). */
  function fill(values) {
    for (const question of questions) {
      const value = values[question.dataset.question];
      if (value !== null && value !== undefined) sliderOf(question).value = String(value);
      mark(question, value !== null && value !== undefined);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = scores();
    if (Object.values(chosen).every((value) => value === null)) {
      setStatus(NOTHING_CHOSEN, "error");
      return;
    }
    onSend(chosen);
  });
  byId("not-today").addEventListener("click", () => onNotToday());

  return {
    setStatus,
    scores,
    fill,
    /** Show the questions, or the thanks in their place (and move focus there when asked to). */
    showThanks(thanks, { focus = false } = {}) {
      byId("questions").hidden = thanks;
      byId("thanks").hidden = !thanks;
      byId("send").disabled = false;
      if (thanks && focus) byId("heading").focus();
    },
    /** "Not today": no questions, a kind word, and focus on the card's heading. */
    setAside() {
      byId("questions").hidden = true;
      byId("thanks").hidden = true;
      setStatus("That's fine. Thank you for being here today.", "sent");
      byId("heading").focus();
    },
    sending(busy) {
      byId("send").disabled = busy;
      if (busy) setStatus("Sending…", "pending");
    },
  };
}
