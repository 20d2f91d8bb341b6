// Quick exit, on every participant screen (templates/sessions/_quick_exit.html; README "Quick
// exit"), after GOV.UK's "Exit this page". The button, or Escape pressed three times with no more
// than a few seconds between presses (a dot lights up for each, and screen readers are told how
// many are left), at once:
// - hides the page behind a blank overlay and gives the tab a plain title;
// - lets the page go quietly: a "quickexit" event on the document, on which room.js closes its
//   live connection, so the console shows this person as away (not as having left) and they can
//   come back by the same link;
// - on the room, leaves a note for this session's link (a cookie on its path, see
//   facilitator/sessions/quick_exit.py), so that Back, which lands on the join link, offers
//   "Go back in" instead of opening the room by itself;
// - replaces this page in the browser's history with an ordinary weather page, so Back does not
//   come back to it.
// Nothing is cleared: the seat cookie stays, so the link takes them back in.
// No imports: it works on pages without a live connection, and before anything else has loaded.

const PRESSES = 3;
const MAX_GAP_MS = 5000; // between two presses of Escape

const buttons = [...document.querySelectorAll("a[data-quick-exit]")];
const status = document.getElementById("quick-exit-status");
let presses = 0;
let pressTimer = null;
let quietTimer = null;
let leaving = false;

function say(text) {
  if (status) status.textContent = text;
}

function showPresses() {
  for (const button of buttons) {
    const dots = button.querySelector(".quick-exit-dots");
    if (!dots) continue;
    dots.hidden = presses === 0;
    [...dots.children].forEach((dot, index) => dot.classList.toggle("on", index < presses));
  }
}

function resetPresses(timedOut) {
  clearTimeout(pressTimer);
  pressTimer = null;
  presses = 0;
  showPresses();
  if (timedOut) {
    say("Quick exit cancelled.");
    quietTimer = setTimeout(() => say(""), MAX_GAP_MS);
  }
}

/** Leave this page at once for the neutral page (`href`), replacing it in the history. */
export function quickExit(href = buttons[0]?.href) {
  if (leaving || !href) return;
  leaving = true;
  document.body.classList.add("quick-exit-active");
  const overlay = document.createElement("div");
  overlay.className = "quick-exit-overlay";
  overlay.setAttribute("role", "alert");
  document.body.append(overlay);
  const words = document.createElement("span"); // said to screen readers, not shown
  words.className = "visually-hidden";
  overlay.append(words);
  words.textContent = "Loading.";
  document.title = "Weather";
  const room = document.querySelector("[data-join-token][data-start-url]");
  if (room) {
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `stepwise_away=1; Path=${room.dataset.startUrl}; SameSite=Lax${secure}`;
  }
  document.dispatchEvent(new Event("quickexit"));
  window.location.replace(href);
}

// The header stays at the top of the screen: what the keyboard or a link brings into view must
// not end up behind it.
const header = document.querySelector(".site-header:has(> .quick-exit)");
if (header) {
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--quick-exit-header", `${header.offsetHeight}px`);
  }).observe(header);
}

for (const button of buttons) {
  button.addEventListener("click", (event) => {
    event.preventDefault();
    quickExit(button.href);
  });
}

// Escape three times. Counted on the way down, before anything on the page (a dialog closes on
// the first press, and that is fine); any other key in between starts the count again.
window.addEventListener(
  "keydown",
  (event) => {
    if (event.repeat) return;
    const plainEscape = event.key === "Escape" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (!plainEscape) {
      if (presses) resetPresses(false);
      return;
    }
    clearTimeout(quietTimer);
    presses += 1;
    showPresses();
    if (presses >= PRESSES) {
      resetPresses(false);
      say("");
      quickExit();
      return;
    }
    say(`Escape: press ${PRESSES - presses} more ${PRESSES - presses === 1 ? "time" : "times"} for quick exit.`);
    clearTimeout(pressTimer);
    pressTimer = setTimeout(() => resetPresses(true), MAX_GAP_MS);
  },
  true,
);
