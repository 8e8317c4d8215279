"""`manage.py load_demo`: the demo catalog plus enough activity to see every seat state.

Idempotent like the catalog: learners are matched by email, so running it again adds nothing.
The activity goes through the same services staff and learners use.
"""

import contextlib
import datetime as dt
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courses.demo import batch_start, load_catalog
from courses.models import Batch, Course
from enquiries import one_on_one, seats
from enquiries.models import Enquiry, TrainingPlan

LEARNERS = [
    ("Aarav Mehta", "+919820011001"),
    ("Sofia Rossi", "+393471234567"),
    ("Daniel Okafor", "+2348031234567"),
    ("Meera Iyer", "+919845012345"),
    ("James Whitfield", "+447911123456"),
    ("Lucía Fernández", "+34612345678"),
    ("Kenji Watanabe", "+819012345678"),
    ("Priya Nair", "+919900112233"),
    ("Oliver Schmidt", "+4915112345678"),
    ("Ananya Rao", "+919811223344"),
    ("Emma Dubois", "+33612345678"),
    ("Rahul Verma", "+919876501234"),
]

# (course, track, seats to fill, minimum participants, people waiting): each shows one state.
SEAT_STATES = {
    "full with a waiting list": ("kubernetes-in-production", Batch.Track.WEEKEND, "all", None, 2),
    "guaranteed to run": ("deep-learning", Batch.Track.WEEKDAY, 6, 5, 0),
    "under its minimum": ("python-for-data-analysis", Batch.Track.WEEKEND, 2, 6, 0),
}


def demo_email(name: str) -> str:
    return name.split()[0].lower().replace("í", "i") + "@example.com"


class Command(BaseCommand):
    help = (
        "Create or update the demo catalog and demo activity: a full batch with a waiting "
        "list, a batch guaranteed to run and one under its minimum."
    )

    def handle(self, *args, **options):
        load_catalog(today=timezone.localdate(), stdout=self.stdout)
        self.load_activity()
        self.load_one_on_one()

    def load_one_on_one(self) -> None:
        """A learner in New York who asked for evening sessions, with the plan staff made."""
        email = "hannah@example.com"
        enquiry = Enquiry.objects.filter(email=email, kind=Enquiry.Kind.ONE_ON_ONE).first()
        if enquiry is None:
            today = timezone.localdate()
            enquiry = one_on_one.submit_one_on_one(
                course=Course.objects.get(slug="deep-learning"),
                preferences=one_on_one.Preferences(
                    preferred_days=(1, 3),  # Tuesday, Thursday
                    window_start=dt.time(18, 0),
                    window_end=dt.time(21, 0),
                    timezone="America/New_York",
                    session_minutes=90,
                    sessions_per_week=2,
                    weeks=8,
                    earliest_start=today + dt.timedelta(days=14),
                ),
                name="Hannah Brooks",
                email=email,
                phone="+12125550143",
                message="I work days; two evenings a week suit me best.",
                consented=True,
                submission_token=uuid.UUID(int=1),
            )
        request = enquiry.one_on_one_request
        plan = TrainingPlan.objects.filter(request=request).first() or one_on_one.generate_plan(
            request=request, by=None
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo one-on-one plan: /training-plan/{plan.token}/ "
                f"({plan.sessions.count()} sessions)."
            )
        )

    def load_activity(self) -> None:
        today = timezone.localdate()
        for state, (slug, track, fill, minimum, waiting) in SEAT_STATES.items():
            start = batch_start(today, months_ahead=1, track=track)
            try:
                batch = Batch.objects.get(course__slug=slug, track=track, start_date=start)
            except Batch.DoesNotExist as error:
                raise CommandError(f"The demo batch for '{state}' is missing.") from error
            if minimum is not None and batch.min_participants != minimum:
                batch.min_participants = minimum
                batch.full_clean()
                batch.save()
            count = batch.capacity if fill == "all" else fill
            people = [
                seats.Learner(name=name, email=demo_email(name), phone=phone)
                for name, phone in LEARNERS[: count + waiting]
            ]
            for learner in people[:count]:
                with contextlib.suppress(seats.AlreadyEnrolled):  # loaded before
                    seats.enroll(batch=batch, learner=learner)
            for learner in people[count:]:
                seats.join_waitlist(batch=batch, learner=learner, consented=True)
            self.stdout.write(self.style.SUCCESS(f"Demo batch {state}: {batch}."))
