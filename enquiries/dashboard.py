"""The staff dashboard's numbers. Each read is one aggregate query, however much data there is.

Counts only: nothing here returns a learner's name, email or phone, so every member of staff
may see the dashboard, whatever their role.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone

from courses.models import Batch

from .models import Enquiry

WEEKS = 12
CONVERSION_DAYS = 90
NEXT_BATCHES = 10
# Colours in enquiries/static/enquiries/dashboard.css: .series-0 … .series-7. With more
# courses than colours, the quietest ones share the last colour as "Other courses".
PALETTE_SIZE = 8
OTHER_COURSES = "Other courses"
GENERAL_ENQUIRIES = "General enquiries"  # from the contact page, about no course


# Links: each number opens the admin list it counts, through the list's own filters
# (EnquiryAdmin: "stage", "created_at", "course", "courses", "owner", "status"; the seat
# list's "batch").


def enquiry_list_url(**filters) -> str:
    return reverse("admin:enquiries_enquiry_changelist") + "?" + urlencode(filters)


def _moment(value: dt.datetime) -> str:
    return value.isoformat()


def _course_filter(course_ids: list[int | None]) -> dict:
    if course_ids == [None]:
        return {"course__isnull": "True"}
    if len(course_ids) == 1:
        return {"course__id__exact": course_ids[0]}
    return {"courses": ",".join("none" if pk is None else str(pk) for pk in course_ids)}


# Enquiries per week, by course


@dataclass(frozen=True, kw_only=True)
class Series:
    """One course's enquiries, week by week (or the other courses' together)."""

    label: str
    counts: list[int]
    colour: int
    course_ids: list[int | None] = field(default_factory=list)  # None: general enquiries

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def filters(self) -> dict:
        return _course_filter(self.course_ids)


@dataclass(frozen=True, kw_only=True)
class WeeklyEnquiries:
    weeks: list[dt.date]  # the Monday each week starts on, oldest first
    series: list[Series]  # busiest course first
    time_zone: str

    def _week_filters(self, first: int, last: int) -> dict:
        zone = timezone.get_default_timezone()
        since = dt.datetime.combine(self.weeks[first], dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(
            self.weeks[last] + dt.timedelta(weeks=1), dt.time.min, tzinfo=zone
        )
        return {
            "stage": "not_spam",
            "created_at__gte": _moment(since),
            "created_at__lt": _moment(until),
        }

    @property
    def linked_rows(self) -> list[tuple[dt.date, list[tuple[int, str]], tuple[int, str]]]:
        """table_rows with the list each count opens: (week, [(count, url)…], (total, url))."""
        rows = []
        for n, (week, counts, total) in enumerate(self.table_rows):
            week_filters = self._week_filters(n, n)
            cells = [
                (count, enquiry_list_url(**week_filters, **series.filters))
                for count, series in zip(counts, self.series, strict=True)
            ]
            rows.append((week, cells, (total, enquiry_list_url(**week_filters))))
        return rows

    def series_url(self, series: Series) -> str:
        return enquiry_list_url(**self._week_filters(0, len(self.weeks) - 1), **series.filters)

    @property
    def linked_series(self) -> list[tuple[Series, str]]:
        return [(series, self.series_url(series)) for series in self.series]

    @property
    def total_url(self) -> str:
        return enquiry_list_url(**self._week_filters(0, len(self.weeks) - 1))

    @property
    def week_totals(self) -> list[int]:
        return [sum(s.counts[n] for s in self.series) for n in range(len(self.weeks))]

    @property
    def total(self) -> int:
        return sum(self.week_totals)

    @property
    def table_rows(self) -> list[tuple[dt.date, list[int], int]]:
        """(week, count per series, total) for each week: the chart's numbers as a table."""
        return [
            (week, [s.counts[n] for s in self.series], total)
            for n, (week, total) in enumerate(zip(self.weeks, self.week_totals, strict=True))
        ]

    @property
    def busiest_week(self) -> tuple[dt.date, int] | None:
        totals = self.week_totals
        if not any(totals):
            return None
        busiest = max(range(len(totals)), key=totals.__getitem__)  # the earliest of equals
        return self.weeks[busiest], totals[busiest]


