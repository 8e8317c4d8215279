"""The staff dashboard: right numbers for a known data set, an accessible chart, fixed queries."""

import datetime as dt
import itertools
import re
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Batch
from enquiries import dashboard, services
from enquiries.dashboard import BatchFill
from enquiries.models import Enquiry
from tests.factories import make_batch, make_course, make_enquiry

Status = Enquiry.Status
NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Wednesday
THIS_MONDAY = dt.date(2026, 3, 2)
FIRST_MONDAY = dt.date(2025, 12, 15)  # eleven weeks before this one: twelve weeks shown
DASHBOARD = "/admin/dashboard/"
# Session and user; the four dashboard reads (weeks, pipeline, batches, conversion).
DASHBOARD_QUERIES = 6

_phones = itertools.count(10)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def enquiry_at(when: dt.datetime, **fields) -> Enquiry:
    """An enquiry submitted at `when`, from a learner of its own (so never a repeat)."""
    n = next(_phones)
    fields = {"email": f"learner{n}@example.com", "phone": f"+9198123{n:05}"} | fields
    with time_machine.travel(when, tick=False):
        return make_enquiry(**fields)


def moved(enquiry: Enquiry, *steps: str, **fields) -> Enquiry:
    for step in steps:
        services.change_status(enquiry=enquiry, to=step, by=None, **fields)
    return enquiry


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


# Enquiries per week


@pytest.mark.django_db
def test_weekly_enquiries_counts_twelve_weeks_by_course_without_spam():
    python = make_course(title="Python")
    kubernetes = make_course(title="Kubernetes")
    enquiry_at(at(THIS_MONDAY, 0, 5), course=python)
    enquiry_at(at(dt.date(2026, 3, 4), 9), course=python)
    enquiry_at(at(dt.date(2026, 3, 3)), course=kubernetes)
    enquiry_at(at(dt.date(2026, 3, 3)), course=kubernetes, is_spam=True)
    enquiry_at(at(dt.date(2026, 3, 1), 23, 59), course=python)  # Sunday: the week before
    enquiry_at(at(FIRST_MONDAY, 0, 30), course=python)
    enquiry_at(at(FIRST_MONDAY - dt.timedelta(days=1)), course=kubernetes)  # too old

    weekly = dashboard.weekly_enquiries()

    assert weekly.weeks[0] == FIRST_MONDAY
    assert weekly.weeks[-1] == THIS_MONDAY
    assert len(weekly.weeks) == 12
    assert all(week.weekday() == 0 for week in weekly.weeks)
    assert [(s.label, s.counts) for s in weekly.series] == [
        ("Python", [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
        ("Kubernetes", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    ]
    assert weekly.week_totals == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3]
    assert weekly.total == 5
    assert weekly.busiest_week == (THIS_MONDAY, 3)


@pytest.mark.parametrize(
    ("time_zone", "week"),
    [
        pytest.param("UTC", dt.date(2026, 2, 23), id="UTC-sunday-evening"),
        pytest.param("Asia/Kolkata", THIS_MONDAY, id="Kolkata-monday-early-morning"),
    ],
)
@pytest.mark.django_db
def test_weeks_start_on_monday_in_the_site_time_zone(settings, time_zone, week):
    settings.TIME_ZONE = time_zone
    # Sunday 20:00 UTC is already Monday 01:30 in Kolkata.
    enquiry_at(dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC))

    weekly = dashboard.weekly_enquiries()

    assert weekly.time_zone == time_zone
    (series,) = weekly.series
    assert series.counts[weekly.weeks.index(week)] == 1
    assert series.total == 1


@pytest.mark.django_db
def test_courses_beyond_the_palette_are_grouped_as_other_courses():
    courses = [make_course(title=f"Course {letter}") for letter in "ABCDEFGHIJ"]
    for n, course in enumerate(courses):
        for _ in range(10 - n):  # A is the busiest, J the quietest
            enquiry_at(at(THIS_MONDAY), course=course)

    weekly = dashboard.weekly_enquiries()

    assert [(s.label, s.total, s.colour) for s in weekly.series] == [
        *((f"Course {letter}", 10 - n, n) for n, letter in enumerate("ABCDEFG")),
        ("Other courses", 3 + 2 + 1, 7),
    ]


def test_axis_steps_are_round_and_give_at_most_five_steps():
    assert [dashboard.axis_step(largest) for largest in (0, 5, 6, 12, 37, 100, 1234)] == [
        1,
        1,
        2,
        5,
        10,
        20,
        500,
    ]


def test_chart_stacks_each_weeks_courses_on_one_bar_scaled_to_the_axis():
    weekly = dashboard.WeeklyEnquiries(
        weeks=[dt.date(2026, 2, 23), THIS_MONDAY],
        series=[
            dashboard.Series(label="Python", counts=[4, 6], colour=0),
            dashboard.Series(label="Kubernetes", counts=[0, 4], colour=1),
        ],
        time_zone="UTC",
    )

    chart = dashboard.stacked_bar_chart(weekly, width=400, height=200)

    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8, 10]
    first, second = chart.bars
    assert [(s.label, s.count) for s in first.segments] == [("Python", 4)]
    assert [(s.label, s.count) for s in second.segments] == [("Python", 6), ("Kubernetes", 4)]
    python, kubernetes = second.segments
    assert python.y + python.height == chart.bottom
    assert kubernetes.y + kubernetes.height == pytest.approx(python.y)
    assert kubernetes.y == chart.top  # 10 is the top of the axis
    assert python.height == pytest.approx(1.5 * kubernetes.height, abs=0.1)


