// A check-in round's figures, drawn alike on the console (console-checkins.js) and on the phone
// when a round is revealed (room-checkins.js).
import { config, el } from "./live.js";

/** Draw a mood distribution (one count per mood of the server's scale) as bars. */
export function drawDistribution(container, distribution) {
  container.replaceChildren();
  const most = Math.max(1, ...distribution);
  const mood = (index) => String(config.mood_min + index);
  distribution.forEach((count, index) => {
    const column = el("div", "", "bar-column");
    const bar = el("div", "", "bar");
    bar.style.height = `${Math.round((count / most) * 100)}%`;
    column.append(el("span", String(count), "bar-count"), bar, el("span", mood(index), "bar-label"));
    container.append(column);
  });
  const summary = distribution.map((count, index) => `${mood(index)}: ${count}`).join(", ");
  container.setAttribute("aria-label", `Mood distribution. ${summary}`);
}

/** Feeling words with how often they were chosen, most frequent first, as list items. */
export const feelingItems = (feelings) => feelings.map(([word, count]) => el("li", `${word} × ${count}`));
