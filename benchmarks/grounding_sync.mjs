// The phones of benchmarks/grounding_sync.py: socket.io clients in one Node process, each with its
// own clock set wrong on purpose, measuring its offset from the server's clock with the room's very
// code (static/js/clock.js) and working out the exercise's step with it (static/js/grounding-time.js).
//
//   node --experimental-default-type=module benchmarks/grounding_sync.mjs config.json
//
// (grounding_sync.py writes the config and runs this; results go to stdout as JSON.) The flag lets
// Node load static/js/*.js, which are ES modules without a package.json to say so. socket.io-client
// is the one benchmarks/crowd/ installs (npm ci there).

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { serverClock } from "../static/js/clock.js";
import { positionAt, timeline } from "../static/js/grounding-time.js";

const require = createRequire(new URL("./crowd/package.json", import.meta.url));
const { io } = require("socket.io-client");

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const log = (...parts) => console.error("[grounding]", ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const [jitterLow, jitterHigh] = config.jitterMs; // one-way delay added to each message, each way
const oneWay = () => jitterLow + Math.random() * (jitterHigh - jitterLow);

function percentiles(values) {
  if (!values.length) return { n: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (share) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
  const round = (ms) => Math.round(ms * 10) / 10;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1)) };
}

async function inParallel(items, limit, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The socket as a phone on a jittery mobile network sees it: every message of the clock waits a
 * random one-way delay out and another back, independently (so the round trip is asymmetric,
 * which is what spoils a clock measurement).
 */
function jitteryLink(socket) {
  return {
    get connected() {
      return socket.connected;
    },
    on: (event, handler) => socket.on(event, handler),
    timeout: (ms) => ({
      async emitWithAck(event, payload) {
        await sleep(oneWay());
        const ack = await socket.timeout(ms).emitWithAck(event, payload);
        await sleep(oneWay());
        return ack;
      },
    }),
  };
}

function connect(namespace, options) {
  return new Promise((resolve, reject) => {
    const socket = io(config.url + namespace, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: 60_000, ...options });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(new Error(`${namespace}: ${error.message}`));
    });
  });
}

// Each phone's clock is off by up to ±skewMs: the server's clock (this machine's, Date.now) is the truth.
const phones = config.cookies.map((cookie) => ({
  cookie,
  skewMs: (Math.random() * 2 - 1) * config.skewMs,
  socket: null,
  clock: null,
  startedAt: null, // when `grounding_started` reached it (true time)
  exercise: null,
}));

async function main() {
  let began = Date.now();
  let failures = 0;
  await inParallel(phones, config.concurrency, async (phone) => {
    try {
      phone.socket = await connect("/participant", { auth: { join_token: config.joinToken }, extraHeaders: { cookie: phone.cookie } });
    } catch (error) {
      failures += 1;
      if (failures <= 3) log("connect failed:", error.message);
      return;
    }
    phone.clock = serverClock(jitteryLink(phone.socket), { localNow: () => Date.now() + phone.skewMs, remeasure: false });
    phone.socket.on("grounding_started", async ({ exercise }) => {
      await sleep(oneWay());
      phone.startedAt = Date.now();
      phone.exercise = exercise;
    });
  });
  const connectSeconds = (Date.now() - began) / 1000;
  const live = phones.filter((phone) => phone.clock);
  log(`${live.length} phones connected in ${connectSeconds.toFixed(1)} s; measuring their clocks`);
  const offsetError = (phone) => Math.abs(phone.clock.measured.offsetMs + phone.skewMs);
  // Each phone measured as it connected, while the others were connecting too: its first measurement.
  await Promise.all(live.map((phone) => phone.clock.measure()));
  const first = live.filter((phone) => phone.clock.measured);
  const firstErrors = first.map(offsetError);
  const firstRoundTrips = first.map((phone) => phone.clock.measured.roundTripMs);
  // A poor one (a long round trip) is tried again a little later: until every phone has settled.
  began = Date.now();
  while (live.some((phone) => phone.clock.settling) && Date.now() - began < config.settleMs) await sleep(100);
  const settleSeconds = (Date.now() - began) / 1000 + connectSeconds;
  const measured = live.filter((phone) => phone.clock.measured);
  const offsetErrors = measured.map(offsetError);
  const roundTrips = measured.map((phone) => phone.clock.measured.roundTripMs);

  // The facilitator starts box breathing; every phone hears of it.
  const console_ = await connect("/facilitator", { auth: { live_session_id: config.sessionId }, extraHeaders: { cookie: config.consoleCookie } });
  const sentAt = Date.now();
  const ack = await console_.timeout(30_000).emitWithAck("start_grounding", { kind: "box", rounds: 4 });
  if (!ack.ok) throw new Error(`start_grounding refused: ${ack.error}`);
  const exercise = ack.exercise;
  const line = timeline(exercise);
  while (Date.now() < line.startsAt + config.sampleAfterMs && live.some((phone) => !phone.exercise)) await sleep(20);
  const heard = live.filter((phone) => phone.exercise);
  const delivery = heard.map((phone) => phone.startedAt - sentAt);
  const beforeFirstStep = heard.filter((phone) => phone.startedAt <= line.startsAt).length;

  // At a few moments during the exercise, every phone works out where it is, by its own clock and
  // measured offset, all in the same turn of the event loop; compared with the true position.
  const phaseErrors = [];
  const spreads = [];
  let sameStep = 0;
  let samples = 0;
  for (const after of config.sampleMomentsMs) {
    while (Date.now() < line.startsAt + after) await sleep(5);
    const truth = positionAt(exercise, Date.now(), line);
    const computed = heard.map((phone) => positionAt(phone.exercise, phone.clock.now(), line));
    const moments = computed.map((at) => at.elapsedMs);
    for (const at of computed) {
      phaseErrors.push(Math.abs(at.elapsedMs - truth.elapsedMs));
      sameStep += at.stage === truth.stage && at.index === truth.index && at.round === truth.round ? 1 : 0;
      samples += 1;
    }
    spreads.push(Math.max(...moments) - Math.min(...moments));
  }
  await console_.timeout(10_000).emitWithAck("stop_grounding", { exercise_id: exercise.id });

  process.stdout.write(
    JSON.stringify({
      phones: phones.length,
      connected: live.length,
      connectSeconds,
      settleSeconds,
      firstOffsetErrorMs: percentiles(firstErrors),
      firstRoundTripMs: percentiles(firstRoundTrips),
      measured: measured.length,
      offsetErrorMs: percentiles(offsetErrors),
      bestRoundTripMs: percentiles(roundTrips),
      heardStart: heard.length,
      heardBeforeFirstStep: beforeFirstStep,
      startDeliveryMs: percentiles(delivery),
      phaseErrorMs: percentiles(phaseErrors),
      phaseSpreadMs: percentiles(spreads),
      sameStepShare: samples ? sameStep / samples : 0,
    }),
  );
  for (const phone of live) phone.socket.close();
  console_.close();
}

main().catch((error) => {
  log(error.stack || String(error));
  process.exit(1);
});
