// The speaking queue on the facilitator's console: who is sharing (with the gentle timer), the
// queue in order with how long each has waited (from the stored times, on the server's clock),
// and call next, skip, move up or down or to a place; go-rounds; the timer on the shared screen.
//
// Slice `sharing`: the console's view from `share_queue_updated` (see docs/protocol.md): version,
// step_index, timer_minutes, screen_timer, show_order, current, queue, round.
import { $, actionButton, byId, el, keyedList } from "./live.js";
import { act, announce, refocus, socket, store } from "./console.js";
import { newer, shareTimer, sharingClock, waitedWords } from "./sharing.js";

const clock = sharingClock(socket);
const WAITED_REDRAW_MS = 15_000; // waiting times are redrawn this often (nothing is sent)
const timer = shareTimer($("console-share-timer"), clock, {
  onEnd: () => announce("The share timer is done. Nobody is cut off: they can take their time to finish."),
});

store.slice(
  "sharing",
  ({ sharing }) => {
    clock.guess(sharing.server_time);
    return sharing;
  },
  { events: { share_queue_updated: (slice, update) => newer(slice, update) } },
);

// --- the queue --------------------------------------------------------------------------------

const roster = () => store.state.roster;
const isAway = (entry) => roster().get(entry.participant_id)?.online === false;
const GONE = ["left", "removed"];
/** The queue as shown: without anyone the roster already shows as gone (the server leaves them
 * out of its next update too). */
const shownQueue = (state = store.state) =>
  state.sharing.queue.filter((entry) => !GONE.includes(state.roster.get(entry.participant_id)?.status));

function waitedText(entry) {
  return `waited ${waitedWords(clock.now() - Date.parse(entry.queued_at))}${entry.go_round ? " · go-round" : ""}`;
}

async function move(entry, position, button) {
  await act("move_turn", { turn_id: entry.id, position });
  refocus(button, () => $("share-queue-heading"));
}

function drawEntry(item, entry) {
  const queue = shownQueue();
  const index = queue.findIndex((other) => other.id === entry.id);
  item.querySelector(".share-name").textContent = entry.name;
  item.querySelector(".share-waited").textContent = waitedText(entry);
  item.querySelector(".share-away").hidden = !isAway(entry);
  item.querySelector(".share-up").disabled = index <= 0;
  item.querySelector(".share-down").disabled = index >= queue.length - 1;
  const place = item.querySelector(".share-place");
  const options = queue.map((_, i) => String(i + 1));
  if ([...place.options].map((option) => option.value).join() !== options.join()) {
    place.replaceChildren(...options.map((value) => new Option(`Place ${value}`, value)));
  }
  place.value = String(index + 1);
}

function createEntry(entry) {
  const item = el("li", "", "share-entry");
  item.dataset.turnId = String(entry.id);
  const who = el("div", "", "share-who");
  who.append(el("span", "", "share-name"), el("span", "", "share-waited muted small"), el("span", "Away", "share-away badge"));
  const tools = el("div", "", "actions share-tools");
  const current = () => shownQueue().find((other) => other.id === entry.id) || entry;
  const index = () => shownQueue().findIndex((other) => other.id === entry.id);
  const up = actionButton("Up", "button secondary small share-up", (event) => move(current(), index() - 1, event.currentTarget), `Move ${entry.name} up`);
  const down = actionButton("Down", "button secondary small share-down", (event) => move(current(), index() + 1, event.currentTarget), `Move ${entry.name} down`);
  const place = el("select", "", "share-place");
  place.setAttribute("aria-label", `Place of ${entry.name} in the queue`);
  place.addEventListener("change", () => move(current(), Number(place.value) - 1, place));
  const skip = actionButton(
    "Skip",
    "link-button share-skip",
    async (event) => {
      await act("skip_turn", { turn_id: entry.id });
      refocus(event.currentTarget, () => $("share-queue").querySelector(".share-skip") || $("share-queue-heading"));
    },
    `Skip ${entry.name}`,
  );
  tools.append(up, down, place, skip);
  item.append(who, tools);
  drawEntry(item, entry);
  return item;
}

const drawQueue = keyedList($("share-queue"), { create: createEntry, update: drawEntry });

