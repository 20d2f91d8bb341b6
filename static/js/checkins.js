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

/**
 * Where most of the moods lie: the narrowest run of neighbouring moods chosen by more than half of
 * those who gave one (of two runs as narrow, the one more chose, then the lower). Returns
 * [lowest, highest], or null when no mood was given.
 */
export function mostChosen(distribution) {
  const total = distribution.reduce((sum, count) => sum + count, 0);
  if (!total) return null;
  let best = null; // [width, -count, start, end]
  for (let start = 0; start < distribution.length; start += 1) {
    let count = 0;
    for (let end = start; end < distribution.length; end += 1) {
      count += distribution[end];
      if (count * 2 > total) {
        const candidate = [end - start, -count, start, end];
        const better = !best || candidate[0] < best[0] || (candidate[0] === best[0] && candidate[1] < best[1]);
        if (better) best = candidate;
        break;
      }
    }
  }
  return [config.mood_min + best[2], config.mood_min + best[3]];
}

/**
 * A revealed round as one sentence, to be read out ("Most people chose 6 to 7; average 6.4, from
 * 5 answers."), never as the chart's figures one by one.
 */
export function revealSentence(reveal) {
  if (reveal.too_few) return "Too few people answered to show the group's results. That keeps everyone's answers private.";
  const answers = `${reveal.answered} ${reveal.answered === 1 ? "answer" : "answers"}`;
  const { average, distribution } = reveal.mood;
  const range = average === null ? null : mostChosen(distribution);
  if (!range) return `No moods were shared, from ${answers}.`;
  const [low, high] = range;
  const chose = low === high ? `${low}` : `${low} to ${high}`;
  return `Most people chose ${chose}; average ${average}, from ${answers}.`;
}
