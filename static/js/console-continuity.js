// The facilitator's view of returning members and next small steps (templates/continuity/_console.html):
// a "returning · 4th session" badge on the roster, how last time's steps went (counts; names only of
// those who shared), and this session's steps (a count; shared ones with their words).
//
// Slice `continuity`: {returning: {participant id: sessions attended}, steps_written, shared_steps,
// follow_ups: {outcome: count}, shared_follow_ups}.
import { $, config, el } from "./live.js";
import { store } from "./console.js";

const EMPTY = { returning: {}, steps_written: 0, shared_steps: [], follow_ups: {}, shared_follow_ups: [] };

store.slice("continuity", ({ continuity }) => continuity || EMPTY, {
  events: { continuity_changed: (_slice, continuity) => continuity },
});

function ordinal(number) {
  const tens = number % 100;
  const suffix = tens > 10 && tens < 14 ? "th" : { 1: "st", 2: "nd", 3: "rd" }[number % 10] || "th";
  return `${number}${suffix}`;
}

store.view(["roster", "continuity"], ({ continuity }) => {
  for (const item of $("roster").querySelectorAll("[data-participant-id]")) {
    const attended = continuity.returning[item.dataset.participantId];
    let badge = item.querySelector(".returning-badge");
    if (!attended) {
      badge?.remove();
      continue;
    }
    if (!badge) {
      badge = el("span", "", "returning-badge");
      item.querySelector(".name").after(badge);
    }
    badge.textContent = `returning · ${ordinal(attended)} session`;
  }
});

store.view(["continuity"], ({ continuity }) => {
  for (const strong of $("follow-up-counts").querySelectorAll("[data-outcome]")) {
    strong.textContent = String(continuity.follow_ups[strong.dataset.outcome] || 0);
  }
  const labels = config.follow_ups || {};
  $("shared-follow-ups").replaceChildren(
    ...continuity.shared_follow_ups.map(({ name, outcome }) => el("li", `${name}: ${labels[outcome] || outcome}`)),
  );
  const written = continuity.steps_written;
  $("steps-written").textContent = written ? `${written} written so far.` : "None written yet.";
  $("shared-steps").replaceChildren(
    ...continuity.shared_steps.map(({ name, text }) => {
      const item = el("li");
      item.append(el("strong", name), document.createTextNode(`: ${text}`));
      return item;
    }),
  );
});
