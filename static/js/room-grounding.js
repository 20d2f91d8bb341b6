// The grounding exercise on a participant's phone: it appears at the top of the room when the
// facilitator starts one, in step with every other screen. Closing it is this phone's own
// choice: nothing is sent, and it stays closed (for this exercise) over a reload.
import { $ } from "./live.js";
import { exerciseView, followExercises } from "./grounding.js";
import { room, socket, store } from "./room.js";

const root = $("grounding");
const clock = followExercises(socket, store);
const view = exerciseView(root, clock);
const closedKey = `stepwise-grounding-closed-${room.dataset.joinToken}`;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

/** The exercise this phone closed (kept in this tab only: sessionStorage). */
function closedId() {
  try {
    return Number(sessionStorage.getItem(closedKey)) || null;
  } catch {
    return null;
  }
}

store.view(["grounding", "you"], ({ grounding, you }, _previous, action) => {
  if (action.type === "session_state") clock.guess(grounding.now);
  const exercise = grounding.exercise;
  if (!exercise || you.status !== "present" || exercise.id === closedId()) {
    view.hide();
    return;
  }
  const wasShown = view.shown;
  if (view.show(exercise) && !wasShown && action.type === "grounding_started") {
    // Brought into view once as it starts; focus stays where it was (someone may be typing).
    root.scrollIntoView({ block: "start", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }
});

$("grounding-close").addEventListener("click", () => {
  const exercise = view.shown;
  if (exercise) {
    try {
      sessionStorage.setItem(closedKey, String(exercise.id));
    } catch {
      // private browsing without storage: closed until the next reload
    }
  }
  view.hide();
  const heading = $("step-title");
  heading.setAttribute("tabindex", "-1");
  heading.focus();
});