def weekly_enquiries(*, weeks: int = WEEKS) -> WeeklyEnquiries:
    """Enquiries (not spam) per week and course for the last `weeks` weeks, this one included.

    Weeks run Monday to Sunday in the site's time zone (TIME_ZONE).
    """
    zone = timezone.get_default_timezone()
    today = timezone.localtime(timezone.now(), zone).date()
    mondays = [
        today - dt.timedelta(days=today.weekday(), weeks=weeks - 1 - n) for n in range(weeks)
    ]
    since = dt.datetime.combine(mondays[0], dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(mondays[-1] + dt.timedelta(weeks=1), dt.time.min, tzinfo=zone)
    rows = (
        Enquiry.objects.not_spam()
        .filter(created_at__gte=since, created_at__lt=until)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week", "course_id", "course__title")
        .annotate(count=Count("pk"))
        .order_by()
    )
    column = {monday: n for n, monday in enumerate(mondays)}
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * weeks)
    titles: dict[int | None, str] = {}
    for row in rows:
        week = timezone.localtime(row["week"], zone).date()
        counts[row["course_id"]][column[week]] += row["count"]
        titles[row["course_id"]] = row["course__title"] or GENERAL_ENQUIRIES

    ranked = sorted(counts, key=lambda course: (-sum(counts[course]), titles[course]))
    if len(ranked) > PALETTE_SIZE:
        named, others = ranked[: PALETTE_SIZE - 1], ranked[PALETTE_SIZE - 1 :]
    else:
        named, others = ranked, []
    series = [
        Series(label=titles[course], counts=counts[course], colour=n, course_ids=[course])
        for n, course in enumerate(named)
    ]
    if others:
        series.append(
            Series(
                label=OTHER_COURSES,
                counts=[sum(counts[course][w] for course in others) for w in range(weeks)],
                colour=PALETTE_SIZE - 1,
                course_ids=others,
            )
        )
    return WeeklyEnquiries(weeks=mondays, series=series, time_zone=str(zone))


@dataclass(frozen=True, kw_only=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: int
    label: str
    count: int


@dataclass(frozen=True, kw_only=True)
class Bar:
    week: dt.date
    total: int
    centre: float
    top: float
    segments: list[Segment]

    @property
    def total_y(self) -> float:
        """Where the bar's total is written, just above it."""
        return round(self.top - 5, 1)


@dataclass(frozen=True, kw_only=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, kw_only=True)
class BarChart:
    """Coordinates of a stacked bar chart in SVG user units; the template only draws them."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)

    @property
    def tick_label_x(self) -> int:
        return self.left - 6

    @property
    def week_label_y(self) -> int:
        return self.bottom + 18


def axis_step(largest: int, *, max_ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, 50 …) giving at most `max_ticks` steps up to `largest`."""
    if largest <= max_ticks:
        return 1
    magnitude = 10 ** math.floor(math.log10(largest / max_ticks))
    for multiple in (1, 2, 5, 10):
        step = multiple * magnitude
        if math.ceil(largest / step) <= max_ticks:
            return step
    raise AssertionError("unreachable: 10 × magnitude always fits")


def stacked_bar_chart(data: WeeklyEnquiries, *, width: int = 760, height: int = 300) -> BarChart:
    """Lay out one bar per week, its courses stacked busiest at the bottom."""
    left, right, top, bottom = 44, width - 8, 24, height - 32
    largest = max(data.week_totals, default=0)
    step = axis_step(largest)
    axis_max = max(step * math.ceil(largest / step), 1)
    scale = (bottom - top) / axis_max
    slot = (right - left) / len(data.weeks)
    bar_width = round(slot * 0.64, 1)

    bars = []
    for n, week in enumerate(data.weeks):
        x = round(left + n * slot + (slot - bar_width) / 2, 1)
        y = float(bottom)
        segments = []
        for series in data.series:
            count = series.counts[n]
            if not count:
                continue
            segment_height = round(count * scale, 1)
            y = round(y - segment_height, 1)
            segments.append(
                Segment(
                    x=x,
                    y=y,
                    width=bar_width,
                    height=segment_height,
                    colour=series.colour,
                    label=series.label,
                    count=count,
                )
            )
        bars.append(
            Bar(
                week=week,
                total=sum(s.counts[n] for s in data.series),
                centre=round(x + bar_width / 2, 1),
                top=y,
                segments=segments,
            )
        )
    ticks = [
        Tick(value=value, y=round(bottom - value * scale, 1))
        for value in range(0, axis_max + 1, step)
    ]
    return BarChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        bars=bars,
        ticks=ticks,
    )


# Open enquiries by owner and status


@dataclass(frozen=True, kw_only=True)
class OwnerRow:
    owner: str  # a member of staff's name, or "Unassigned"
    counts: list[int]  # one per open status, in Enquiry.OPEN_STATUSES order
    owner_id: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def filters(self) -> dict:
        if self.owner_id is None:
            return {"owner__isnull": "True"}
        return {"owner__id__exact": self.owner_id}

    @property
    def linked_counts(self) -> list[tuple[int, str]]:
        return [
            (count, enquiry_list_url(**self.filters, status__exact=status))
            for count, status in zip(self.counts, Enquiry.OPEN_STATUSES, strict=True)
        ]

    @property
    def total_url(self) -> str:
        return enquiry_list_url(**self.filters, stage="open")


