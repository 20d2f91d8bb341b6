// The speaking queue on the shared screen: during a sharing step, how many are waiting (the names
// in order only when the group shows the order), and the speaker's timer only when the facilitator
// puts it on the screen. Shown under "Now" in the welcome view.
import { $ } from "./live.js";
import { socket, store } from "./screen.js";
import { newer, shareTimer, sharingClock } from "./sharing.js";

const clock = sharingClock(socket);
const timer = shareTimer($("screen-share-timer"), clock);
const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

store.slice(
  "sharing",
  ({ sharing }) => {
    clock.guess(sharing.server_time);
    return sharing;
  },
  { events: { sharing_updated: (slice, update) => newer(slice, update) } },
);

store.view(["sharing", "step"], ({ sharing, step }) => {
  const open = sharing.step_index !== null && step.current?.index === sharing.step_index;
  $("screen-sharing").hidden = !open;
  if (!open) {
    timer.hide();
    return;
  }
  const waiting = sharing.waiting ? `${plural(sharing.waiting, "person", "people")} waiting to share` : "Ask on your phone if you'd like to share";
  const speaking = sharing.speaking ? (sharing.speaker ? `${sharing.speaker} is sharing` : "Someone is sharing") : "";
  $("screen-share-count").textContent = [speaking, waiting].filter(Boolean).join(" · ");
  const order = $("screen-share-order");
  order.hidden = !sharing.order?.length;
  order.replaceChildren(...(sharing.order || []).map((name) => Object.assign(document.createElement("li"), { textContent: name })));
  if (sharing.timer) timer.show(sharing.timer);
  else timer.hide();
});
