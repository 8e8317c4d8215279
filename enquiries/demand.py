"""The demand board's numbers: open demand by course, month, track and mode, each person once.

Every source of demand is an open enquiry (not spam) about a course, so one query reads them
all, each row already placed in its cell:

| enquiry | month | track, mode |
|---|---|---|
| batch, waiting list (of a full batch) | the batch's start month | the batch's |
| interest list | each month the learner picked (one row per month) | as picked; "" is either |
| one-on-one request | the month of its earliest start, this month if that has passed | either |
| course (no batch chosen) | any month (`None`) | either |

Demand in a month already gone (a batch that has started) is left out. A person is their
email address, compared without case; within a cell each person counts once. Someone who
left the interest list (unsubscribed) no longer counts for it.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

from django.db.models import Case, DateField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, Lower, NullIf, TruncMonth
from django.urls import reverse
from django.utils import timezone

from courses import services as planning
from courses import time_zones
from courses.models import Batch, Course, Trainer

from .models import BatchInvitation, Enquiry

ANY = "any"  # a key's month, track or mode that is "any" / "either"
DEMAND_KINDS = (
    Enquiry.Kind.BATCH,
    Enquiry.Kind.WAITING_LIST,
    Enquiry.Kind.INTEREST,
    Enquiry.Kind.ONE_ON_ONE,
    Enquiry.Kind.COURSE,
)


@dataclass(frozen=True, kw_only=True)
class CellKey:
    """Where demand falls: a course, a month (None: any), a track and a mode ("": either)."""

    course_id: int
    month: dt.date | None
    track: str
    mode: str

    def __str__(self) -> str:
        """`<course id>.<YYYY-MM|any>.<track|any>.<mode|any>`: the list filter's value."""
        month = f"{self.month:%Y-%m}" if self.month else ANY
        return f"{self.course_id}.{month}.{self.track or ANY}.{self.mode or ANY}"

    @classmethod
    def parse(cls, text: str) -> "CellKey":
        """The key from its string; ValueError for anything else."""
        course_id, month, track, mode = text.split(".")
        if not (course_id.isascii() and course_id.isdigit() and len(course_id) <= 19):
            raise ValueError("not a course id")
        if track != ANY and track not in Batch.Track.values:
            raise ValueError("not a track")
        if mode != ANY and mode not in Batch.Delivery.values:
            raise ValueError("not a mode")
        return cls(
            course_id=int(course_id),
            month=None if month == ANY else dt.datetime.strptime(month, "%Y-%m").date(),
            track="" if track == ANY else track,
            mode="" if mode == ANY else mode,
        )


def demand_enquiries(*, today: dt.date | None = None) -> QuerySet[Any]:
    """Open enquiries that are demand, each row annotated with its cell and its person.

    An interest enquiry appears once per month it picked, so count people, not rows.
    """
    this_month = (today or timezone.localdate()).replace(day=1)
    # PostgreSQL's date_trunc gives a timestamp: each month is cast back to a date.
    one_on_one_month = Greatest(
        Cast(TruncMonth("one_on_one_request__earliest_start"), DateField()),
        Value(this_month, output_field=DateField()),
    )
    return (
        Enquiry.objects.open()
        .filter(kind__in=DEMAND_KINDS, course__isnull=False)
        .exclude(kind=Enquiry.Kind.INTEREST, interest__unsubscribed_at__isnull=False)
        .exclude(kind=Enquiry.Kind.INTEREST, interest__isnull=True)
        .annotate(
            cell_month=Case(
                When(
                    kind__in=Enquiry.BATCH_KINDS,
                    then=Cast(TruncMonth("batch__start_date"), DateField()),
                ),
                When(kind=Enquiry.Kind.INTEREST, then=F("interest__months__month")),
                When(kind=Enquiry.Kind.ONE_ON_ONE, then=one_on_one_month),
                default=None,
                output_field=DateField(),
            ),
            cell_track=Coalesce("batch__track", "interest__track", Value("")),
            cell_mode=Coalesce("batch__delivery", "interest__mode", Value("")),
            person=Lower("email"),
            zone=Coalesce(
                NullIf("time_zone", Value("")), "one_on_one_request__timezone", Value("")
            ),
        )
        .filter(Q(cell_month__isnull=True) | Q(cell_month__gte=this_month))
        .order_by()
    )


