"""Shape batch lists the way the schedule pages show them: by month, then by track."""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from .models import Batch


@dataclass
class TrackRow:
    track: Batch.Track
    batches: list[Batch] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.track.label


@dataclass
class MonthGroup:
    month: dt.date
    batches: list[Batch]

    @property
    def slug(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def tracks(self) -> list[TrackRow]:
        """One row per track, always both, so a month without a weekend batch says so."""
        return [
            TrackRow(track, [batch for batch in self.batches if batch.track == track])
            for track in Batch.Track
        ]


def group_by_month(batches) -> list[MonthGroup]:
    """Group batches (already ordered by start date) into months."""
    return [
        MonthGroup(month, list(month_batches))
        for month, month_batches in groupby(batches, key=lambda batch: batch.month)
    ]


# A schedule page lists one month, this many batches at a time; a course page shows its
# next batches up to this many, in whole months. Both keep a page's size and time flat in
# the number of batches (docs/benchmarks.md).
SCHEDULE_BATCHES_PER_PAGE = 25
COURSE_PAGE_BATCHES = 12


@dataclass(frozen=True)
class ScheduleMonth:
    """Which month of the schedule a page shows, and which of its batches."""

    month: dt.date | None  # None: no batch matches at all
    batches_in_month: int
    page_number: int
    page_count: int

    @property
    def first_index(self) -> int:
        return (self.page_number - 1) * SCHEDULE_BATCHES_PER_PAGE

    @property
    def rows(self) -> slice:
        return slice(self.first_index, self.first_index + SCHEDULE_BATCHES_PER_PAGE)

    @property
    def last_index(self) -> int:
        return min(self.first_index + SCHEDULE_BATCHES_PER_PAGE, self.batches_in_month)


def schedule_month(
    month_counts: list[tuple[dt.date, int]], *, asked: dt.date | None, page: str | None
) -> ScheduleMonth:
    """The month asked for (any month, even one with no batch), else the first with batches;
    the page of it asked for, else the first (a page number out of range gives the nearest)."""
    counts = dict(month_counts)
    month = asked or (month_counts[0][0] if month_counts else None)
    in_month = counts.get(month, 0) if month else 0
    page_count = max(1, -(-in_month // SCHEDULE_BATCHES_PER_PAGE))
    try:
        number = min(max(int(page or 1), 1), page_count)
    except ValueError:
        number = 1
    return ScheduleMonth(month, in_month, number, page_count)


def coming_months(batches, *, at_most: int = COURSE_PAGE_BATCHES) -> tuple[list[MonthGroup], bool]:
    """The first whole months of `batches` (ordered by start) holding at most `at_most`
    batches, the first month always (cut at `at_most` if it alone holds more); and whether
    any batch is left out. One query."""
    fetched = list(batches[: at_most + 1])
    more = len(fetched) > at_most
    months = group_by_month(fetched[:at_most])
    if more and len(months) > 1 and months[-1].month == fetched[at_most].month:
        months.pop()  # the last month would be cut short: the schedule shows it whole
    return months, more
