// Small touches for every page: local times, time-zone offsets, name suggestions.

for (const time of document.querySelectorAll("time[datetime]")) {
  const moment = new Date(time.getAttribute("datetime"));
  if (!Number.isNaN(moment.getTime())) {
    time.textContent = moment.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }
}

// A scheduled time is typed in the facilitator's local time; the server stores UTC. The time zone
// lets it use the offset of the scheduled date (across a clock change); today's offset is the
// fallback for a zone the server does not know.
for (const field of document.querySelectorAll('input[name="utc_offset_minutes"]')) {
  field.value = String(new Date().getTimezoneOffset());
}
for (const field of document.querySelectorAll('input[name="time_zone"]')) {
  field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
}

const suggest = document.getElementById("suggest-name");
if (suggest) {
  const names = suggest.dataset.suggestions.split("|");
  const input = document.getElementById("display_name");
  let next = 0;
  suggest.hidden = false;
  suggest.addEventListener("click", () => {
    input.value = names[next % names.length];
    next += 1;
    input.focus();
  });
}

for (const field of document.querySelectorAll(".copy-field")) {
  field.addEventListener("focus", () => field.select());
}