def _enquiries_since(batch, email, since) -> QuerySet[Enquiry]:
    """Enquiries about `batch` from `email` made after `since` (expressions or values)."""
    return Enquiry.objects.not_spam().filter(batch=batch, email__iexact=email, created_at__gt=since)


def enquired_since_invitation(*, batch_id: int) -> QuerySet[Enquiry]:
    """Enquiries about the batch from people invited to it from the board, after the invite."""
    invited = BatchInvitation.objects.filter(
        batch_id=batch_id, reason=BatchInvitation.Reason.INVITE
    )
    return Enquiry.objects.filter(
        Exists(
            invited.filter(
                enquiry__email__iexact=OuterRef("email"), created_at__lt=OuterRef("created_at")
            )
        ),
        batch_id=batch_id,
    ).not_spam()


def enquiries_in_cell(key: CellKey, *, today: dt.date | None = None) -> QuerySet[Enquiry]:
    """The enquiries behind one cell of the board: the same rows its number counts."""
    in_cell: QuerySet[Any] = demand_enquiries(today=today).filter(
        course_id=key.course_id, cell_track=key.track, cell_mode=key.mode
    )
    in_cell = (
        in_cell.filter(cell_month__isnull=True)
        if key.month is None
        else in_cell.filter(cell_month=key.month)
    )
    return Enquiry.objects.filter(pk__in=in_cell.values("pk"))


# The board


class TrainerPicker(Protocol):
    """Proposes a trainer for each planned batch, or None (services.trainers)."""

    def __call__(self, *, planned: Sequence[planning.PlannedBatch]) -> list[Trainer | None]: ...


@dataclass(kw_only=True)
class Cell:
    key: CellKey
    zones: dict[str, str] = field(default_factory=dict)  # person → zone ("" if not known)
    minimum: int | None = None
    batch: Batch | None = None  # a published batch open for enquiries that matches
    invited: int = 0
    enquired_since: int = 0
    planned: planning.PlannedBatch | None = None  # "Plan a batch": the batch to propose
    trainer: Trainer | None = None  # and the trainer to propose with it
    proposed_start: dt.time | None = None

    @property
    def people(self) -> int:
        return len(self.zones)

    @property
    def meets_minimum(self) -> bool:
        return self.minimum is not None and self.people >= self.minimum

    @property
    def bands(self) -> list[tuple[str, int]]:
        """(offset band, people) by the bands' order, the unknown zones last."""
        on = self.key.month or timezone.localdate()
        counts = Counter(time_zones.offset_band(zone, on=on) for zone in self.zones.values())
        order = [label for _, _, label in time_zones.OFFSET_BANDS] + [time_zones.UNKNOWN_ZONE_BAND]
        return [(label, counts[label]) for label in order if counts[label]]

    @property
    def plan_url(self) -> str:
        """Add batch, pre-filled with the planned batch (and its trainer, if one is free)."""
        planned = self.planned
        if planned is None:
            return ""
        values = {
            "course": planned.course.pk,
            "track": planned.track,
            "start_date": planned.start_date.isoformat(),
            "end_date": planned.end_date.isoformat(),
            "session_start": f"{planned.session_start:%H:%M}",
            "session_end": f"{planned.session_end:%H:%M}",
            "timezone": planned.timezone,
            "delivery": self.key.mode or Batch.Delivery.ONLINE,
            "capacity": planned.capacity,
            "min_participants": planned.min_participants,
            "trainer": self.trainer.pk if self.trainer else None,
        }
        query = urlencode({name: value for name, value in values.items() if value is not None})
        return f"{reverse('admin:courses_batch_add')}?{query}"

    @property
    def list_url(self) -> str:
        changelist = reverse("admin:enquiries_enquiry_changelist")
        return f"{changelist}?{urlencode({'demand': str(self.key)})}"


@dataclass(kw_only=True)
class Row:
    course: Course
    track: str
    mode: str
    cells: list[Cell | None]

    @property
    def track_label(self) -> str:
        return Batch.Track(self.track).label if self.track else "Either track"

    @property
    def mode_label(self) -> str:
        return Batch.Delivery(self.mode).label if self.mode else "Either mode"


@dataclass(kw_only=True)
class Board:
    months: list[dt.date | None]  # None first: "any month"
    rows: list[Row]

    @property
    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells if cell is not None]


