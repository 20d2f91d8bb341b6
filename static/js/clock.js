// The server's clock, as this page knows it: NTP-style pings over the live channel (the `clock`
// event, whose acknowledgement carries the server's time), taking the sample with the shortest
// round trip, whose half bounds the error. Measured on every (re)connect, when a hidden page comes
// back into view (a phone that slept), and again every few minutes. A poor measurement (a busy
// server after a restart, when every phone reconnects at once; a congested network) is tried again
// a little later, and a shorter round trip wins over a longer one. Until the first measurement, a
// guess from a snapshot's server time stands in. Works in a browser and in Node
// (benchmarks/grounding_sync.py runs it for its simulated phones).
import { bestOffset } from "./grounding-time.js";

const SAMPLES = 5;
const GAP_MS = 50; // between pings, so one hiccup of the network does not spoil them all
const PING_TIMEOUT_MS = 5000;
// Half the round trip bounds the error, so with this two screens agree within 250 ms.
const GOOD_ROUND_TRIP_MS = 250;
const RETRY_MS = [2000, 6000]; // a poor measurement is tried again after this, doubling each time...
const RETRIES = 5; // ...this many times
const REMEASURE_MS = [8 * 60_000, 12 * 60_000]; // again after a while, jittered across phones
const STALE_MS = 15 * 60_000; // a measurement this old gives way to any newer one
const VISIBLE_AGAIN_MS = 60_000; // back in view: measured again if the last one is older than this

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const between = ([low, high]) => low + Math.random() * (high - low);

/**
 * The server's clock over `socket`: `now()` is the server's time in milliseconds since 1970.
 * Options: `samples` (pings per measurement), `localNow` (this device's clock; Date.now),
 * `remeasure` (false: no measurement after a while, only on connect, retries and coming back into view).
 */
export function serverClock(socket, { samples = SAMPLES, localNow = () => Date.now(), remeasure = true } = {}) {
  let measured = null; // {offsetMs, roundTripMs} in use
  let measuredAt = -Infinity; // performance.now() when it was measured
  let guessMs = 0; // until then: from a snapshot's server time
  let running = null;
  let timer = null;
  let retries = 0;

  async function ping() {
    const sentAt = localNow();
    const ack = await socket.timeout(PING_TIMEOUT_MS).emitWithAck("clock", {});
    const receivedAt = localNow();
    return ack?.ok ? { sentAt, receivedAt, serverTime: ack.now } : null;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = delay === null ? null : setTimeout(measure, delay);
    timer?.unref?.(); // Node: a pending measurement keeps nothing alive
  }

  /** Keep `best` if its round trip is as short as the one in use (or short enough), or that one is old. */
  function consider(best) {
    const stale = performance.now() - measuredAt > STALE_MS;
    if (!measured || stale || best.roundTripMs <= Math.max(measured.roundTripMs, GOOD_ROUND_TRIP_MS)) {
      measured = best;
      measuredAt = performance.now();
    }
  }

  /** Measure the offset now (one measurement at a time); resolves with it, or null. */
  function measure() {
    if (!running) {
      running = (async () => {
        const taken = [];
        for (let i = 0; i < samples && socket.connected; i += 1) {
          if (i) await sleep(GAP_MS);
          try {
            const sample = await ping();
            if (sample) taken.push(sample);
          } catch {
            // no answer in time: this sample is lost, the others count
          }
        }
        const best = bestOffset(taken);
        if (best) consider(best);
        return best;
      })().finally(() => {
        running = null;
        if (!measured || measured.roundTripMs > GOOD_ROUND_TRIP_MS) {
          if (retries < RETRIES && socket.connected) {
            retries += 1;
            schedule(between(RETRY_MS) * 2 ** (retries - 1));
            return;
          }
        }
        retries = 0;
        schedule(remeasure ? between(REMEASURE_MS) : null);
      });
    }
    return running;
  }

  socket.on("connect", () => {
    retries = 0;
    measure();
  });
  if (socket.connected) measure();
  // A phone that slept may have lost time (or its clock been set): measure again, but not at every
  // switch between apps (each ping counts towards the connection's rate limit).
  globalThis.document?.addEventListener("visibilitychange", () => {
    const old = performance.now() - measuredAt > VISIBLE_AGAIN_MS;
    if (document.visibilityState === "visible" && socket.connected && old) measure();
  });

  return {
    /** The server's time now, in milliseconds since 1970. */
    now: () => localNow() + (measured ? measured.offsetMs : guessMs),
    /** A first guess from a server time just received (ISO 8601), until a measurement is in. */
    guess(serverIso) {
      const serverTime = Date.parse(serverIso);
      if (!measured && Number.isFinite(serverTime)) guessMs = serverTime - localNow();
    },
    measure,
    /** The measurement in use: {offsetMs, roundTripMs}, or null. */
    get measured() {
      return measured;
    },
    /** Whether a measurement (or its retry) is still to come. */
    get settling() {
      return running !== null || retries > 0;
    },
  };
}

const clocks = new WeakMap();

/** The page's one clock for `socket` (made on first use): every capability of the page shares its
 * measurements (the grounding exercise, the share timer), so the server is pinged once for all. */
export function clockOf(socket) {
  if (!clocks.has(socket)) clocks.set(socket, serverClock(socket));
  return clocks.get(socket);
}
