"""Demo data and its loader: the catalog, the course pages' content, and the rule they are
loaded by, which fills in what is missing and never undoes what staff changed (see fill.py)."""

from .catalog import batch_start, find_demo_batch, load_catalog, planned_capacity
from .fill import Fill, Output, removed_by_staff
from .trainers import TRAINERS, load_trainers

__all__ = [
    "TRAINERS",
    "Fill",
    "Output",
    "batch_start",
    "find_demo_batch",
    "load_catalog",
    "load_trainers",
    "planned_capacity",
    "removed_by_staff",
]
