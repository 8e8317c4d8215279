"""The demand board: its counts against hand-made data (each person once per cell), the lists
behind the numbers, "Plan a batch", "Invite", who may see it, and its query count."""

import datetime as dt
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Batch, Course, TrainerLeave
from enquiries import demand, services
from enquiries.models import BatchInvitation, Enquiry, OutgoingEmail
from enquiries.services import interest as interest_list
from enquiries.services import one_on_one, pipeline, seats, trainers
from tests.factories import make_batch, make_course, make_enquiry, make_trainer

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
FEBRUARY, MARCH = dt.date(2027, 2, 1), dt.date(2027, 3, 1)
BOARD = "/admin/demand/"
WEEKEND_ONLINE_FEB = "{course}.2027-02.weekend.online"
# The session, the user, the user's and the group's permissions, then the board's four, and
# six to propose trainers (the trainers, their courses, availability and leave; the batches
# and the one-on-one sessions they teach).
BOARD_PAGE_QUERIES = 14


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def course(db) -> Course:
    return make_course(title="Python Basics", slug="python", default_min_participants=3)


def interested(course: Course, email: str, **overrides) -> Enquiry:
    fields = {
        "months": [FEBRUARY],
        "track": "weekend",
        "mode": "online",
        "time_zone": "Asia/Kolkata",
        "name": "Learner",
        "email": email,
        "phone": "+919812345678",
        "consented": True,
        "submission_token": uuid.uuid4(),
    } | overrides
    return interest_list.register_interest(course=course, **fields)


def enquire(batch: Batch | None, email: str, *, course: Course | None = None, **fields) -> Enquiry:
    kwargs = {"course": course} if course else {}
    return make_enquiry(batch=batch, email=email, phone="+919812345678", **kwargs, **fields)


def cell_of(board: demand.Board, key: str) -> demand.Cell:
    [cell] = [cell for cell in board.cells if str(cell.key) == key]
    return cell


