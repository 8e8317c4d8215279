"""Time zones: the lists the site offers, the viewer's zone, and batch times in it.

The one home of every list of zones: `iana_time_zones()` (in models, what is valid),
`COMMON_TIME_ZONES` (the footer's picker), `time_zone_choices()` (every zone, by region, for
forms that ask a learner where they are) and `LEGACY_ZONE_NAMES` (old names browsers report).

A batch keeps wall-clock session times in its own IANA zone (see Batch). A visitor may pick a
zone in the footer's zone picker; the choice lives in a cookie (no database, no session), and
the pages then add "· your time …" beside each batch's times. Without a choice the browser's
zone is used by courses/static/batchwise/local-times.js, which mirrors the rules below.

Every session of a batch is converted, not only the first: when a daylight-saving change in
either zone moves the viewer's clock during the batch, the label says so ("then … from Mon 29
Mar"). See docs/local-time.md.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .models import WEEKDAY_NAMES, Batch, iana_time_zones

VIEWER_TZ_COOKIE = "viewer_tz"
VIEWER_TZ_COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # one year, in seconds
# The picker's "Batch's own zone only": show no second time, not even the browser's.
BATCH_ZONE_ONLY = "batch"

# "starts in N days" up to this many days ahead; further away the date says enough.
# local-times.js has the same number.
RELATIVE_LABEL_DAYS = 14

# The picker's list. Any other IANA name is accepted too (and then listed for that visitor).
COMMON_TIME_ZONES = (
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/Anchorage",
    "America/Argentina/Buenos_Aires",
    "America/Bogota",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Phoenix",
    "America/Sao_Paulo",
    "America/Toronto",
    "America/Vancouver",
    "Asia/Bangkok",
    "Asia/Dhaka",
    "Asia/Dubai",
    "Asia/Hong_Kong",
    "Asia/Jakarta",
    "Asia/Karachi",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Riyadh",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Sydney",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Dublin",
    "Europe/Istanbul",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Moscow",
    "Europe/Paris",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "UTC",
)


class UnknownTimeZone(ValueError):
    """Not an IANA time zone name (nor the "batch's own zone only" choice)."""


# The viewer's choice


def is_time_zone(name: str) -> bool:
    return name in iana_time_zones()


def viewer_zone_choice(request: HttpRequest | None) -> str:
    """The zone picker's choice from the cookie: an IANA name, BATCH_ZONE_ONLY, or "" (none).

    A cookie naming no known zone (tampered with, or a zone removed from tzdata) counts as
    no choice. Reads the cookie only: no database query.
    """
    if request is None:
        return ""
    choice = request.COOKIES.get(VIEWER_TZ_COOKIE, "")
    if choice == BATCH_ZONE_ONLY or is_time_zone(choice):
        return choice
    return ""


def remember_viewer_zone(response: HttpResponse, choice: str, *, secure: bool) -> None:
    """Store the picker's choice in the cookie; "" forgets it (back to the browser's zone).

    Raises UnknownTimeZone for anything but an IANA name, BATCH_ZONE_ONLY or "".
    """
    if choice == "":
        response.delete_cookie(VIEWER_TZ_COOKIE, samesite="Lax")
        return
    if choice != BATCH_ZONE_ONLY and not is_time_zone(choice):
        raise UnknownTimeZone(choice)
    response.set_cookie(
        VIEWER_TZ_COOKIE,
        choice,
        max_age=VIEWER_TZ_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=secure,
        httponly=True,  # the server marks what it converted; scripts never read the cookie
    )


# The regions of the IANA database; names outside them (US/Eastern, Etc/GMT+5, EST5EDT) are
# old aliases or offsets that people do not recognise as "where I am".
ZONE_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
# Old names that browsers still report (Chromium says Asia/Calcutta for Asia/Kolkata) and
# the current name offered in the list instead. local-time-zone.js reads this map from the
# select's data-zone-aliases attribute.
LEGACY_ZONE_NAMES = {
    "Africa/Asmera": "Africa/Asmara",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Coral_Harbour": "America/Atikokan",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Europe/Kiev": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Ponape": "Pacific/Pohnpei",
    "Pacific/Truk": "Pacific/Chuuk",
}


@cache
def time_zone_choices() -> tuple:
    """UTC, then every IANA zone grouped by region and sorted by name."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(iana_time_zones()):
        area, _, place = name.partition("/")
        if area in ZONE_AREAS and place and name not in LEGACY_ZONE_NAMES:
            groups[area].append((name, name.replace("_", " ")))
    return (("UTC", "UTC"), *((area, groups[area]) for area in ZONE_AREAS))


def offered_time_zones() -> set[str]:
    return {"UTC"} | {name for _, group in time_zone_choices()[1:] for name, _ in group}