# Open enquiries by owner


@pytest.fixture
def sales_member(django_user_model):
    sales = Group.objects.get(name="Sales")

    def member(username: str, **fields):
        user = django_user_model.objects.create_user(username, is_staff=True, **fields)
        user.groups.add(sales)
        return user

    return member


@pytest.mark.django_db
def test_open_enquiries_are_counted_by_owner_and_status_with_unassigned_last(sales_member):
    priya = sales_member("priya", first_name="Priya", last_name="Nair")
    tom = sales_member("tom")
    admin = sales_member("boss")

    def owned_by(owner, *steps, **fields):
        enquiry = enquiry_at(NOW)
        services.assign(enquiry=enquiry, owner=owner, by=admin)
        return moved(enquiry, *steps, **fields)

    owned_by(priya)
    owned_by(priya, Status.CONTACTED)
    owned_by(priya, Status.ENROLLED)  # closed: not counted
    owned_by(tom, Status.QUALIFIED)
    owned_by(tom, Status.LOST, lost_reason=Enquiry.LostReason.PRICE)  # closed
    owned_by(None)
    owned_by(None, Status.SPAM)  # not counted

    pipeline = dashboard.open_enquiries_by_owner()

    assert pipeline.statuses == ["New", "Contacted", "Qualified"]
    assert [(row.owner, row.counts, row.total) for row in pipeline.rows] == [
        ("Priya Nair", [1, 1, 0], 2),
        ("tom", [0, 0, 1], 1),
        ("Unassigned", [1, 0, 0], 1),
    ]
    assert pipeline.status_totals == [2, 1, 1]
    assert pipeline.total == 4


# Next batches


@pytest.mark.django_db
def test_next_batches_are_the_ten_soonest_open_ones_with_seats_against_capacity():
    course = make_course(title="Python")
    mondays = [dt.date(2026, 3, 9) + dt.timedelta(weeks=n) for n in range(12)]
    batches = [make_batch(course=course, start_date=monday) for monday in reversed(mondays)]
    soonest = batches[-1]
    soonest.capacity = None
    soonest.save()
    make_batch(course=course, start_date=dt.date(2026, 3, 2))  # started this week
    cancelled = make_batch(course=course, start_date=dt.date(2026, 3, 4), track="weekday")
    services.cancel_batch(batch=cancelled, by=None)
    make_batch(course=course, start_date=dt.date(2026, 3, 5), is_published=False)

    fills = dashboard.next_batch_fill()

    assert [fill.batch.start_date for fill in fills] == mondays[:10]
    assert [(fill.seats_taken, fill.capacity, fill.percent) for fill in fills[:2]] == [
        (0, None, None),
        (0, 20, 0),
    ]


def test_batch_fill_is_a_share_of_capacity_capped_at_full():
    def fill(**ledger) -> BatchFill:
        return BatchFill(batch=Batch(**ledger))

    assert fill(seats_taken=5, capacity=20).percent == 25
    assert not fill(seats_taken=19, capacity=20).is_full
    assert fill(seats_taken=22, capacity=20).percent == 100
    assert fill(seats_taken=20, capacity=20).is_full
    assert fill(seats_taken=50, capacity=None).percent is None
    assert not fill(seats_taken=50, capacity=None).is_full


