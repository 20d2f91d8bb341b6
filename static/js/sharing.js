// What the speaking queue's pages share (room-sharing.js, console-sharing.js, screen-sharing.js):
// the `sharing` slice kept from the server's events, and the gentle share timer.
//
// Every update carries the queue's `version` (one counter per session, moved on by every change),
// so a late update never replaces a newer one. The timer is drawn from the turn's start on the
// server's clock (clock.js: the measured offset), never from messages: a calm ring that fills, or
// under prefers-reduced-motion a text countdown without movement; at the end it turns into a soft
// "take your time to finish", and nothing stops.
import { clockOf } from "./clock.js";

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

/** The page's clock; every snapshot and update's `server_time` is a first guess until it is measured. */
export function sharingClock(socket) {
  return clockOf(socket);
}

/** `incoming` if it is at least as new as `current` (updates of one change share a version). */
export const newer = (current, incoming) => (!current || incoming.version >= current.version ? incoming : current);

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

/** How long someone has waited, in calm words. */
export function waitedWords(ms) {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  return minutes < 1 ? "less than a minute" : plural(minutes, "minute", "minutes");
}

/** Where a turn's timer is at `nowMs` (server time): elapsed, left, the filled fraction, whether it ended. */
export function timerAt(calledAtIso, minutes, nowMs) {
  const totalMs = minutes * 60_000;
  const elapsedMs = Math.max(0, nowMs - Date.parse(calledAtIso));
  return { elapsedMs, leftMs: Math.max(0, totalMs - elapsedMs), fraction: Math.min(1, elapsedMs / totalMs), ended: elapsedMs >= totalMs };
}

function countdown(ms) {
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")} left`;
}

function aboutWords(ms) {
  const minutes = Math.ceil(ms / 60_000);
  return minutes <= 1 ? "Less than a minute left" : `About ${minutes} minutes left`;
}

export const FINISH_WORDS = "Take your time to finish.";

/**
 * A share timer in `root` (templates/sharing/_timer.html), following `clock`. `show({called_at,
 * minutes})` starts or keeps it, `hide()` stops it; `onEnd()` is called once when a turn's time is
 * up (to say so to screen readers). `root.dataset.phase` is "running", "ended" or "off".
 */
export function shareTimer(root, clock, { onEnd = null } = {}) {
  const fill = root.querySelector(".share-ring-fill");
  const text = root.querySelector(".share-timer-text");
  let turn = null;
  let timer = null;
  let endedFor = null;

  function draw() {
    clearTimeout(timer);
    timer = null;
    if (!turn) return;
    const at = timerAt(turn.called_at, turn.minutes, clock.now());
    const quiet = reducedMotion.matches;
    root.dataset.phase = at.ended ? "ended" : "running";
    root.dataset.motion = quiet ? "reduced" : "full";
    fill.setAttribute("stroke-dashoffset", String(100 - at.fraction * 100));
    const words = at.ended ? FINISH_WORDS : quiet ? countdown(at.leftMs) : aboutWords(at.leftMs);
    if (text.textContent !== words) text.textContent = words;
    if (at.ended) {
      if (endedFor !== turn.called_at) {
        endedFor = turn.called_at;
        onEnd?.();
      }
      return; // nothing moves any more: the cue stays until the turn ends
    }
    // Again at the next whole second of the turn (the ring's CSS transition fills in between).
    timer = setTimeout(draw, 1000 - (at.elapsedMs % 1000) + 5);
  }

  reducedMotion.addEventListener("change", draw);
  return {
    show(next) {
      if (turn && turn.called_at === next.called_at && turn.minutes === next.minutes) return;
      turn = next;
      root.hidden = false;
      draw();
    },
    hide() {
      turn = null;
      clearTimeout(timer);
      timer = null;
      root.hidden = true;
      root.dataset.phase = "off";
    },
  };
}
