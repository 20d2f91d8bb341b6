// The join page's "I've been here before": typed recovery words wait in sessionStorage for the
// room (static/js/room-continuity.js), which sends them once the phone is in.
const words = document.getElementById("recovery-words");
document.getElementById("join-form")?.addEventListener("submit", () => {
  const phrase = words.value.trim();
  const name = `stepwise-phrase-${words.dataset.groupId}`;
  if (phrase) sessionStorage.setItem(name, phrase);
  else sessionStorage.removeItem(name);
});