def test_batch_fill_counts_confirmed_seats_but_a_seat_held_by_an_offer_makes_it_full():
    held = BatchFill(batch=Batch(capacity=20, seats_taken=19, seats_held=1))

    assert (held.seats_taken, held.capacity, held.percent) == (19, 20, 95)
    assert held.is_full


# Conversion


@pytest.mark.django_db
def test_conversion_is_enrolled_over_all_real_enquiries_of_the_last_90_days():
    python = make_course(title="Python")
    kubernetes = make_course(title="Kubernetes")
    recently = NOW - dt.timedelta(days=89)
    moved(enquiry_at(recently, course=python), Status.ENROLLED)
    enquiry_at(recently, course=python)
    moved(enquiry_at(NOW, course=python), Status.CONTACTED)
    moved(enquiry_at(NOW, course=python), Status.LOST, lost_reason=Enquiry.LostReason.TIMING)
    enquiry_at(NOW, course=python, is_spam=True)
    moved(enquiry_at(NOW, course=kubernetes), Status.ENROLLED)
    enquiry_at(NOW, course=kubernetes)
    moved(enquiry_at(NOW - dt.timedelta(days=91), course=kubernetes), Status.ENROLLED)

    result = dashboard.conversion()

    assert result.days == 90
    assert [(row.course, row.enquiries, row.enrolled, row.rate) for row in result.courses] == [
        ("Kubernetes", 2, 1, 50.0),
        ("Python", 4, 1, 25.0),
    ]
    assert (result.overall.enquiries, result.overall.enrolled) == (6, 2)
    assert result.overall.rate == pytest.approx(100 / 3)


@pytest.mark.django_db
def test_conversion_without_enquiries_has_no_rate():
    result = dashboard.conversion()

    assert result.courses == []
    assert result.overall.rate is None


# The page


@pytest.mark.django_db
def test_dashboard_draws_an_accessible_chart_with_the_numbers_in_a_table(staff_client):
    python = make_course(title="Python")
    enquiry_at(at(THIS_MONDAY), course=python)
    enquiry_at(at(dt.date(2026, 3, 3)), course=python)

    response = staff_client.get(DASHBOARD)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img" aria-labelledby="weekly-chart-title weekly-chart-desc"' in html
    assert '<title id="weekly-chart-title">Enquiries per week by course' in html
    assert '<desc id="weekly-chart-desc">' in html
    assert "busiest week started Mon 2 Mar 2026 with 2" in html
    assert "<title>Week of Mon 2 Mar: Python, 2</title>" in html
    assert 'class="series-0"' in html
    assert "<summary>Numbers behind the chart</summary>" in html
    this_week = re.search(r'<th scope="row"[^>]*>Mon 2 Mar 2026</th>(.*?)</tr>', html, re.S)
    cells = r'<td class="numeric">(?:<a href="[^"]*">)?(\d+)(?:</a>)?</td>'
    assert re.findall(cells, this_week.group(1)) == ["2", "2"]
    assert "style=" not in html
    assert "<script>" not in html


@pytest.mark.django_db
def test_dashboard_shows_counts_but_never_a_learners_details(staff_client):
    make_batch(course=make_course(title="Python"))
    enquiry_at(NOW, name="Meera Learner", email="meera@example.com", phone="+919876543210")

    response = staff_client.get(DASHBOARD)

    html = response.content.decode()
    assert "Python" in html
    for detail in ("Meera Learner", "meera@example.com", "+919876543210", "98765 43210"):
        assert detail not in html
    pipeline = response.context["pipeline"]
    assert [(row.owner, row.total) for row in pipeline.rows] == [("Unassigned", 1)]


@pytest.mark.django_db
def test_dashboard_runs_the_same_queries_for_5_and_50_enquiries_and_batches(
    staff_client, sales_member
):
    courses = itertools.cycle([make_course(title=f"Course {n}") for n in range(12)])
    steps = itertools.cycle([(), (Status.CONTACTED,), (Status.QUALIFIED,), (Status.ENROLLED,)])
    starts = (dt.date(2026, 3, 9) + dt.timedelta(weeks=n) for n in itertools.count())

    def grow_to(size: int) -> None:
        for n in range(Enquiry.objects.count(), size):
            sales_member(f"sales{n}")  # a new owner for each enquiry, so a row each
            course = next(courses)
            moved(enquiry_at(NOW - dt.timedelta(days=n), course=course), *next(steps))
            make_batch(course=course, start_date=next(starts))

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(DASHBOARD)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    grow_to(5)
    five, html = count()
    assert html.count('class="fill-taken"') == 5
    grow_to(50)
    fifty, html = count()
    assert html.count('class="fill-taken"') == 10
    assert len(dashboard.open_enquiries_by_owner().rows) > 25

    assert five == fifty == DASHBOARD_QUERIES


