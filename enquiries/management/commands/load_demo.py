"""`manage.py load_demo`: the demo catalog plus enough activity to see every seat state.

`make run` runs it before every start of the site, so, like the catalog (courses.demo), it fills
in what is missing and never undoes what staff changed, whatever was done in the site meanwhile:

- a demo learner who has or had a seat or a waiting-list place in a demo batch, in any state
  (confirmed, cancelled, transferred, waiting, offered, accepted, expired, left), is not added
  to it again;
- a demo batch that is cancelled or has started is left alone, and one staff deleted or moved
  to another date is not created again; each is reported with a line, and the run goes on;
- a batch's minimum is set only when this run created the batch;
- Hannah's one-on-one request and plan are made once; a plan staff deleted stays deleted;
- the demo trainers get their demo batches through the trainer check; a batch that has or had
  a trainer is left as it is.

The activity goes through the services staff and learners use (enquiries.services.seats,
enquiries.services.one_on_one); a refusal from one of them is reported, not raised.

With DEBUG on it also makes three staff logins (superuser, Sales, Scheduler), each only if no
user has its username: a password changed since is never reset.
"""

import datetime as dt
import uuid
from typing import Literal, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from courses.demo import (
    TRAINERS,
    Fill,
    Output,
    batch_start,
    find_demo_batch,
    load_catalog,
    planned_capacity,
    removed_by_staff,
)
from courses.models import Batch, Course, Trainer
from enquiries import services
from enquiries.models import Enquiry, Enrollment, TrainingPlan, WaitlistEntry
from enquiries.services import one_on_one, seats, trainers

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


class SeatState(NamedTuple):
    """A seat state the demo shows, in the course's batch on that track next month."""

    course: str  # slug
    track: Batch.Track
    # Seats to fill. "all" is the seats the catalog plans for the batch, not its capacity now:
    # staff may have changed that, and the demo adds nobody for it.
    seats: int | Literal["all"]
    minimum: int | None  # minimum participants
    waiting: int  # people on the waiting list


SEAT_STATES = {
    "full with a waiting list": SeatState(
        "kubernetes-in-production", Batch.Track.WEEKEND, "all", None, 2
    ),
    "guaranteed to run": SeatState("deep-learning", Batch.Track.WEEKDAY, 6, 5, 0),
    "under its minimum": SeatState("python-for-data-analysis", Batch.Track.WEEKEND, 2, 6, 0),
}

ONE_ON_ONE_EMAIL = "hannah@example.com"

# Staff logins made with DEBUG on: (username, which is also the password, group; None for the
# superuser). README.md ("Staff login") lists them.
DEMO_LOGINS = [
    ("admin", None),
    ("sales", services.SALES_GROUP),
    ("scheduler", services.SCHEDULER_GROUP),
]


def demo_email(name: str) -> str:
    return name.split()[0].lower().replace("í", "i") + "@example.com"


