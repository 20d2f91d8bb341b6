// The facilitator's grounding exercise: choose one, start it on every screen at once, follow it
// in step with the room, and stop it early if the room needs. The panel's note shows on an
// agenda step of the kind "Grounding exercise".
import { $ } from "./live.js";
import { act, announce, refocus, socket, store } from "./console.js";
import { exerciseView, followExercises } from "./grounding.js";

const form = $("grounding-form");
const running = $("grounding-running");
const clock = followExercises(socket, store);

/** While an exercise is under way: it and the Stop button; otherwise the form (in a live session). */
function showRunning(on) {
  running.hidden = !on;
  form.hidden = on || store.state?.session.state !== "live";
}

const view = exerciseView($("grounding"), clock, { onClose: () => showRunning(false), readSteps: false });

store.view(["grounding"], ({ grounding }, previous, action) => {
  if (action.type === "session_state") clock.guess(grounding.now);
  if (grounding.exercise && view.show(grounding.exercise)) {
    showRunning(true);
  } else {
    view.hide();
    showRunning(false);
    if (action.type === "grounding_stopped" && previous?.grounding.exercise) announce("The grounding exercise was stopped on every screen.");
  }
});

store.view(["step"], ({ step }) => {
  $("grounding-step-note").hidden = step?.kind !== "grounding";
});

// A scheduled session that starts offers the form; one that ends closes the console anyway.
store.view(["session"], () => showRunning(Boolean(view.shown)));

// --- the form --------------------------------------------------------------------------------

const kindOf = () => form.elements.kind.value;

function showSettings() {
  for (const settings of form.querySelectorAll(".grounding-settings")) settings.hidden = settings.dataset.kind !== kindOf();
}
for (const radio of form.elements.kind) radio.addEventListener("change", showSettings);
showSettings();

/** The event's payload: the chosen kind's fields, as whole numbers. */
function payload() {
  const kind = kindOf();
  const number = (name) => Number(form.elements[name].value);
  if (kind === "box") return { kind, inhale: number("inhale"), hold: number("hold"), exhale: number("exhale"), rest: number("rest"), rounds: number("rounds") };
  if (kind === "senses") return { kind, seconds: number("seconds") };
  return { kind, script_id: number("script_id") };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = $("grounding-error");
  error.textContent = "";
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const ack = await act("start_grounding", payload());
  button.disabled = false;
  if (!ack.ok) {
    error.textContent = ack.error;
    return;
  }
  store.dispatch("grounding_started", { exercise: ack.exercise });
  $("grounding-stop").focus();
});

$("grounding-stop").addEventListener("click", async (event) => {
  const exercise = view.shown;
  if (!exercise) return;
  const button = event.currentTarget;
  const ack = await act("stop_grounding", { exercise_id: exercise.id });
  if (ack.ok) store.dispatch("grounding_stopped", { exercise_id: exercise.id });
  refocus(button, () => $("grounding-heading"));
});