@pytest.mark.parametrize(
    "read",
    [
        dashboard.weekly_enquiries,
        dashboard.open_enquiries_by_owner,
        dashboard.next_batch_fill,
        dashboard.conversion,
    ],
)
@pytest.mark.django_db
def test_each_dashboard_read_is_one_query(django_assert_num_queries, read):
    course = make_course()
    for n in range(3):
        make_batch(course=course, start_date=dt.date(2026, 3, 9) + dt.timedelta(weeks=n))
        moved(enquiry_at(NOW, course=course), Status.CONTACTED)

    with django_assert_num_queries(1):
        read()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={DASHBOARD}"


@pytest.mark.django_db
def test_admin_home_links_to_the_dashboard(staff_client):
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    assert f'href="{DASHBOARD}"' in response.content.decode()


# Every number links to the list behind it


def dashboard_links(html: str, list_path: str) -> list[tuple[int, str]]:
    """(number shown, the list it links to) for every linked number on the page."""
    found = re.findall(rf'<a href="({re.escape(list_path)}\?[^"]*)">(\d+)</a>', html)
    return [(int(number), unescape(url)) for url, number in found]


@pytest.fixture
def busy_dashboard(sales_member):
    """Eight courses this week and last (one beyond the palette), a general enquiry, spam,
    owners at several stages, an old enquiry outside 90 days, and a batch with seats."""
    priya = sales_member("priya", first_name="Priya", last_name="Nair")
    courses = [make_course(title=f"Course {letter}") for letter in "ABCDEFGHI"]
    for n, course in enumerate(courses):
        for _ in range(9 - n):
            enquiry_at(at(THIS_MONDAY), course=course)
    enquiry_at(at(THIS_MONDAY - dt.timedelta(days=6)), course=courses[0])
    enquiry_at(at(THIS_MONDAY), course=None, message="A general question")
    enquiry_at(at(THIS_MONDAY), course=courses[0], is_spam=True)
    enquiry_at(at(FIRST_MONDAY - dt.timedelta(days=120)), course=courses[1])
    for enquiry, steps in zip(
        Enquiry.objects.filter(course=courses[0]).not_spam()[:3],
        [(), (Status.CONTACTED,), (Status.CONTACTED, Status.QUALIFIED, Status.ENROLLED)],
        strict=True,
    ):
        services.assign(enquiry=enquiry, owner=priya, by=None)
        moved(enquiry, *steps)
    batch = make_batch(course=courses[2], capacity=5)
    for n in range(2):
        services.seats.enroll(
            batch=batch,
            learner=services.seats.Learner(name=f"Seated {n}", email=f"seat{n}@example.com"),
        )
    return courses


@pytest.mark.django_db
def test_every_enquiry_count_links_to_a_list_with_that_many_enquiries(staff_client, busy_dashboard):
    html = staff_client.get(DASHBOARD).content.decode()

    links = dashboard_links(html, "/admin/enquiries/enquiry/")
    assert len(links) > 40  # weeks by courses, owners by statuses, conversion
    assert any("courses=" in url and "none" in url for _, url in links)  # "Other courses"
    assert any("course__isnull" in url for _, url in links)  # general enquiries
    for number, url in links:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert "errornote" not in response.content.decode(), url
        assert response.context["cl"].result_count == number, url


@pytest.mark.django_db
def test_seats_taken_links_to_that_batchs_confirmed_seats(staff_client, busy_dashboard):
    html = staff_client.get(DASHBOARD).content.decode()

    [(number, url)] = dashboard_links(html, "/admin/enquiries/enrollment/")
    response = staff_client.get(url)

    assert number == 2
    assert response.context["cl"].result_count == 2


@pytest.mark.django_db
def test_a_scheduler_sees_the_numbers_without_links_to_lists_they_may_not_open(
    client, django_user_model, busy_dashboard
):
    scheduler = django_user_model.objects.create_user("planner", is_staff=True)
    scheduler.groups.add(Group.objects.get(name="Scheduler"))
    client.force_login(scheduler)

    html = client.get(DASHBOARD).content.decode()

    assert "/admin/enquiries/enquiry/?" not in html
    assert "/admin/enquiries/enrollment/?" not in html
    assert "Open enquiries by owner" in html
