"""Two people must never be promised the last seat.

Real threads, each with its own database connection, all claim the last seat of a batch at the
same moment. Run on PostgreSQL (a row lock) and on SQLite (IMMEDIATE transactions).
"""

import threading
from collections import Counter

import pytest
from django.db import connection

from enquiries.models import Enrollment, WaitlistEntry
from enquiries.services import seats
from tests.factories import make_batch


def claim_last_seat_at_once(batch, attempts: int) -> Counter:
    """Start `attempts` threads that enrol different learners at the same moment."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(attempts)

    def claim(n: int) -> None:
        try:
            start.wait()
            result = seats.enroll(
                batch=batch,
                learner=seats.Learner(name=f"Learner {n}", email=f"learner{n}@example.com"),
            )
            outcome = "confirmed" if isinstance(result, Enrollment) else "waitlisted"
        except Exception as error:  # counted, and shown by the assertion
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempts", [20, 50])
def test_only_one_of_many_simultaneous_learners_gets_the_last_seat(attempts):
    batch = make_batch(capacity=5)
    for n in range(4):
        seats.enroll(
            batch=batch, learner=seats.Learner(name=f"Early {n}", email=f"early{n}@example.com")
        )

    outcomes = claim_last_seat_at_once(batch, attempts)

    print(f"{connection.vendor}: {attempts} attempts -> {dict(outcomes)}")
    assert outcomes == {"confirmed": 1, "waitlisted": attempts - 1}
    assert Enrollment.objects.confirmed().filter(batch=batch).count() == 5
    positions = list(WaitlistEntry.objects.filter(batch=batch).values_list("position", flat=True))
    assert sorted(positions) == list(range(1, attempts))
