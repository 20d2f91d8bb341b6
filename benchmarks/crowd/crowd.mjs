// The crowd: phones and consoles for benchmarks/crowd/run.py, as socket.io clients in one Node process
// (several times lighter than Python clients, so the server under test keeps the CPU).
//
//   node benchmarks/crowd/crowd.mjs config.json     (run.py writes the config; results go to stdout as JSON)
//
// Against Stepwise ("stepwise") every phone joins over HTTP (the real join form) and connects with its
// seat cookie; each room's console connects with the facilitator's cookie and opens a named round.
// Against the bare relay ("bare") phones and consoles connect with their room in `auth`. Then, for
// both: every phone answers at a fixed open-loop rate (answers leave on schedule whatever the
// server's replies), and each answer is timed to its acknowledgement and to its room's console
// receiving `answer_recorded` for it.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { io } from "socket.io-client";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const log = (...parts) => console.error(`[crowd ${config.label}]`, ...parts);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const CLOCK_TICKS = 100; // USER_HZ on Linux

// --- the server process, as /proc shows it -------------------------------------------------------

function serverCpuSeconds() {
  return serverCpuTimes().reduce((a, b) => a + b);
}

function serverCpuTimes() {
  const stat = readFileSync(`/proc/${config.serverPid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(fields[11]) / CLOCK_TICKS, Number(fields[12]) / CLOCK_TICKS]; // utime, stime
}

// Nanoseconds the server's main thread waited for a CPU while runnable: a busy machine shows here.
function serverRunQueueWait() {
  return Number(readFileSync(`/proc/${config.serverPid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
}

function serverRssKiB() {
  const status = readFileSync(`/proc/${config.serverPid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

// --- figures -----------------------------------------------------------------------------------

function percentiles(values) {
  if (!values.length) return { n: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (share) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
  const round = (ms) => Math.round(ms * 10) / 10;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1)) };
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

// --- joining Stepwise over HTTP --------------------------------------------------------------------

function addCookies(jar, response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

const cookieHeader = (jar) => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

async function joinOverHttp(phone) {
  const jar = new Map();
  const joinUrl = `${config.url}/j/${phone.joinToken}`;
  const page = await fetch(joinUrl);
  addCookies(jar, page);
  const csrf = /name="csrf_token"[^>]*value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error(`no join form for ${phone.name} (HTTP ${page.status})`);
  const joined = await fetch(joinUrl, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ csrf_token: csrf, display_name: phone.name }),
  });
  addCookies(jar, joined);
  await joined.arrayBuffer();
  if (joined.status !== 302 && joined.status !== 303) throw new Error(`join refused for ${phone.name}: HTTP ${joined.status}`);
  phone.cookie = cookieHeader(jar);
}

// --- sockets -----------------------------------------------------------------------------------------

function connectSocket(namespace, options) {
  return new Promise((resolve, reject) => {
    const socket = io(config.url + namespace, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: config.connectTimeoutMs,
      ...options,
    });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(new Error(`${namespace}: ${error.message}`));
    });
  });
}

const rooms = config.rooms.map((room) => ({
  ...room,
  console: null,
  roundId: 1,
  phones: Array.from({ length: config.phonesPerRoom }, (_, index) => ({
    name: `Phone ${room.room}-${index}`,
    joinToken: room.joinToken,
    room: room.room,
    cookie: "",
    socket: null,
    pending: [], // answers sent whose console event has not come yet, oldest first
  })),
}));
const phones = rooms.flatMap((room) => room.phones);
const phoneByName = new Map(phones.map((phone) => [phone.name, phone]));
let recounts = 0; // round_updated events the consoles received
let consoleEventsUnmatched = 0;

function onAnswerRecorded(data) {
  const now = performance.now();
  const phone = phoneByName.get(data?.response?.name);
  const answer = phone?.pending.shift();
  if (answer) answer.shownAt = now;
  else consoleEventsUnmatched += 1;
}

async function connectConsoles() {
  await inParallel(rooms, 20, async (room) => {
    const options =
      config.kind === "stepwise"
        ? { auth: { live_session_id: room.sessionId }, extraHeaders: { cookie: config.consoleCookie } }
        : { auth: { room: room.room } };
    room.console = await connectSocket("/facilitator", options);
    room.console.on("answer_recorded", onAnswerRecorded);
    room.console.on("round_updated", () => {
      recounts += 1;
    });
    if (config.kind === "stepwise") {
      const ack = await room.console.timeout(30000).emitWithAck("open_round", { kind: "checkin" });
      if (!ack.ok) throw new Error(`open_round refused: ${ack.error}`);
      room.roundId = ack.round_id;
    }
  });
}

async function connectPhones() {
  const latencies = [];
  let failures = 0;
  const started = performance.now();
  await inParallel(phones, config.connectConcurrency, async (phone) => {
    const options =
      config.kind === "stepwise"
        ? { auth: { join_token: phone.joinToken }, extraHeaders: { cookie: phone.cookie } }
        : { auth: { room: phone.room, name: phone.name } };
    const began = performance.now();
    try {
      phone.socket = await connectSocket("/participant", options);
      latencies.push(performance.now() - began);
    } catch (error) {
      failures += 1;
      if (failures <= 3) log("connect failed:", error.message);
    }
  });
  return { seconds: (performance.now() - started) / 1000, latencyMs: percentiles(latencies), failures };
}

// --- answering ---------------------------------------------------------------------------------------

const FEELINGS = ["hopeful", "calm", "tired", "anxious", "grateful"];
let answerSerial = 0;

function answerPayload(phone, roundId) {
  answerSerial += 1;
  const payload = {
    round_id: roundId,
    client_id: `crowd-${answerSerial.toString(36)}-${phone.room}`,
    mood: 1 + (answerSerial % 10),
    feelings: answerSerial % 3 ? [FEELINGS[answerSerial % FEELINGS.length]] : [],
  };
  if ((answerSerial % 100) / 100 < config.noteShare) payload.note = "A long week, but I'm here.";
  return payload;
}

// One open-loop phase: `totalRate` answers per second for `seconds`, the phones taking turns.
async function answerPhase(label, totalRate, seconds) {
  // Taking turns across the rooms, so that each room's answers are spread evenly in time.
  const connected = Array.from({ length: config.phonesPerRoom }, (_, index) => rooms.map((room) => room.phones[index]))
    .flat()
    .filter((phone) => phone.socket?.connected);
  const count = Math.round(totalRate * seconds);
  const answers = [];
  const errors = new Map();
  let timeouts = 0;
  let outstanding = 0; // answers sent and not acknowledged yet
  recounts = 0;
  consoleEventsUnmatched = 0;
  for (const phone of connected) phone.pending.length = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const clientCpu = process.cpuUsage();
  const cpuBefore = serverCpuSeconds();
  const [, systemBefore] = serverCpuTimes();
  const waitBefore = serverRunQueueWait();
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    const now = performance.now();
    const due = Math.min(count, Math.floor(((now - started) / 1000) * totalRate) + 1);
    for (; sent < due; sent++) {
      const phone = connected[sent % connected.length];
      const roomRound = rooms[phone.room].roundId;
      const answer = { sentAt: performance.now(), ackAt: null, shownAt: null, ok: false };
      answers.push(answer);
      phone.pending.push(answer);
      outstanding += 1;
      phone.socket.timeout(config.ackTimeoutMs).emit("submit_checkin", answerPayload(phone, roomRound), (error, reply) => {
        answer.ackAt = performance.now();
        outstanding -= 1;
        if (error) timeouts += 1;
        else if (reply?.ok) answer.ok = true;
        else {
          errors.set(reply?.error, (errors.get(reply?.error) || 0) + 1);
          const at = phone.pending.indexOf(answer); // a refused answer is never shown
          if (at >= 0) phone.pending.splice(at, 1);
        }
      });
    }
    await sleep(1);
  }
  const sendingEnded = performance.now();
  // Wait for every acknowledgement and console event (or the ack timeout).
  const deadline = sendingEnded + config.ackTimeoutMs + 2000;
  const waitingForConsoles = () => connected.some((phone) => phone.pending.length > 0);
  while (performance.now() < deadline && (outstanding > 0 || waitingForConsoles())) {
    await sleep(10);
  }
  const cpuAfter = serverCpuSeconds();
  const [, systemAfter] = serverCpuTimes();
  const waitAfter = serverRunQueueWait();
  const finished = performance.now();
  lag.disable();
  const clientCpuUsed = process.cpuUsage(clientCpu);
  const acked = answers.filter((a) => a.ok);
  const lastAck = Math.max(...acked.map((a) => a.ackAt), started + 1);
  const cpuSeconds = cpuAfter - cpuBefore;
  const wall = (finished - started) / 1000;
  const result = {
    label,
    startedAt: Date.now() - (performance.now() - started), // epoch ms, to match the server's figures
    endedAt: Date.now(),
    offeredPerSecond: totalRate,
    seconds,
    sent: answers.length,
    acknowledged: acked.length,
    shown: acked.filter((a) => a.shownAt !== null).length,
    timeouts,
    errors: Object.fromEntries(errors),
    committedPerSecond: Math.round((acked.length / ((lastAck - started) / 1000)) * 10) / 10,
    ackMs: percentiles(acked.map((a) => a.ackAt - a.sentAt)),
    consoleMs: percentiles(acked.filter((a) => a.shownAt !== null).map((a) => a.shownAt - a.sentAt)),
    serverCpuSeconds: Math.round(cpuSeconds * 100) / 100,
    serverCpuPercent: Math.round((cpuSeconds / wall) * 1000) / 10,
    serverSystemCpuPercent: Math.round(((systemAfter - systemBefore) / wall) * 1000) / 10, // in the kernel
    // Share of the time the server was ready to run but waited for a core (others' load).
    serverWaitedPercent: Math.round(((waitAfter - waitBefore) / wall) * 1000) / 10,
    cpuMsPerAnswer: acked.length ? Math.round((cpuSeconds / acked.length) * 1e5) / 100 : null,
    recounts,
    consoleEventsUnmatched,
    clientCpuPercent: Math.round(((clientCpuUsed.user + clientCpuUsed.system) / 1e6 / wall) * 1000) / 10,
    clientLoopLagP99Ms: Math.round(lag.percentile(99) / 1e5) / 10,
  };
  log(
    `${label}: ${result.acknowledged}/${result.sent} acked at ${result.committedPerSecond}/s (offered ${totalRate}),`,
    `ack p95 ${result.ackMs.p95} ms, console p95 ${result.consoleMs.p95} ms,`,
    `server CPU ${result.serverCpuPercent}% (kernel ${result.serverSystemCpuPercent}%; waited for a core ${result.serverWaitedPercent}%), ${result.cpuMsPerAnswer} ms/answer`,
  );
  return result;
}

// --- the run -------------------------------------------------------------------------------------

async function main() {
  const result = { label: config.label, kind: config.kind, phones: phones.length, rooms: rooms.length };
  log(`server pid ${config.serverPid}, ${phones.length} phones in ${rooms.length} rooms`);
  if (config.kind === "stepwise") {
    const began = performance.now();
    await inParallel(phones, config.joinConcurrency, joinOverHttp);
    result.joinSeconds = Math.round((performance.now() - began) / 100) / 10;
    log(`joined ${phones.length} phones over HTTP in ${result.joinSeconds} s`);
  }
  await connectConsoles();
  await sleep(500);
  const rssBefore = serverRssKiB();
  result.connect = await connectPhones();
  log(`connected ${phones.length - result.connect.failures} phones in ${result.connect.seconds.toFixed(1)} s`);
  await sleep(config.settleMs);
  const rssAfter = serverRssKiB();
  result.memory = {
    rssBeforeMiB: Math.round(rssBefore / 102.4) / 10,
    rssAfterMiB: Math.round(rssAfter / 102.4) / 10,
    kibPerPhone: Math.round(((rssAfter - rssBefore) / phones.length) * 10) / 10,
  };
  // With --profile, py-spy samples the server through the main phase only.
  const profiler = config.profile
    ? spawn(config.pySpy, ["record", "--pid", String(config.serverPid), "--nonblocking", "--rate", "250",
        "--format", "raw", "--output", config.profile, "--duration", String(Math.ceil(config.seconds))],
        { stdio: ["ignore", "ignore", "inherit"] })
    : null;
  log("answering");
  result.main = await answerPhase("main", phones.length * config.rate, config.seconds);
  if (profiler) await new Promise((resolve) => (profiler.exitCode !== null ? resolve() : profiler.once("exit", resolve)));
  result.ramp = [];
  for (const rate of config.ramp) {
    await sleep(config.settleMs);
    result.ramp.push(await answerPhase(`ramp ${rate}/s`, rate, config.rampSeconds));
  }
  for (const phone of phones) phone.socket?.close();
  for (const room of rooms) room.console?.close();
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().then(
  () => process.exit(0),
  (error) => {
    log("failed:", error.stack || error.message);
    process.exit(1);
  },
);
