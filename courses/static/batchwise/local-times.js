// Batch times in the viewer's own time zone, beside the batch's zone, and "starts in" labels.
//
// The page is complete without this script: it shows each batch's times in the batch's zone,
// and "· your time …" when the visitor picked a zone in the footer (the server converts those
// and marks them data-local-times="server"; "off" means the visitor wants the batch's zone
// only). For the rest ("auto") this adds the browser's zone, with the same rules as
// courses/time_zones.py: every session is converted, so a daylight-saving change in either
// zone during the batch shows as "then … from <date>". See docs/local-time.md.
(() => {
  const DAY = 24 * 60 * 60 * 1000;
  // "starts in N days" up to this many days ahead, as RELATIVE_LABEL_DAYS in time_zones.py.
  const RELATIVE_LABEL_DAYS = 14;
  const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]; // ISO 1 to 7
  const MONTHS = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ];

  let browserZone;
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!browserZone) return;

  const clocks = new Map();
  const zoneNames = new Map();

  // The wall clock in `zone` at `instant` (ms): year, month (1-12), day, hour, minute, second.
  function wallClock(instant, zone) {
    if (!clocks.has(zone)) {
      clocks.set(
        zone,
        new Intl.DateTimeFormat("en-GB", {
          timeZone: zone,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        }),
      );
    }
    const parts = {};
    for (const { type, value } of clocks.get(zone).formatToParts(instant)) {
      parts[type] = Number(value);
    }
    return parts;
  }

  // The same wall clock read as if it were UTC, in ms: differences of these are offsets/days.
  function asUtc(clock) {
    const { year, month, day, hour = 0, minute = 0, second = 0 } = clock;
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }

  function offset(instant, zone) {
    const whole = instant - (((instant % 1000) + 1000) % 1000);
    return asUtc(wallClock(whole, zone)) - whole;
  }

  // The instant of wall-clock `date` ("YYYY-MM-DD") `time` ("HH:MM") in `zone`. Like Python's
  // zoneinfo with fold=0: a repeated hour means its first occurrence, a skipped one is read
  // with the offset from before the change.
  function instantOf(date, time, zone) {
    const [year, month, day] = date.split("-").map(Number);
    const [hour, minute] = time.split(":").map(Number);
    const wall = Date.UTC(year, month - 1, day, hour, minute);
    const before = wall - offset(wall - DAY, zone);
    const after = wall - offset(wall + DAY, zone);
    const valid = [before, after].filter((t) => asUtc(wallClock(t, zone)) === wall);
    return valid.length ? Math.min(...valid) : before;
  }

  // The zone's short name at `instant` in the reader's locale: EST, CET, GMT+5:30 …
  function zoneName(instant, zone) {
    const locale = navigator.language || "en";
    const key = `${locale} ${zone}`;
    if (!zoneNames.has(key)) {
      const options = { timeZone: zone, timeZoneName: "short" };
      zoneNames.set(key, new Intl.DateTimeFormat(locale, options));
    }
    const part = zoneNames.get(key).formatToParts(instant).find((p) => p.type === "timeZoneName");
    return part ? part.value : zone;
  }

  const pad = (n) => String(n).padStart(2, "0");
  const hhmm = (clock) => `${pad(clock.hour)}:${pad(clock.minute)}`;
  const dayNumber = (clock) => Date.UTC(clock.year, clock.month - 1, clock.day) / DAY;
  // ISO weekday (Monday 1 … Sunday 7) of a day number; day 0, 1 January 1970, was a Thursday.
  const isoWeekday = (days) => ((((days + 3) % 7) + 7) % 7) + 1;
  const dayLabel = (clock) =>
    `${WEEKDAYS[isoWeekday(dayNumber(clock)) - 1]} ${clock.day} ${MONTHS[clock.month - 1]}`;

  // A new run of sessions only when the clock time moves (not when the zone's name alone does).
  const looks = (run) => [run.dayShift, run.starts, run.ends, run.endsNextDay].join(" ");

  // The batch's sessions on the viewer's clock, one entry per run of sessions that look alike.
  function sessionRuns(data, viewerZone) {
    const weekdays = data.weekdays.split(",").map(Number);
    const [fy, fm, fd] = data.firstDate.split("-").map(Number);
    const [ly, lm, ld] = data.lastDate.split("-").map(Number);
    const last = Date.UTC(ly, lm - 1, ld) / DAY;
    const runs = [];
    for (let day = Date.UTC(fy, fm - 1, fd) / DAY; day <= last; day += 1) {
      if (!weekdays.includes(isoWeekday(day))) continue;
      const date = new Date(day * DAY).toISOString().slice(0, 10);
      const startsAt = instantOf(date, data.sessionStart, data.batchZone);
      const endsAt = instantOf(date, data.sessionEnd, data.batchZone);
      const starts = wallClock(startsAt, viewerZone);
      const ends = wallClock(endsAt, viewerZone);
      const run = {
        firstDay: starts,
        dayShift: dayNumber(starts) - day,
        starts: hhmm(starts),
        ends: hhmm(ends),
        endsNextDay: dayNumber(ends) !== dayNumber(starts),
        zoneName: zoneName(startsAt, viewerZone),
      };
      const previous = runs[runs.length - 1];
      if (!previous || looks(previous) !== looks(run)) runs.push(run);
    }
    return { runs, weekdays };
  }

  function runLabel(run, weekdays) {
    let days = "";
    if (run.dayShift) {
      const name = (isoDay) => WEEKDAYS[(((isoDay - 1 + run.dayShift) % 7) + 7) % 7];
      days = `${name(weekdays[0])}–${name(weekdays[weekdays.length - 1])}, `;
    }
    const nextDay = run.endsNextDay ? " (ends next day)" : "";
    return `${days}${run.starts}–${run.ends} ${run.zoneName}${nextDay}`;
  }

  function yourTime(data, viewerZone) {
    const { runs, weekdays } = sessionRuns(data, viewerZone);
    const sameClock = (run) =>
      !run.dayShift &&
      !run.endsNextDay &&
      run.starts === data.sessionStart &&
      run.ends === data.sessionEnd;
    if (runs.every(sameClock)) return "";
    const [first, ...later] = runs;
    let text = `your time ${runLabel(first, weekdays)}`;
    for (const run of later) {
      text += `, then ${runLabel(run, weekdays)} from ${dayLabel(run.firstDay)}`;
    }
    return text;
  }

  function startsInLabel(startsAt, zone, now) {
    const days = dayNumber(wallClock(startsAt, zone)) - dayNumber(wallClock(now, zone));
    if (days === 0) return startsAt > now ? "starts today" : "started today";
    if (days === 1) return "starts tomorrow";
    if (days > 1 && days <= RELATIVE_LABEL_DAYS) return `starts in ${days} days`;
    return "";
  }

  for (const element of document.querySelectorAll('[data-local-times="auto"]')) {
    const data = element.dataset;
    let text = "";
    try {
      if (data.batchZone !== browserZone) text = yourTime(data, browserZone);
    } catch {
      continue; // A zone this browser doesn't know: the batch's own time stands alone.
    }
    data.localTimes = "browser"; // done: running again adds nothing
    if (!text) continue;
    const span = document.createElement("span");
    span.className = "your-time";
    span.textContent = ` · ${text}`;
    element.after(span);
  }

  // Redone with the browser's clock, so a cached page is never a day out: on the calendar of
  // the zone the visitor picked (data-viewer-zone), else of the browser's zone.
  const now = Date.now();
  for (const element of document.querySelectorAll("[data-starts-at]")) {
    const startsAt = Date.parse(element.dataset.startsAt);
    if (Number.isNaN(startsAt)) continue;
    let label;
    try {
      label = startsInLabel(startsAt, element.dataset.viewerZone || browserZone, now);
    } catch {
      continue;
    }
    element.textContent = label ? ` (${label})` : "";
  }
})();
