// The facilitator's group pulse: how many have answered (never what), and asking the room now.
// Phones show the pulse by themselves at a check-out step; the averages are on the summary.
//
// Slice `pulse`: {asked, answered, minimum}.
import { $ } from "./live.js";
import { act, announce, refocus, store } from "./console.js";

store.slice("pulse", ({ pulse }) => pulse || { asked: false, answered: 0, minimum: 0 }, {
  events: {
    pulse_asked: (pulse) => (pulse.asked ? pulse : { ...pulse, asked: true }),
    pulse_count: (pulse, { answered }) => (pulse.answered === answered ? pulse : { ...pulse, answered }),
  },
});

function describe({ asked, answered }, step) {
  const count = `${answered} answered so far.`;
  if (asked) return `${count} Every phone is showing it: you asked.`;
  if (step?.kind === "checkout") return `${count} Every phone is showing it: it's the check-out step.`;
  return `${count} Phones show it at the check-out step, or as soon as you ask.`;
}

store.view(["pulse", "step", "session"], ({ pulse, step, session }, _previous, action) => {
  $("pulse-answered").textContent = String(pulse.answered);
  $("pulse-panel-status").textContent = describe(pulse, step);
  const ask = $("pulse-ask");
  ask.disabled = pulse.asked || session.state !== "live";
  ask.textContent = pulse.asked ? "Asked ✓" : "Ask for the pulse now";
  if (action.type === "pulse_asked") announce("The pulse is on every phone now.");
});

$("pulse-ask").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  await act("open_pulse");
  refocus(button, () => $("pulse-panel-heading"));
});