def demand_board(
    *, today: dt.date | None = None, pick_trainers: TrainerPicker | None = None
) -> Board:
    """The whole board: four queries however many enquiries there are (the demand, its
    courses, the matching batches and their invitations), and those `pick_trainers` makes
    to propose a trainer for each "Plan a batch" (none without it)."""
    today = today or timezone.localdate()
    cells: dict[CellKey, Cell] = {}
    for course_id, month, track, mode, person, zone in demand_enquiries(today=today).values_list(
        "course_id", "cell_month", "cell_track", "cell_mode", "person", "zone"
    ):
        key = CellKey(course_id=course_id, month=month, track=track, mode=mode)
        cell = cells.setdefault(key, Cell(key=key))
        if not cell.zones.get(person):
            cell.zones[person] = zone
    courses = Course.objects.in_bulk({key.course_id for key in cells})
    _match_batches(cells, courses=courses, today=today)
    for cell in cells.values():
        course = courses[cell.key.course_id]
        cell.minimum = course.default_min_participants
        if cell.key.month is not None:
            _propose(cell, course=course, today=today)
    if pick_trainers is not None:
        proposals = [cell for cell in cells.values() if cell.planned is not None]
        picked = pick_trainers(planned=[cell.planned for cell in proposals if cell.planned])
        for cell, trainer in zip(proposals, picked, strict=True):
            cell.trainer = trainer
    months = sorted({key.month for key in cells if key.month is not None})
    columns: list[dt.date | None] = [None, *months]
    grouped: dict[tuple[int, str, str], dict[dt.date | None, Cell]] = {}
    for key, cell in cells.items():
        grouped.setdefault((key.course_id, key.track, key.mode), {})[key.month] = cell
    rows = [
        Row(
            course=courses[course_id],
            track=track,
            mode=mode,
            cells=[by_month.get(month) for month in columns],
        )
        for (course_id, track, mode), by_month in grouped.items()
    ]
    rows.sort(key=lambda row: (row.course.title, row.course.pk, row.track or "~", row.mode or "~"))
    return Board(months=columns, rows=rows)


def _match_batches(cells: dict[CellKey, Cell], *, courses: dict, today: dt.date) -> None:
    """The first open batch of each dated cell's course, month, track and mode, and how many
    people staff invited to it and how many of those enquired about it since."""
    batches = list(
        Batch.objects.open_for_enquiry(today=today)
        .filter(course_id__in=list(courses), start_date__gte=today.replace(day=1))
        .order_by("start_date", "session_start", "pk")
    )
    for batch in batches:
        batch.course = courses[batch.course_id]
    for cell in cells.values():
        key = cell.key
        cell.batch = next(
            (
                batch
                for batch in batches
                if key.month is not None
                and batch.course_id == key.course_id
                and batch.month == key.month
                and key.track in ("", batch.track)
                and key.mode in ("", batch.delivery)
            ),
            None,
        )
    enquired_after = _enquiries_since(
        OuterRef("batch"), OuterRef("enquiry__email"), OuterRef("created_at")
    )
    invited: Counter[int] = Counter()
    enquired: Counter[int] = Counter()
    for batch_id, since in (
        BatchInvitation.objects.filter(
            batch__in=[cell.batch for cell in cells.values() if cell.batch],
            reason=BatchInvitation.Reason.INVITE,
        )
        .annotate(since=Exists(enquired_after))
        .values_list("batch_id", "since")
    ):
        invited[batch_id] += 1
        enquired[batch_id] += bool(since)
    for cell in cells.values():
        if cell.batch is not None:
            cell.invited, cell.enquired_since = invited[cell.batch.pk], enquired[cell.batch.pk]


def _propose(cell: Cell, *, course: Course, today: dt.date) -> None:
    """ "Plan a batch": the course's batch in the cell's month and track, at the hour that
    suits most of the cell's learners, as a pre-filled batch form."""
    assert cell.key.month is not None
    track = Batch.Track(cell.key.track or Batch.Track.WEEKDAY)
    default = planning.plan_batch(course=course, month=cell.key.month, track=track, today=today)
    length = dt.datetime.combine(default.start_date, default.session_end) - dt.datetime.combine(
        default.start_date, default.session_start
    )
    start = time_zones.propose_session_start(
        learner_zones=[zone for zone in cell.zones.values() if zone],
        batch_zone=default.timezone,
        on=default.start_date,
        length=length,
        default=default.session_start,
    )
    planned = planning.plan_batch(
        course=course, month=cell.key.month, track=track, session_start=start, today=today
    )
    cell.proposed_start = planned.session_start
    cell.planned = planned