@pytest.fixture
def hand_made(course):
    """February, weekend, live online: Ben (three times over, in two spellings), Cara, Dev
    on the waiting list of a full batch; people who must not count; and other cells."""
    feb_weekend = make_batch(
        course=course, track="weekend", start_date=dt.date(2027, 2, 6), capacity=30
    )
    full = make_batch(course=course, track="weekend", start_date=dt.date(2027, 2, 13), capacity=1)
    seats.enroll(batch=full, learner=seats.Learner(name="Seated", email="seated@example.com"))
    enquire(feb_weekend, "ben@example.com", time_zone="Europe/London")
    enquire(feb_weekend, "BEN@example.com")  # a repeat: the same person
    interested(course, "Ben@Example.com", time_zone="Europe/London")  # and again
    interested(course, "cara@example.com", time_zone="America/New_York", months=[FEBRUARY, MARCH])
    services.join_waiting_list(
        course=course,
        batch=full,
        name="Dev",
        email="dev@example.com",
        phone="+919812345670",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    # Not counted: spam, a lost lead, someone who left the interest list, another course.
    services.submit_enquiry(
        course=course,
        batch=feb_weekend,
        name="Bot",
        email="bot@example.com",
        phone="+919812345676",
        consented=True,
        submission_token=uuid.uuid4(),
        is_spam=True,
    )
    lost = enquire(feb_weekend, "lost@example.com")
    pipeline.change_status(enquiry=lost, to=Enquiry.Status.LOST, lost_reason="price", by=None)
    gone = interested(course, "gone@example.com")
    interest_list.unsubscribe(token=gone.interest.token)
    interested(make_course(title="Other"), "ben@example.com")
    # Other cells of the course.
    enquire(None, "general@example.com", course=course)  # any month, either, either
    interested(course, "weekday@example.com", track="weekday", mode="", months=[MARCH])
    one_on_one.submit_one_on_one(
        course=course,
        preferences=one_on_one.Preferences(
            preferred_days=(0, 2),
            window_start=dt.time(18),
            window_end=dt.time(20),
            timezone="Europe/Berlin",
            session_minutes=60,
            sessions_per_week=2,
            weeks=4,
            earliest_start=dt.date(2027, 1, 20),
        ),
        name="Olu",
        email="olu@example.com",
        phone="+919812345677",
        consented=True,
        submission_token=uuid.uuid4(),
    )
    return {"batch": feb_weekend, "full": full}


@pytest.mark.django_db
def test_each_person_counts_once_per_cell(course, hand_made):
    board = demand.demand_board()

    cell = cell_of(board, WEEKEND_ONLINE_FEB.format(course=course.pk))
    assert sorted(cell.zones) == ["ben@example.com", "cara@example.com", "dev@example.com"]
    assert cell.people == 3
    assert cell.meets_minimum  # the course's minimum is 3
    assert cell.bands == [
        ("UTC−5 to −3 (Americas east)", 1),
        ("UTC−2 to +1 (UK, West Europe and Africa)", 1),
        ("Zone not known", 1),
    ]
    assert cell.batch == hand_made["batch"]  # open, published, matching: "Invite" is offered

    counts = {str(cell.key): cell.people for cell in board.cells if cell.key.course_id == course.pk}
    assert counts == {
        f"{course.pk}.2027-02.weekend.online": 3,
        f"{course.pk}.2027-03.weekend.online": 1,  # Cara
        f"{course.pk}.2027-03.weekday.any": 1,
        f"{course.pk}.2027-01.any.any": 1,  # the one-on-one request's earliest start
        f"{course.pk}.any.any.any": 1,  # the course enquiry without a batch
    }
    assert not cell_of(board, f"{course.pk}.2027-03.weekend.online").meets_minimum
    assert board.months == [None, dt.date(2027, 1, 1), FEBRUARY, MARCH]


@pytest.mark.django_db
def test_each_number_links_to_the_same_people_in_the_enquiry_list(client, course, hand_made):
    client.force_login(_staff("Sales"))
    page = client.get(BOARD).content.decode()
    key = WEEKEND_ONLINE_FEB.format(course=course.pk)
    link = re.search(rf'href="(/admin/enquiries/enquiry/\?demand={re.escape(key)})"', page)
    assert link, page

    listed = client.get(link.group(1))
    assert listed.status_code == 200
    shown = {e.email.lower() for e in listed.context["cl"].result_list}
    assert shown == {"ben@example.com", "cara@example.com", "dev@example.com"}
    assert client.get("/admin/enquiries/enquiry/?demand=nonsense").status_code in (200, 302)


@pytest.mark.django_db
def test_plan_a_batch_prefills_the_batch_form_at_the_hour_most_learners_can_make(
    client, course, hand_made
):
    client.force_login(_staff("Scheduler"))
    cell = cell_of(demand.demand_board(), WEEKEND_ONLINE_FEB.format(course=course.pk))
    query = parse_qs(urlsplit(cell.plan_url).query)
    assert urlsplit(cell.plan_url).path == "/admin/courses/batch/add/"
    assert query["course"] == [str(course.pk)]
    assert query["track"] == ["weekend"]
    assert query["start_date"] == ["2027-02-06"]  # the first Saturday of February
    assert query["timezone"] == ["Asia/Kolkata"]
    assert query["min_participants"] == ["3"]
    # A 3-hour weekend session within 9:00-21:00 in London (UTC+0) and New York (UTC-5):
    # from 20:00 to 23:00 IST (14:30 London, 9:30 New York); the earliest is nearest 10:00.
    assert (query["session_start"], query["session_end"]) == (["20:00"], ["23:00"])
    form = client.get(cell.plan_url)
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["start_date"] == "2027-02-06"


@pytest.mark.django_db
def test_plan_a_batch_proposes_the_first_trainer_free_for_every_session(client, course, hand_made):
    # February's weekend batch: Saturdays and Sundays from 6 Feb, 20:00-23:00 Asia/Kolkata.
    other = make_course(title="Data Science")
    make_trainer(name="Abe Elsewhere", courses=[other])  # does not teach the course
    busy = make_trainer(name="Amir Busy", courses=[course, other])
    make_batch(course=other, track="weekend", start_date=dt.date(2027, 2, 13), trainer=busy)
    make_trainer(name="Bea Weekdays", courses=[course], days=range(5))
    away = make_trainer(name="Cai Away", courses=[course])
    TrainerLeave.objects.create(
        trainer=away, first_day=dt.date(2027, 2, 20), last_day=dt.date(2027, 2, 21)
    )
    free = make_trainer(name="Dara Free", courses=[course], timezone="Europe/London")
    make_trainer(name="Eli Free Too", courses=[course])
    client.force_login(_staff("Scheduler"))

    board = demand.demand_board(pick_trainers=trainers.pick_available_trainers)
    cell = cell_of(board, WEEKEND_ONLINE_FEB.format(course=course.pk))

    assert cell.trainer == free
    assert parse_qs(urlsplit(cell.plan_url).query)["trainer"] == [str(free.pk)]
    form = client.get(cell.plan_url)
    assert form.context["adminform"].form.initial["trainer"] == str(free.pk)
    assert "Dara Free is free to teach it" in client.get(BOARD).content.decode()


@pytest.mark.django_db
def test_plan_a_batch_proposes_no_trainer_when_none_is_free(client, course, hand_made):
    busy = make_trainer(name="Amir Busy", courses=[course])
    make_batch(course=make_course(), track="weekend", start_date=dt.date(2027, 2, 6), trainer=busy)
    make_trainer(name="Bea Weekdays", courses=[course], days=range(5))

    board = demand.demand_board(pick_trainers=trainers.pick_available_trainers)
    cell = cell_of(board, WEEKEND_ONLINE_FEB.format(course=course.pk))

    assert cell.trainer is None
    assert "trainer" not in parse_qs(urlsplit(cell.plan_url).query)
    client.force_login(_staff("Scheduler"))
    assert client.get(cell.plan_url).context["adminform"].form.initial.get("trainer") is None


@pytest.mark.django_db
def test_invite_emails_the_people_behind_a_cell_once_and_counts_who_enquired_since(
    client, course, hand_made, clock
):
    client.force_login(_staff("Sales"))
    batch = hand_made["batch"]
    key = WEEKEND_ONLINE_FEB.format(course=course.pk)
    answer = client.post("/admin/demand/invite/", {"cell": key, "batch": batch.pk})
    assert answer.status_code == 302
    invited = OutgoingEmail.objects.filter(kind="interest")
    assert sorted(invited.values_list("to", flat=True)) == [
        "ben@example.com",  # the earliest of Ben's enquiries
        "cara@example.com",
        "dev@example.com",
    ]
    client.post("/admin/demand/invite/", {"cell": key, "batch": batch.pk})
    assert invited.count() == 3  # nobody twice
    assert BatchInvitation.objects.filter(batch=batch).count() == 3

    clock.shift(dt.timedelta(hours=1))
    enquire(batch, "cara@example.com")
    cell = cell_of(demand.demand_board(), key)
    assert (cell.invited, cell.enquired_since) == (3, 1)
    page = client.get(BOARD).content.decode()
    assert "Invited 3;" in page
    since = client.get(f"/admin/enquiries/enquiry/?invited={batch.pk}")
    assert [e.email for e in since.context["cl"].result_list] == ["cara@example.com"]


@pytest.mark.django_db
def test_invite_refuses_a_batch_that_does_not_match_the_cell(client, course, hand_made):
    client.force_login(_staff("Sales"))
    other = make_batch(course=course, track="weekday", start_date=dt.date(2027, 2, 1))
    answer = client.post(
        "/admin/demand/invite/",
        {"cell": WEEKEND_ONLINE_FEB.format(course=course.pk), "batch": other.pk},
        follow=True,
    )
    assert "does not match" in answer.content.decode()
    assert not OutgoingEmail.objects.filter(kind="interest").exists()
    bad = client.post("/admin/demand/invite/", {"cell": "x", "batch": "y"}, follow=True)
    assert bad.status_code == 200


def _staff(group: str):
    user = get_user_model().objects.create_user(
        f"{group.lower()}-{uuid.uuid4().hex[:6]}", email=f"{group}@example.com", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("group", "board", "invite", "links"),
    [("Sales", 200, 302, True), ("Scheduler", 200, 403, False), ("", 403, 403, False)],
)
def test_sales_and_schedulers_see_the_board_only_sales_invite(
    client, course, hand_made, group, board, invite, links
):
    client.force_login(_staff(group))
    response = client.get(BOARD)
    assert response.status_code == board
    if board == 200:
        assert ("?demand=" in response.content.decode()) is links
    key = WEEKEND_ONLINE_FEB.format(course=course.pk)
    answer = client.post("/admin/demand/invite/", {"cell": key, "batch": hand_made["batch"].pk})
    assert answer.status_code == invite


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client):
    assert client.get(BOARD)["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_board_runs_the_same_queries_for_5_and_100_enquiries(
    client, course, django_assert_num_queries
):
    client.force_login(_staff("Sales"))
    batch = make_batch(course=course, track="weekend", start_date=dt.date(2027, 2, 6))
    others = [make_course() for _ in range(3)]
    make_trainer(courses=[course, *others])
    counts = {}
    for size in (5, 100):
        while Enquiry.objects.count() < size:
            n = Enquiry.objects.count()
            if n % 3 == 0:
                enquire(batch, f"p{n}@example.com")
            elif n % 3 == 1:
                interested(others[n % 2], f"p{n}@example.com", months=[FEBRUARY, MARCH])
            else:
                enquire(None, f"p{n}@example.com", course=others[2])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD).status_code == 200
        counts[size] = len(queries)
    assert counts[5] == counts[100] == BOARD_PAGE_QUERIES, counts
    # Of those, the board itself: the demand, its courses, the matching batches, invitations.
    with django_assert_num_queries(4):
        demand.demand_board()
