// Where a grounding exercise is at a given moment on the server's clock: plain arithmetic on the
// exercise's start time and steps, so every screen that knows the server's time draws the same
// step at the same moment, with no message per second. Imports nothing and touches no page, so
// benchmarks/grounding_sync.py runs this very file in Node for its simulated phones.

/**
 * The exercise's timings in milliseconds: `{startsAt, cycleMs, totalMs, stepEnds}`, where
 * `stepEnds[i]` is where step i of a round ends, counted from the round's start.
 */
export function timeline(exercise) {
  let end = 0;
  const stepEnds = exercise.steps.map((step) => (end += step.seconds * 1000));
  return { startsAt: Date.parse(exercise.starts_at), cycleMs: end, totalMs: end * exercise.rounds, stepEnds };
}

/**
 * Where the exercise is when the server's clock says `serverNowMs`:
 * - `{stage: "ready", elapsedMs, secondsLeft}` before its first step (the lead-in; elapsedMs < 0);
 * - `{stage: "step", elapsedMs, round, index, step, progress, secondsLeft}` during a step
 *   (`round` and `index` from 0; `progress` from 0 to 1 through the step; `secondsLeft` counts
 *   down to 1, whole seconds rounded up, as a person counts);
 * - `{stage: "done", elapsedMs}` once it has ended.
 */
export function positionAt(exercise, serverNowMs, line = timeline(exercise)) {
  const elapsedMs = serverNowMs - line.startsAt;
  if (elapsedMs < 0) return { stage: "ready", elapsedMs, secondsLeft: Math.ceil(-elapsedMs / 1000) };
  if (elapsedMs >= line.totalMs || line.cycleMs <= 0) return { stage: "done", elapsedMs };
  const round = Math.floor(elapsedMs / line.cycleMs);
  const within = elapsedMs - round * line.cycleMs;
  const index = line.stepEnds.findIndex((end) => within < end);
  const stepStart = index === 0 ? 0 : line.stepEnds[index - 1];
  const stepMs = line.stepEnds[index] - stepStart;
  return {
    stage: "step",
    elapsedMs,
    round,
    index,
    step: exercise.steps[index],
    progress: (within - stepStart) / stepMs,
    secondsLeft: Math.ceil((stepMs - (within - stepStart)) / 1000),
  };
}

/**
 * The clock offset (server time minus local time) from NTP-style samples: for each,
 * `{sentAt, receivedAt, serverTime}` in milliseconds (local, local, server). The server read its
 * clock somewhere between sending and receiving; the sample with the shortest round trip bounds
 * that best, and its midpoint is taken. Returns `{offsetMs, roundTripMs}`, or null with no samples.
 */
export function bestOffset(samples) {
  let best = null;
  for (const { sentAt, receivedAt, serverTime } of samples) {
    const roundTripMs = receivedAt - sentAt;
    if (roundTripMs < 0 || !Number.isFinite(serverTime)) continue;
    if (best === null || roundTripMs < best.roundTripMs) {
      best = { offsetMs: serverTime - (sentAt + roundTripMs / 2), roundTripMs };
    }
  }
  return best;
}
