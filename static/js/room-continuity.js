// Returning members and next small steps on the phone (templates/continuity/_room.html).
// The phone keeps one private key per group in localStorage (256 random bits); the server keeps
// only a keyed hash of it. A phone that has a key for this group sends it once the room's state
// has arrived, so a returning member sees last time's step (asked kindly how it went, at
// check-in) and their own moods in "What's remembered". At check-out anyone may keep one small
// step for the coming week. Recovery words typed on the join page ("I've been here before") wait
// in sessionStorage until the room sends them.
//
// Slice `continuity` (null in the waiting room): {returning, sessions_attended, previous_step,
// follow_up, moods, next_step}.
import { $, config, newClientId, request, setStatus } from "./live.js";
import { say, socket, store } from "./room.js";

const section = $("continuity");
const groupId = section.dataset.groupId;
const KEY_NAME = `stepwise-member-${groupId}`;
const PHRASE_NAME = `stepwise-phrase-${groupId}`;
let triedToRecognise = false;

store.slice("continuity", ({ you, continuity }) => (you?.status === "waiting" ? null : continuity || null), {
  actions: { continuity_acked: (_slice, { continuity }) => continuity },
});

function phoneKey() {
  let key = localStorage.getItem(KEY_NAME);
  if (!key) {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(KEY_NAME, key);
  }
  return key;
}

async function act(event, payload, statusElement, thanks) {
  const ack = await request(socket, event, payload);
  if (ack.ok) {
    store.dispatch("continuity_acked", ack);
    if (thanks) setStatus(statusElement, thanks, "sent");
  } else {
    setStatus(statusElement, ack.error, "error");
  }
  return ack;
}

/** Once the room's state is here: a phone with a key (or typed words) for this group is recognised. */
async function recognise(continuity) {
  if (triedToRecognise || !continuity || continuity.returning) return;
  triedToRecognise = true;
  const phrase = sessionStorage.getItem(PHRASE_NAME);
  sessionStorage.removeItem(PHRASE_NAME);
  const key = localStorage.getItem(KEY_NAME);
  if (phrase) {
    const ack = await act("recognise_me", { phrase, key: phoneKey() }, $("remembered-status"), "Welcome back ✓");
    if (!ack.ok) $("remembered").open = true;
  } else if (key) {
    const ack = await request(socket, "recognise_me", { key });
    if (ack.ok) store.dispatch("continuity_acked", ack);
    else localStorage.removeItem(KEY_NAME); // forgotten elsewhere: this phone forgets too
  }
}

$("remember-me").addEventListener("click", async () => {
  const ack = await act("remember_me", { key: phoneKey() }, $("remembered-status"), "Remembered ✓");
  if (ack.ok) {
    $("phrase-words").textContent = ack.phrase;
    $("phrase-box").hidden = false;
    say("This phone will remember you in this group. Your recovery words are shown.");
  }
});

$("phrase-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const phrase = $("phrase-words-input").value.trim();
  if (!phrase) return;
  const ack = await act("recognise_me", { phrase, key: phoneKey() }, $("remembered-status"), "Welcome back ✓");
  if (ack.ok) $("phrase-words-input").value = "";
});

$("forget-me").addEventListener("click", async () => {
  const ack = await act("forget_me", {}, $("remembered-status"), "Forgotten. Nothing links your sessions here any more.");
  if (ack.ok) {
    localStorage.removeItem(KEY_NAME);
    $("phrase-box").hidden = true;
    $("phrase-words").textContent = "";
  }
});

$("next-step-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("next-step-text").value.trim();
  act(
    "submit_next_step",
    { client_id: newClientId(), text, shared: $("next-step-shared").checked },
    $("next-step-status"),
    text ? "Kept ✓ It will be on your take-home page." : "Removed.",
  );
});

for (const button of $("follow-up").querySelectorAll("[data-outcome]")) {
  button.addEventListener("click", () =>
    act("step_follow_up", { outcome: button.dataset.outcome }, $("follow-up-status"), "Thank you ✓"),
  );
}

const FACE = ["", "😞", "😟", "😕", "🙁", "😐", "🙂", "😊", "😀", "😄", "🤩"];

function drawRemembered(continuity) {
  $("remembered-none").hidden = continuity.returning;
  $("remembered-yes").hidden = !continuity.returning;
  if (!continuity.returning) return;
  const count = continuity.sessions_attended;
  $("remembered-count").textContent =
    count > 1 ? `This phone remembers you in this group. This is session ${count} you've been part of.` : "This phone remembers you in this group.";
  const list = $("mood-history");
  list.replaceChildren(
    ...continuity.moods.map(({ kind, mood, at }) => {
      const item = document.createElement("li");
      const day = new Date(at).toLocaleDateString(undefined, { day: "numeric", month: "short" });
      item.textContent = `${day}, ${kind === "checkout" ? "leaving" : "arriving"}: ${mood} of 10 ${FACE[mood] || ""}`;
      return item;
    }),
  );
  if (!continuity.moods.length) list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "No moods yet." }));
}

store.view(["you", "step", "round", "continuity"], ({ you, step, round, continuity }) => {
  section.hidden = !continuity || you.status !== "present";
  if (section.hidden) return;
  recognise(continuity);
  drawRemembered(continuity);
  const kind = round?.open ? round.kind : step?.kind;
  const earlier = continuity.previous_step;
  $("previous-step").hidden = !earlier || !(kind === "checkin" || continuity.follow_up);
  if (earlier) {
    $("previous-step-text").textContent = earlier.text;
    for (const button of $("follow-up").querySelectorAll("[data-outcome]")) {
      button.setAttribute("aria-pressed", String(button.dataset.outcome === continuity.follow_up));
    }
  }
  const form = $("next-step-form");
  form.hidden = kind !== "checkout" && !continuity.next_step;
  if (continuity.next_step && document.activeElement !== $("next-step-text")) {
    $("next-step-text").value = continuity.next_step.text;
    $("next-step-shared").checked = continuity.next_step.shared;
  }
  $("next-step-text").maxLength = config.next_step_max || 500;
});
