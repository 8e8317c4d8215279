"""How the demo loader writes: it fills in what is missing and never undoes what staff changed.

Every demo row has a natural key, the fields the demo data names it by (a slug, a name, a
course and a question, a batch's course, track and start date). If a row with that key exists,
it is left exactly as it is, whatever staff changed in it; if staff made two, the oldest counts.
A row that is missing is created, full_clean()ed first, except:

- a course or batch whose change history shows a row with that key: staff deleted it, or
  gave it another key (a course another slug, a batch another start date), and the demo does
  not bring it back (categories and page content keep no history, so those come back);
- a row that is invalid beside what staff made meanwhile, such as a category staff gave the
  demo's name under another slug: it is reported and left out, and so is what hangs on it.
"""

from collections import Counter
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.management.base import OutputWrapper
from django.db import models
from django.utils.text import capfirst

CREATED, KEPT, REMOVED = "created", "kept", "removed"

# Where a run reports: a command's stdout (an OutputWrapper, which is no TextIO) or a stream.
type Output = OutputWrapper | TextIO


def find[M: models.Model](model: type[M], lookup: dict) -> M | None:
    """The row with this natural key; the oldest, if staff made twins."""
    return model._default_manager.filter(**lookup).order_by("pk").first()


def removed_by_staff(model: type[models.Model], lookup: dict) -> bool:
    """Whether the model's change history (django-simple-history) shows a row with this key.

    Asked about a key no row has now: such a row was deleted, or its key was changed.
    """
    history = getattr(model, "history", None)
    return history is not None and history.filter(**lookup).exists()


class Fill:
    """One run of the demo loader: the rows it created, and counts to report."""

    def __init__(self, stdout: Output | None = None) -> None:
        self.stdout = stdout
        self.counts: Counter = Counter()
        self._created: set[tuple[type[models.Model], int]] = set()

    def ensure[M: models.Model](self, model: type[M], lookup: dict, values: dict) -> M | None:
        """The row with this natural key as it is, else a new one with `values`; None when it
        is left out (removed by staff, or invalid)."""
        existing = find(model, lookup)
        if existing is not None:
            self.counts[model, KEPT] += 1
            return existing
        if removed_by_staff(model, lookup):
            self.counts[model, REMOVED] += 1
            return None
        row = model(**lookup, **values)
        try:
            row.full_clean()
        except ValidationError as error:
            reasons = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            self.say(f"{model.__name__} {lookup} not created: {reasons}")
            return None
        row.save()
        self._created.add((model, row.pk))
        self.counts[model, CREATED] += 1
        return row

    def is_new(self, row: models.Model) -> bool:
        """Whether this run created the row (so the demo may still complete it)."""
        return (type(row), row.pk) in self._created

    def report(self, *report_models: type[models.Model]) -> None:
        for model in report_models:
            line = (
                f"{capfirst(model._meta.verbose_name_plural)}: "
                f"{self.counts[model, CREATED]} created, "
                f"{self.counts[model, KEPT]} kept as they were"
            )
            if self.counts[model, REMOVED]:
                line += f", {self.counts[model, REMOVED]} deleted or moved by staff left out"
            self.say(f"{line}.")

    def say(self, line: str) -> None:
        if self.stdout is not None:
            self.stdout.write(f"{line}\n")