def default_time_zone() -> str:
    """The provider's own zone, as the list spells it."""
    zone = LEGACY_ZONE_NAMES.get(settings.TIME_ZONE, settings.TIME_ZONE)
    return zone if zone in offered_time_zones() else "UTC"


def picker_zones(choice: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's zones grouped by region: [(region, [(value, label), …]), …].

    A chosen zone that is not in the common list is listed too, so the select shows it.
    """
    zones = set(COMMON_TIME_ZONES)
    if choice and choice != BATCH_ZONE_ONLY:
        zones.add(choice)
    regions: dict[str, list[tuple[str, str]]] = {}
    for zone in sorted(zones):
        region = zone.split("/", 1)[0] if "/" in zone else "Other"
        regions.setdefault(region, []).append((zone, zone.replace("_", " ")))
    return list(regions.items())


# Batch sessions on the viewer's clock


def session_days(batch: Batch) -> Iterator[dt.date]:
    """The dates the batch meets: its track's days from start_date to end_date."""
    weekdays = batch.weekdays
    day = batch.start_date
    while day <= batch.end_date:
        if day.weekday() in weekdays:
            yield day
        day += dt.timedelta(days=1)


def session_bounds(batch: Batch, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The session on `day` as aware datetimes in the batch's zone (DST applied that day)."""
    zone = batch.zone
    return (
        dt.datetime.combine(day, batch.session_start, tzinfo=zone),
        dt.datetime.combine(day, batch.session_end, tzinfo=zone),
    )


def first_session_ends_at(batch: Batch) -> dt.datetime:
    return session_bounds(batch, batch.start_date)[1]


def zone_abbreviation(moment: dt.datetime) -> str:
    """IST, CET, EDT…; tzdata's numeric ones ("+04", "+0545") as GMT+4, GMT+5:45, like Intl."""
    name = moment.strftime("%Z")
    if not name or name[0] not in "+-":
        return name
    hours, minutes = name[1:3].lstrip("0") or "0", name[3:5]
    return f"GMT{name[0]}{hours}{':' + minutes if minutes and minutes != '00' else ''}"


@dataclass(frozen=True)
class LocalSessions:
    """Consecutive sessions of a batch that look the same on the viewer's clock."""

    first_day: dt.date  # the viewer's date of the first of these sessions
    day_shift: int  # the viewer's day minus the batch's day: -1, 0 or 1
    starts: str  # "HH:MM" on the viewer's clock
    ends: str
    ends_next_day: bool  # the session runs past the viewer's midnight
    zone_name: str  # the viewer's zone abbreviation, e.g. CET

    def same_clock_as(self, batch: Batch) -> bool:
        return (
            self.day_shift == 0
            and not self.ends_next_day
            and self.starts == f"{batch.session_start:%H:%M}"
            and self.ends == f"{batch.session_end:%H:%M}"
        )

    def label(self, batch: Batch) -> str:
        days = ""
        if self.day_shift:
            weekdays = batch.weekdays
            first, last = (
                WEEKDAY_NAMES[(d + self.day_shift) % 7] for d in (weekdays[0], weekdays[-1])
            )
            days = f"{first}–{last}, "
        next_day = " (ends next day)" if self.ends_next_day else ""
        return f"{days}{self.starts}–{self.ends} {self.zone_name}{next_day}"


def sessions_in_zone(batch: Batch, zone: dt.tzinfo) -> list[LocalSessions]:
    """The batch's sessions on the viewer's clock, one entry per run that looks the same."""

    def local(day: dt.date) -> LocalSessions:
        starts_at, ends_at = (moment.astimezone(zone) for moment in session_bounds(batch, day))
        return LocalSessions(
            first_day=starts_at.date(),
            day_shift=(starts_at.date() - day).days,
            starts=f"{starts_at:%H:%M}",
            ends=f"{ends_at:%H:%M}",
            ends_next_day=ends_at.date() != starts_at.date(),
            zone_name=zone_abbreviation(starts_at),
        )

    # A new run only when the clock time moves: a zone whose abbreviation alone changes (PST
    # to PDT, on the day the batch's zone changes too) keeps the first run's label.
    def looks(s: LocalSessions) -> tuple:
        return s.day_shift, s.starts, s.ends, s.ends_next_day

    sessions = (local(day) for day in session_days(batch))
    return [next(run) for _, run in groupby(sessions, key=looks)]


def your_time_label(batch: Batch, zone: dt.tzinfo) -> str:
    """The batch's sessions on the viewer's clock, as "your time" and the first run's days (when
    the viewer's day differs), times and zone, then each later run "from" its first date; ""
    when every session shows the same clock time in `zone` as in the batch's zone.

    For example a Kolkata weekend batch seen from New York across the US change to summer
    time: "your time Fri-Sat, 23:30-02:30 EST (ends next day), then 00:30-03:30 EDT from Sat
    20 Mar" (with en dashes).
    """
    runs = sessions_in_zone(batch, zone)
    if all(run.same_clock_as(batch) for run in runs):
        return ""
    first, *later = runs
    text = f"your time {first.label(batch)}"
    for run in later:
        text += f", then {run.label(batch)} from {format_date(run.first_day, 'D j M')}"
    return text


def starts_in_label(starts_at: dt.datetime, *, zone: dt.tzinfo, now: dt.datetime) -> str:
    """ "starts today", "starts tomorrow", "starts in 5 days" on the viewer's calendar; "" when
    further than RELATIVE_LABEL_DAYS ahead or already past."""
    days = (starts_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days == 0:
        return "starts today" if starts_at > now else "started today"
    if days == 1:
        return "starts tomorrow"
    if 1 < days <= RELATIVE_LABEL_DAYS:
        return f"starts in {days} days"
    return ""


def site_zone() -> dt.tzinfo:
    return timezone.get_current_timezone()


# Learners' zones, for planning a batch at a time that suits them

# UTC-offset bands the demand board groups learners' zones into: (lowest, highest) offset in
# hours, both included, and a label naming the regions most people there recognise.
OFFSET_BANDS = (
    (-12.0, -8.5, "UTC−12 to −9 (Pacific, Alaska)"),
    (-8.0, -5.5, "UTC−8 to −6 (Americas west)"),
    (-5.0, -2.5, "UTC−5 to −3 (Americas east)"),
    (-2.0, 1.5, "UTC−2 to +1 (UK, West Europe and Africa)"),
    (2.0, 3.5, "UTC+2 to +3 (East Europe, Middle East)"),
    (4.0, 6.5, "UTC+4 to +6 (Gulf, South Asia)"),
    (7.0, 9.5, "UTC+7 to +9 (East Asia)"),
    (10.0, 14.0, "UTC+10 to +14 (Australia, Pacific)"),
)
UNKNOWN_ZONE_BAND = "Zone not known"
# A session suits a learner when it starts at or after EARLIEST_LOCAL and ends by LATEST_LOCAL
# on their own clock.
EARLIEST_LOCAL = dt.time(9, 0)
LATEST_LOCAL = dt.time(21, 0)


def utc_offset_hours(zone_name: str, *, on: dt.date) -> float | None:
    """The zone's offset from UTC at noon on `on`, in hours; None for an unknown zone."""
    if not is_time_zone(zone_name):
        return None
    noon = dt.datetime.combine(on, dt.time(12), tzinfo=ZoneInfo(zone_name))
    offset = noon.utcoffset() or dt.timedelta(0)
    return offset.total_seconds() / 3600


def offset_band(zone_name: str, *, on: dt.date) -> str:
    """The OFFSET_BANDS label of a zone on a date (daylight-saving time counts)."""
    hours = utc_offset_hours(zone_name, on=on)
    if hours is None:
        return UNKNOWN_ZONE_BAND
    for lowest, highest, label in OFFSET_BANDS:
        if lowest <= hours <= highest:
            return label
    return UNKNOWN_ZONE_BAND


def propose_session_start(
    *,
    learner_zones: Iterable[str],
    batch_zone: str,
    on: dt.date,
    length: dt.timedelta,
    default: dt.time,
) -> dt.time:
    """The whole hour in `batch_zone` at which a session of `length` on `on` falls between
    EARLIEST_LOCAL and LATEST_LOCAL on the clocks of the most learners.

    Each entry of `learner_zones` is one learner's IANA zone (unknown names are skipped). On a
    tie, the hour nearest `default` (the course's own start) wins; without a known zone the
    answer is `default`.
    """
    zones = [ZoneInfo(name) for name in learner_zones if is_time_zone(name)]
    if not zones:
        return default
    here = ZoneInfo(batch_zone)

    def suits(hour: int) -> int:
        starts = dt.datetime.combine(on, dt.time(hour), tzinfo=here)
        ends = starts + length
        count = 0
        for zone in zones:
            local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
            if (
                local_start.date() == local_end.date()
                and local_start.time() >= EARLIEST_LOCAL
                and local_end.time() <= LATEST_LOCAL
            ):
                count += 1
        return count

    def nearness(hour: int) -> int:
        return abs(hour * 60 - (default.hour * 60 + default.minute))

    best = max(range(24), key=lambda hour: (suits(hour), -nearness(hour)))
    if suits(best) == 0:
        return default
    return dt.time(best)