function redrawWaited() {
  for (const item of $("share-queue").children) {
    const entry = store.state?.sharing?.queue.find((other) => String(other.id) === item.dataset.turnId);
    if (entry) {
      item.querySelector(".share-waited").textContent = waitedText(entry);
      item.querySelector(".share-away").hidden = !isAway(entry);
    }
  }
}
setInterval(redrawWaited, WAITED_REDRAW_MS);

const NOW_WORDS = { speaking: "Now sharing", done: "Last to share", passed: "Passed (that's fine)" };

store.view(["sharing", "roster"], (state, previous, action) => {
  const { sharing } = state;
  const queue = shownQueue(state);
  const open = sharing.step_index !== null;
  $("share-closed").hidden = open;
  $("share-open").hidden = !open;
  $("share-queue-count").textContent = String(queue.length);
  if (!open) {
    timer.hide();
    return;
  }
  // Everyone drawn in order, each item patched in place (focus survives an update).
  const entries = new Map(queue.map((entry) => [entry.id, entry]));
  drawQueue(entries);
  // Places, arrows and "Away" change with the others too (someone left, went away, came back).
  [...$("share-queue").children].forEach((item, index) => drawEntry(item, queue[index]));
  $("share-queue-empty").hidden = queue.length > 0;

  const current = sharing.current;
  const speaking = current?.status === "speaking";
  $("share-now-label").textContent = (current && NOW_WORDS[current.status]) || "Now sharing";
  $("share-now-name").textContent = current ? current.name : "Nobody yet";
  $("share-now").dataset.status = current ? current.status : "none";
  if (speaking && current.timer_minutes) timer.show({ called_at: current.called_at, minutes: current.timer_minutes });
  else timer.hide();
  const next = queue[0];
  const call = $("share-call-next");
  call.textContent = next ? (current ? `Call next: ${next.name}` : `Call the first person: ${next.name}`) : speaking ? `Finish ${current.name}'s turn` : "Call next";
  call.disabled = !next && !speaking;

  const round = sharing.round;
  $("share-round-progress").textContent = round
    ? `${round.order === "shuffled" ? "Shuffled" : "In your order"}: ${round.left} of ${round.total} still to come.`
    : "";
  $("share-round-start-box").hidden = Boolean(round);
  $("share-round-stop").hidden = !round;
  $("share-screen-timer").checked = sharing.screen_timer;
  $("share-timer-hint").textContent = sharing.timer_minutes
    ? `This step has a ${sharing.timer_minutes}-minute share timer. The speaker sees it; it never cuts anyone off.`
    : "This step has no share timer (set one on the group's agenda).";
  $("share-order-hint").textContent = sharing.show_order
    ? "Everyone sees the queue's order, with names (the group's setting)."
    : "Everyone else sees only how many are waiting, never names (the group's setting).";

  // What changed, said once: who asked, who passed.
  if (action.type !== "share_queue_updated" || !previous?.sharing) return;
  const before = byId(previous.sharing.queue);
  for (const entry of queue) if (!before.has(entry.id) && !entry.go_round) announce(`${entry.name} would like to share`);
  if (current?.status === "passed" && previous.sharing.current?.status !== "passed" && previous.sharing.current?.id === current.id) {
    announce(`${current.name} passed`);
  }
});

// --- the facilitator's controls -----------------------------------------------------------------

$("share-call-next").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const ack = await act("call_next", { current_turn_id: store.state.sharing.current?.id ?? null });
  if (ack.ok && ack.called_turn_id === null) announce("Nobody else is waiting.");
  refocus(button, () => $("sharing-panel-heading"));
});
$("share-round-start").addEventListener("click", async (event) => {
  const order = document.querySelector('input[name="share-round-order"]:checked').value;
  const joined = [...store.state.roster.values()].filter((person) => person.status === "present").map((person) => person.id);
  const ack = await act("start_go_round", order === "chosen" ? { order, participant_ids: joined } : { order });
  if (ack.ok) announce("The go-round has started. Everyone in the room has a place.");
  refocus(event.currentTarget, () => $("share-round-stop"));
});
$("share-round-stop").addEventListener("click", async (event) => {
  const ack = await act("stop_go_round");
  if (ack.ok) announce("The go-round has ended.");
  refocus(event.currentTarget, () => $("share-round-start"));
});
$("share-screen-timer").addEventListener("change", async (event) => {
  const ack = await act("set_share_timer_on_screen", { on: event.target.checked });
  if (!ack.ok) event.target.checked = !event.target.checked;
});
