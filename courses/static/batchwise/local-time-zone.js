// Preselect the learner's own time zone, as the browser reports it, in a fresh form.
// Without JavaScript the select keeps the provider's zone and the learner picks theirs.
// The server marks only an unsent form (data-local-time-zone), and a value the learner or the
// browser's form restore already chose is left alone.
(() => {
  let browserZone;
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!browserZone) return;
  for (const select of document.querySelectorAll("select[data-local-time-zone]")) {
    const options = Array.from(select.options);
    const original = options.find((option) => option.defaultSelected);
    if (original && select.value !== original.value) continue;
    let aliases = {};
    try {
      aliases = JSON.parse(select.dataset.zoneAliases || "{}");
    } catch {
      // An unreadable alias map only means fewer browsers are matched.
    }
    const offered = new Set(options.map((option) => option.value));
    const zone = offered.has(browserZone) ? browserZone : aliases[browserZone];
    if (zone && offered.has(zone)) select.value = zone;
  }
})();
