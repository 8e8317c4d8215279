"""The seat badges a batch shows (templates/includes/batch_badges.html)."""

import re

import pytest
from django.template.loader import render_to_string

from courses.models import Batch


def badges(batch: Batch) -> list[tuple[str, str]]:
    """Each badge as (its class, its text)."""
    html = render_to_string("includes/batch_badges.html", {"batch": batch})
    return re.findall(r'<span class="badge (badge-[a-z-]+)">([^<]+)</span>', html)


@pytest.mark.parametrize(
    ("ledger", "shown"),
    [
        ({"capacity": 10, "seats_taken": 2}, []),
        ({"capacity": 10, "seats_taken": 6}, []),
        ({"capacity": 10, "seats_taken": 7}, [("badge-few-seats", "3 seats left")]),
        ({"capacity": 10, "seats_taken": 8, "seats_held": 1}, [("badge-few-seats", "1 seat left")]),
        ({"capacity": 10, "seats_taken": 9, "seats_held": 1}, [("badge-full", "Full")]),
        ({"capacity": None, "seats_taken": 400}, []),
    ],
)
def test_a_batch_shows_full_or_few_seats_left_from_its_ledger(ledger, shown):
    assert badges(Batch(**ledger)) == shown


def test_few_seats_left_is_at_most_few_seats_free():
    assert Batch(capacity=10, seats_taken=10 - Batch.FEW_SEATS).has_few_seats_left
    assert not Batch(capacity=10, seats_taken=9 - Batch.FEW_SEATS).has_few_seats_left
    assert not Batch(capacity=10, seats_taken=10).has_few_seats_left
    assert not Batch(capacity=None).has_few_seats_left


@pytest.mark.parametrize(
    ("ledger", "shown"),
    [
        (
            {"capacity": 10, "min_participants": 4, "seats_taken": 4},
            [("badge-guaranteed", "Guaranteed to run")],
        ),
        (
            {"capacity": 5, "min_participants": 4, "seats_taken": 5},
            [("badge-full", "Full"), ("badge-guaranteed", "Guaranteed to run")],
        ),
        ({"capacity": 10, "min_participants": 4, "seats_taken": 3}, []),
    ],
)
def test_a_batch_that_reached_its_minimum_is_guaranteed_to_run(ledger, shown):
    assert badges(Batch(**ledger)) == shown


def test_a_batch_without_badges_renders_nothing():
    html = render_to_string("includes/batch_badges.html", {"batch": Batch(capacity=10)})
    assert html.strip() == ""
