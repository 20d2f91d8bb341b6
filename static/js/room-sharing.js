// The speaking queue on the participant's phone: during a sharing step, "I'd like to share" (and
// take it back), a gentle word when it is your turn (you may still pass), and the share timer.
// Of the others, the phone knows only how many are waiting (names only when the group shows the
// order).
//
// Slice `sharing` (null in the waiting room): the room's view (`waiting`, `speaking`, `go_round`,
// `order`, `speaker`, `step_index`, `version`) and `own`: {version, step_index, turn} (this
// person's place: status, ahead, called_at, timer_minutes, go_round).
import { $, announce, request, setStatus } from "./live.js";
import { socket, store } from "./room.js";
import { FINISH_WORDS, newer, shareTimer, sharingClock } from "./sharing.js";

const section = $("sharing");
const clock = sharingClock(socket);
/** Said to screen-reader users without moving their focus (the card's words show it too). */
const say = (text) => announce($("share-said"), text);
const timer = shareTimer($("share-timer"), clock, { onEnd: () => say(`Your timer is done. ${FINISH_WORDS} Nobody will cut you off.`) });

const publicPart = ({ yours, ...room }) => room;

store.slice(
  "sharing",
  ({ sharing }) => {
    if (!sharing) return null;
    clock.guess(sharing.server_time);
    return { ...publicPart(sharing), own: { version: sharing.version, step_index: sharing.step_index, turn: sharing.yours } };
  },
  {
    events: {
      sharing_updated: (slice, room) => {
        if (!slice) return slice;
        const next = newer(publicPart(slice), room);
        return next === room ? { ...room, own: slice.own } : slice;
      },
      your_turn_updated: (slice, own) => (slice && newer(slice.own, own) === own ? { ...slice, own } : slice),
    },
    actions: {
      // This phone's own ack: its place as the server has it now.
      own_turn_acked: (slice, own) => (slice && newer(slice.own, own) === own ? { ...slice, own } : slice),
    },
  },
);

// --- drawing ----------------------------------------------------------------------------------

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

/** What the phone says about this person's place: gentle, and every choice optional. */
function ownWords(turn) {
  if (!turn) return "Would you like to share? Ask, and the facilitator will invite you in turn. Listening is just as welcome.";
  switch (turn.status) {
    case "speaking":
      return "It's your turn. Share as much or as little as you like. You can still pass, and that's fine.";
    case "waiting": {
      const place = turn.ahead === 0 ? "You're next." : turn.ahead ? `${plural(turn.ahead, "person", "people")} before you.` : "";
      const how = turn.go_round ? "It's a go-round: everyone has a turn, and passing is always fine." : "You're in the queue.";
      return `${how} ${place}`.trim();
    }
    case "done":
      return "Thank you for sharing.";
    case "passed":
      return "You passed. That's always fine.";
    case "withdrawn":
      return "You took it back. You can ask again any time.";
    case "skipped":
      return "The facilitator moved on for now. You can ask again any time.";
    default:
      return "";
  }
}

function roomWords(room, speakingMyself) {
  const waiting = room.waiting ? `${plural(room.waiting, "person is", "people are")} waiting to share.` : "Nobody is waiting to share.";
  if (!room.speaking || speakingMyself) return waiting;
  return room.speaker ? `${room.speaker} is sharing now. ${waiting}` : `Someone is sharing now. ${waiting}`;
}

const home = document.createComment("sharing");
section.before(home);

store.view(["sharing", "step", "you"], ({ sharing, step, you }, previous, action) => {
  const open = Boolean(sharing && you.status === "present" && step?.kind === "sharing" && sharing.step_index === step.index);
  section.hidden = !open;
  // The sharing step brings the card to the top, under the step.
  if (open && section.previousElementSibling !== $("step")) $("step").after(section);
  else if (!open && home.nextSibling !== section) home.after(section);
  if (!open) {
    timer.hide();
    return;
  }
  const turn = sharing.own.step_index === sharing.step_index ? sharing.own.turn : null;
  const active = turn && (turn.status === "waiting" || turn.status === "speaking");
  section.dataset.status = turn ? turn.status : "none";
  $("share-words").textContent = ownWords(turn);
  $("share-ask").hidden = Boolean(active);
  $("share-pass").hidden = !active;
  $("share-pass").textContent = turn && turn.status === "waiting" && !turn.go_round ? "Take it back" : "Pass";
  if (turn?.status === "speaking" && turn.timer_minutes) timer.show({ called_at: turn.called_at, minutes: turn.timer_minutes });
  else timer.hide();
  $("share-room").textContent = roomWords(sharing, turn?.status === "speaking");
  const order = $("share-order");
  order.hidden = !sharing.order?.length;
  order.replaceChildren(...(sharing.order || []).map((name) => Object.assign(document.createElement("li"), { textContent: name })));

  // Being called is said once, in words, without moving focus; an older word of this phone's goes.
  const before = action.type === "session_state" ? null : previous?.sharing?.own?.turn;
  if (action.type !== "own_turn_acked" && before && before.status !== turn?.status) setStatus($("share-status"), "");
  if (turn?.status === "speaking" && before?.status !== "speaking") say("It's your turn. You can still pass.");
});

// --- asking and passing -------------------------------------------------------------------------

async function send(event, button) {
  button.disabled = true;
  setStatus($("share-status"), "Sending…", "pending");
  const ack = await request(socket, event);
  button.disabled = false;
  if (!ack.ok) {
    setStatus($("share-status"), ack.error, "error");
    return;
  }
  store.dispatch("own_turn_acked", ack);
  const words = { waiting: "Asked ✓ The facilitator can see you'd like to share.", withdrawn: "Taken back ✓", passed: "Passed ✓" };
  setStatus($("share-status"), words[ack.turn?.status] || "", "sent");
  // The button pressed is hidden now: keep focus on the one that takes its place.
  const next = event === "raise_hand" ? $("share-pass") : $("share-ask");
  if (document.activeElement === document.body && !next.hidden) next.focus();
}

$("share-ask").addEventListener("click", (event) => send("raise_hand", event.currentTarget));
$("share-pass").addEventListener("click", (event) => send("pass_turn", event.currentTarget));