@dataclass(frozen=True, kw_only=True)
class OpenPipeline:
    statuses: list[str]  # column headings
    rows: list[OwnerRow]  # owners by name, "Unassigned" last

    @property
    def status_totals(self) -> list[int]:
        return [sum(row.counts[n] for row in self.rows) for n in range(len(self.statuses))]

    @property
    def total(self) -> int:
        return sum(self.status_totals)

    @property
    def linked_status_totals(self) -> list[tuple[int, str]]:
        return [
            (count, enquiry_list_url(status__exact=status))
            for count, status in zip(self.status_totals, Enquiry.OPEN_STATUSES, strict=True)
        ]

    @property
    def total_url(self) -> str:
        return enquiry_list_url(stage="open")


UNASSIGNED = "Unassigned"


def open_enquiries_by_owner() -> OpenPipeline:
    """Open enquiries (new, contacted, qualified) counted per owner and status."""
    statuses = list(Enquiry.OPEN_STATUSES)
    rows = (
        Enquiry.objects.open()
        .values("owner_id", "owner__username", "owner__first_name", "owner__last_name", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(statuses))
    names: dict[int | None, str] = {None: UNASSIGNED}
    for row in rows:
        owner = row["owner_id"]
        counts[owner][statuses.index(row["status"])] += row["count"]
        if owner is not None:
            full_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
            names[owner] = full_name or row["owner__username"]
    order = sorted(counts, key=lambda owner: (owner is None, names[owner].casefold(), owner or 0))
    return OpenPipeline(
        statuses=[Enquiry.Status(status).label for status in statuses],
        rows=[
            OwnerRow(owner=names[owner], counts=counts[owner], owner_id=owner) for owner in order
        ],
    )


# Fill of the next batches


@dataclass(frozen=True, kw_only=True)
class BatchFill:
    """A batch's confirmed seats as a share of its capacity; the numbers are its ledger."""

    batch: Batch

    @property
    def seats_taken(self) -> int:
        return self.batch.seats_taken

    @property
    def capacity(self) -> int | None:  # None: unlimited
        return self.batch.capacity

    @property
    def percent(self) -> int | None:
        """Seats taken as a whole percentage of capacity, at most 100; None when unlimited."""
        if self.capacity is None:
            return None
        return min(100, round(100 * self.seats_taken / self.capacity))

    @property
    def is_full(self) -> bool:
        return self.batch.is_full

    @property
    def seats_url(self) -> str:
        """The batch's confirmed seats in the seat list."""
        query = urlencode({"batch": self.batch.pk, "status__exact": "confirmed"})
        return reverse("admin:enquiries_enrollment_changelist") + "?" + query


def next_batch_fill(*, limit: int = NEXT_BATCHES) -> list[BatchFill]:
    """The next `limit` batches open for enquiry, soonest first, with seats taken."""
    batches = (
        Batch.objects.open_for_enquiry()
        .select_related("course")
        .order_by("start_date", "session_start", "course__title", "pk")[:limit]
    )
    return [BatchFill(batch=batch) for batch in batches]


# Conversion


@dataclass(frozen=True, kw_only=True)
class ConversionRow:
    course: str
    enquiries: int
    enrolled: int
    since: dt.datetime
    course_filter: dict = field(default_factory=dict)  # none: every course

    @property
    def rate(self) -> float | None:
        """Enrolled as a percentage of enquiries; None when there were none."""
        return 100 * self.enrolled / self.enquiries if self.enquiries else None

    @property
    def enquiries_url(self) -> str:
        return enquiry_list_url(
            stage="not_spam", created_at__gte=_moment(self.since), **self.course_filter
        )

    @property
    def enrolled_url(self) -> str:
        return enquiry_list_url(
            status__exact=Enquiry.Status.ENROLLED,
            created_at__gte=_moment(self.since),
            **self.course_filter,
        )


@dataclass(frozen=True, kw_only=True)
class Conversion:
    days: int
    overall: ConversionRow
    courses: list[ConversionRow]  # by course title


def conversion(*, days: int = CONVERSION_DAYS) -> Conversion:
    """Of the enquiries (not spam) made in the last `days` days, how many are now enrolled."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Enquiry.objects.not_spam()
        .filter(created_at__gte=since)
        .values("course_id", "course__title")
        .annotate(
            enquiries=Count("pk"),
            enrolled=Count("pk", filter=Q(status=Enquiry.Status.ENROLLED)),
        )
        .order_by("course__title", "course_id")
    )
    courses = [
        ConversionRow(
            course=row["course__title"] or GENERAL_ENQUIRIES,
            enquiries=row["enquiries"],
            enrolled=row["enrolled"],
            since=since,
            course_filter=_course_filter([row["course_id"]]),
        )
        for row in rows
    ]
    overall = ConversionRow(
        course="All courses",
        enquiries=sum(row.enquiries for row in courses),
        enrolled=sum(row.enrolled for row in courses),
        since=since,
    )
    return Conversion(days=days, overall=overall, courses=courses)