class Command(BaseCommand):
    help = (
        "Fill in the demo catalog and demo activity (a full batch with a waiting list, a batch "
        "guaranteed to run, one under its minimum, a one-on-one plan) and, with DEBUG on, the "
        "demo staff logins: create what is missing, leave what exists as it is."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        catalog = load_catalog(today=today, stdout=self.stdout)
        # Before the activity, so the demo enquiry has a Sales owner like a real one.
        logins = ensure_demo_logins() if settings.DEBUG else []
        load_activity(today=today, catalog=catalog, stdout=self.stdout)
        load_one_on_one(today=today, stdout=self.stdout)
        load_trainer_assignments(today=today, stdout=self.stdout)
        if logins:
            self.stdout.write("Demo logins at /admin/ (username / password):")
            for line in logins:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("No demo logins: they are made only with DJANGO_DEBUG=1.")


def load_activity(*, today: dt.date, catalog: Fill, stdout: Output) -> None:
    """Seat the demo learners in next month's demo batches (counted from `today`), and put the
    rest on the waiting list, except where the rules in this module's docstring say not to."""
    for state, (slug, track, fill, minimum, waiting) in SEAT_STATES.items():
        batch = find_demo_batch(today=today, course_slug=slug, track=track)
        if batch is None:
            stdout.write(
                f"Demo batch {state}: skipped, next month's {slug} {track} batch is missing "
                "(deleted or moved by staff).\n"
            )
            continue
        if batch.status == Batch.Status.CANCELLED:
            stdout.write(f"Demo batch {state}: skipped, {batch} is cancelled.\n")
            continue
        if batch.start_date <= timezone.localdate():
            stdout.write(f"Demo batch {state}: skipped, {batch} has started.\n")
            continue
        count = planned_capacity(slug, track) if fill == "all" else fill
        if count is None:  # "all" seats of a batch the catalog plans without a limit
            stdout.write(f"Demo batch {state}: skipped, {batch} has no seat limit to fill.\n")
            continue
        if minimum is not None and catalog.is_new(batch):
            batch.min_participants = minimum
            batch.full_clean()
            batch.save()
        people = [
            seats.Learner(name=name, email=demo_email(name), phone=phone)
            for name, phone in LEARNERS[: count + waiting]
        ]
        added = 0
        for number, learner in enumerate(people):
            if _has_been_in(batch, learner):
                continue
            try:
                if number < count:
                    seats.enroll(batch=batch, learner=learner)
                else:
                    _join_demo_waiting_list(batch, learner)
            except (seats.SeatError, services.EnquiryRefused) as error:
                stdout.write(f"Demo batch {state}: {learner.name} not added: {error}\n")
            else:
                added += 1
        stdout.write(f"Demo batch {state}: {batch} ({added} of {len(people)} learners added).\n")


def _has_been_in(batch: Batch, learner: seats.Learner) -> bool:
    """Whether the learner has or had a seat or a waiting-list place in the batch, in any state.

    Read before the services lock the batch: the demo adds each learner once, and enroll()
    still refuses a second confirmed seat under the lock.
    """
    return (
        Enrollment.objects.filter(batch=batch, email__iexact=learner.email).exists()
        or WaitlistEntry.objects.filter(batch=batch, email__iexact=learner.email).exists()
    )


def _join_demo_waiting_list(batch: Batch, learner: seats.Learner) -> WaitlistEntry:
    """Every waiting-list place of the demo is taken here, as a learner takes one: a lead
    through the join form's service, then the private link opened (which confirms it)."""
    enquiry = services.join_waiting_list(
        course=batch.course,
        batch=batch,
        name=learner.name,
        email=learner.email,
        phone=learner.phone,
        consented=True,
        submission_token=uuid.uuid4(),
    )
    entry = WaitlistEntry.objects.filter(enquiry=enquiry).first()
    if entry is None:
        raise seats.SeatError("no waiting-list place was made")
    return seats.confirm_place(token=entry.token) or entry


def load_one_on_one(*, today: dt.date, stdout: Output) -> None:
    """A learner in New York who asked for evening sessions, with the plan staff made."""
    enquiry = (
        Enquiry.objects.filter(email=ONE_ON_ONE_EMAIL, kind=Enquiry.Kind.ONE_ON_ONE)
        .order_by("pk")
        .first()
    )
    if enquiry is None:
        course = Course.objects.filter(slug="deep-learning").first()
        if course is None:
            stdout.write("Demo one-on-one plan: skipped, the Deep Learning course is missing.\n")
            return
        try:
            enquiry = _submit_demo_request(course, today=today)
        except (services.EnquiryRefused, ValidationError) as error:
            stdout.write(f"Demo one-on-one plan: skipped, the request was refused: {error}\n")
            return
    request = enquiry.one_on_one_request
    plan = TrainingPlan.objects.filter(request=request).first()
    if plan is None:
        if removed_by_staff(TrainingPlan, {"request": request}):
            stdout.write("Demo one-on-one plan: skipped, staff deleted Hannah's plan.\n")
            return
        try:
            plan = one_on_one.generate_plan(request=request, by=None)
        except one_on_one.PlanError as error:
            stdout.write(f"Demo one-on-one plan: skipped, {error}\n")
            return
    stdout.write(
        f"Demo one-on-one plan: /training-plan/{plan.token}/ ({plan.sessions.count()} sessions).\n"
    )


def _submit_demo_request(course: Course, *, today: dt.date) -> Enquiry:
    return one_on_one.submit_one_on_one(
        course=course,
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
        email=ONE_ON_ONE_EMAIL,
        phone="+12125550143",
        message="I work days; two evenings a week suit me best.",
        consented=True,
        submission_token=uuid.UUID(int=1),
    )


def load_trainer_assignments(*, today: dt.date, stdout: Output) -> None:
    """Give the demo trainers their demo batches, through the trainer check. A batch that has
    a trainer, or had one (staff took them off), is left as it is; a refusal is reported."""
    given = 0
    for email, spec in TRAINERS.items():
        trainer = Trainer.objects.filter(email=email).first()
        if trainer is None:
            continue
        for slug, track, months in spec.teaches:
            for months_ahead in months:
                start = batch_start(today, months_ahead=months_ahead, track=track)
                batch = (
                    Batch.objects.filter(course__slug=slug, track=track, start_date=start)
                    .select_related("course", "trainer")
                    .order_by("pk")
                    .first()
                )
                if batch is None or batch.history.filter(trainer__isnull=False).exists():
                    continue
                try:
                    trainers.assign_trainer(batch=batch, trainer=trainer)
                except trainers.TrainerError as error:
                    stdout.write(f"Demo trainer: {batch} has no trainer: {error}\n")
                else:
                    given += 1
    stdout.write(f"Demo trainers: {given} batches given a trainer.\n")


def ensure_demo_logins() -> list[str]:
    """Create each demo staff login that is missing; an existing user is left as it is.

    Returns a line per login, for the end of the run. Only for DEBUG: the passwords are public.
    """
    users = get_user_model()
    lines = []
    for username, group_name in DEMO_LOGINS:
        role = group_name or "superuser"
        if users.objects.filter(username=username).exists():
            lines.append(f"{username}: {role}; an existing user, left as it was")
            continue
        group = Group.objects.filter(name=group_name).first() if group_name else None
        if group_name and group is None:
            lines.append(f"{username}: not created, the {group_name} group is missing (migrate)")
            continue
        fields = {"email": f"{username}@example.com", "first_name": "Demo", "last_name": role}
        if group is None:
            users.objects.create_superuser(username, password=username, **fields)
        else:
            user = users.objects.create_user(username, password=username, is_staff=True, **fields)
            user.groups.add(group)
        lines.append(f"{username} / {username}: {role}")
    return lines
