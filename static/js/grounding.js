// The shared grounding exercise, as the phone, the shared screen and the console draw it
// (templates/grounding/_exercise.html). Each screen works out the step itself, every animation
// frame, from the exercise's start time on the server's clock and its own measured offset
// (clock.js, grounding-time.js): no message per second, so a thousand phones stay in step.
// Under prefers-reduced-motion nothing moves: the words and a countdown in whole seconds.
//
// Slice `grounding`: {exercise (the one under way, or null), stopped (id of one a facilitator
// stopped), now (the server's time in the snapshot)}.
import { $, announce } from "./live.js";
import { clockOf } from "./clock.js";
import { positionAt, timeline } from "./grounding-time.js";

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const SMALL = 0.42; // the breathing shape's size when empty, as a share of full
const THANKS_MS = 5000; // "Thank you" stays this long after the last step, then the view closes

/** How large the breathing shape is during a step: it grows breathing in and shrinks breathing out. */
function shapeScale(motion, progress) {
  const eased = (1 - Math.cos(Math.PI * progress)) / 2; // slow at both ends, as a breath is
  if (motion === "in") return SMALL + (1 - SMALL) * eased;
  if (motion === "out") return 1 - (1 - SMALL) * eased;
  if (motion === "full") return 1;
  return SMALL;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

const seconds = (count) => `${count} second${count === 1 ? "" : "s"}`;

/**
 * The exercise view in `root` (#grounding), drawn from `clock`. `onClose()` runs when it closes
 * by itself, after the thanks; `readSteps: false` reads out only its start and end (the console's
 * copy, beside the room's). Returns {show(exercise), hide(), shown}.
 */
export function exerciseView(root, clock, { onClose = () => {}, readSteps = true } = {}) {
  const title = $("grounding-title");
  const text = $("grounding-text");
  const count = $("grounding-count");
  const roundLine = $("grounding-round");
  const shape = $("grounding-shape");
  const bar = $("grounding-progress-bar");
  const region = $("grounding-announce");
  let exercise = null;
  let line = null;
  let frame = null;
  let said = null; // what the live region said last, so each step is read out once

  function say(key, words) {
    if (said !== key) {
      said = key;
      announce(region, words);
    }
  }

  function draw() {
    frame = null;
    if (!exercise) return;
    const at = positionAt(exercise, clock.now(), line);
    const still = reducedMotion.matches;
    root.dataset.stage = at.stage;
    root.dataset.motion = still ? "reduced" : "full";
    root.dataset.elapsedMs = String(Math.round(at.elapsedMs));
    root.dataset.step = at.stage === "step" ? String(at.index) : "";
    root.dataset.round = at.stage === "step" ? String(at.round) : "";
    if (at.stage === "ready") {
      setText(text, "Get ready. Settle in, and let your shoulders drop.");
      setText(count, String(at.secondsLeft));
      setText(roundLine, `Starting in ${seconds(at.secondsLeft)}`);
      say("ready", `${exercise.title} is starting. Follow along if you like.`);
      shape.style.transform = still ? "" : `scale(${SMALL})`;
      bar.style.transform = "scaleX(0)";
    } else if (at.stage === "step") {
      setText(text, at.step.text);
      setText(count, String(at.secondsLeft));
      const place =
        exercise.rounds > 1
          ? `Round ${at.round + 1} of ${exercise.rounds}`
          : `${at.index + 1} of ${exercise.steps.length}`;
      setText(roundLine, place);
      if (readSteps) say(`${at.round}:${at.index}`, `${at.step.text}. ${seconds(at.step.seconds)}.`);
      root.dataset.shape = at.step.motion;
      if (!still) {
        shape.style.transform = `scale(${shapeScale(at.step.motion, at.progress).toFixed(4)})`;
        bar.style.transform = `scaleX(${(at.elapsedMs / line.totalMs).toFixed(4)})`;
      }
    } else {
      setText(text, "Thank you. Take a moment before we go on.");
      setText(count, "");
      setText(roundLine, "");
      say("done", "The exercise has ended. Thank you.");
      shape.style.transform = still ? "" : `scale(${SMALL})`;
      bar.style.transform = "scaleX(1)";
      if (at.elapsedMs >= line.totalMs + THANKS_MS) {
        hide();
        onClose();
        return;
      }
    }
    frame = requestAnimationFrame(draw);
  }

  function hide() {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    exercise = null;
    root.hidden = true;
    root.dataset.stage = "idle";
  }

  return {
    /** Show `next` (drawn from the next frame on), unless it finished long enough ago. */
    show(next) {
      if (exercise?.id === next.id) return true;
      const nextLine = timeline(next);
      if (clock.now() - nextLine.startsAt >= nextLine.totalMs + THANKS_MS) return false;
      exercise = next;
      line = nextLine;
      said = null;
      setText(title, next.title);
      root.hidden = false;
      if (frame === null) draw();
      return true;
    },
    hide,
    get shown() {
      return exercise;
    },
  };
}

/** The page's clock (shared with its other capabilities) and the `grounding` slice of its store,
 * kept from the server's events. */
export function followExercises(socket, store) {
  const clock = clockOf(socket);
  store.slice("grounding", (snapshot) => ({ exercise: snapshot.grounding?.exercise ?? null, stopped: null, now: snapshot.grounding?.now }), {
    events: {
      grounding_started: (slice, { exercise }) => ({ ...slice, exercise, stopped: null }),
      grounding_stopped: (slice, { exercise_id: id }) => (slice.exercise?.id === id ? { ...slice, exercise: null, stopped: id } : slice),
    },
  });
  return clock;
}
