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
