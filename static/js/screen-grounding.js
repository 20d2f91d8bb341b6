// The grounding exercise on the shared screen: while the group does one it takes the whole
// screen (the other views wait underneath, as screen.js keeps them), in step with every phone.
import { $ } from "./live.js";
import { exerciseView, followExercises } from "./grounding.js";
import { socket, store } from "./screen.js";

const frame = $("screen");
const clock = followExercises(socket, store);

function showing(on) {
  if (on) frame.dataset.grounding = "on";
  else delete frame.dataset.grounding;
}

const view = exerciseView($("grounding"), clock, { onClose: () => showing(false) });

store.view(["grounding"], ({ grounding }, _previous, action) => {
  if (action.type === "session_state") clock.guess(grounding.now);
  if (grounding.exercise && view.show(grounding.exercise)) {
    showing(true);
  } else {
    view.hide();
    showing(false);
  }
});
