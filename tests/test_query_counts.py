"""Every list page runs the same number of SQL queries for 5 rows as for 100 (no query per row).

Each test loads its page with 5 rows and again with 100, counts the queries both times, checks
that they match the pinned number and that the page really shows the rows. Public pages stay
within five queries. They count the views' own queries, so the page cache and the kept
fragments are off here; a page served from either runs none (tests/courses/test_page_cache.py).
"""

import datetime as dt
import itertools
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Article, Batch, Course
from courses.schedule import COURSE_PAGE_BATCHES, SCHEDULE_BATCHES_PER_PAGE
from enquiries.models import Enquiry
from enquiries.services import Attribution
from tests.factories import (
    make_category,
    make_course,
    make_enquiry,
    make_plan,
    make_trainer,
    next_weekday,
)

PUBLIC_PAGE_QUERY_LIMIT = 5

# Pinned query counts: a change here means a page's queries changed; make sure it's on purpose.
HOME_QUERIES = 2  # featured courses with next batch; next batches
COURSE_LIST_QUERIES = 3  # categories with counts; paginator count; one page of courses
# The course; all its content in one UNION query (courses/content.py); its open batches.
COURSE_DETAIL_QUERIES = 3
SCHEDULE_QUERIES = 3  # courses with open batches; batches per month; one page of them
ARTICLE_LIST_QUERIES = 3  # paginator count; one page of articles; their published courses
# Admin: session, user; list filters (start months or utm sources, courses); filtered and full
# result counts; the page of rows; date hierarchy bounds and levels.
BATCH_ADMIN_QUERIES = 9
ENQUIRY_ADMIN_QUERIES = 11  # plus the owner and batch-month filters' choices
# Session, user; the trainers for the filter; the month's batches; its plan sessions.
CALENDAR_QUERIES = 5
TRAINER_ADMIN_QUERIES = 5  # session, user; filtered and full counts; the page of rows

TIME_ZONES = ["Asia/Kolkata", "Europe/London", "America/New_York"]


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.BATCHWISE_PAGE_CACHE = False
    settings.BATCHWISE_FRAGMENT_CACHE = False


def count_queries(client, url: str) -> tuple[int, str]:
    """Load url; return the number of SQL queries it ran and the page's HTML."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def assert_same_queries_for_5_and_100(
    client,
    url: str,
    *,
    grow_to: Callable[[int], None],
    rows_shown: Callable[[str], int],
    expected_rows: Callable[[int], int],
    pinned: int,
    django_assert_num_queries,
) -> None:
    """Load url with 5 rows, then with 100: same count, the pinned count, the rows on the page."""
    counts = {}
    for size in (5, 100):
        grow_to(size)
        counts[size], html = count_queries(client, url)
        assert rows_shown(html) == expected_rows(size), f"{url} with {size} rows"
        with django_assert_num_queries(pinned, info=f"{url} with {size} rows"):
            client.get(url)
    assert counts[5] == counts[100], f"{url}: {counts[5]} queries for 5 rows, {counts[100]} for 100"
    assert counts[100] == pinned


class BatchMaker:
    """Adds valid batches one week apart (weekday on Mondays, weekend on Saturdays), mixing
    courses, categories, time zones, modes and capacities; bulk-inserted for speed."""

    def __init__(self, *, courses: list[Course] | None = None, in_one_month: bool = False):
        self.first_monday = next_weekday(timezone.localdate() + dt.timedelta(days=7), 0)
        # All in the month after next, three weeks' starts over and over: one schedule page.
        self.in_one_month = in_one_month
        month = (timezone.localdate().replace(day=1) + dt.timedelta(days=62)).replace(day=1)
        self.month_monday = next_weekday(month, 0)
        self.categories = [make_category() for _ in range(3)]
        self.courses = courses
        self.made = 0

    def grow_to(self, size: int) -> None:
        new = range(self.made, size)
        courses = self.courses or Course.objects.bulk_create(
            Course(
                category=self.categories[i % len(self.categories)],
                title=f"Course {i:03}",
                slug=f"course-{i:03}",
                summary=f"What course {i} teaches.",
                duration_hours=40,
                is_published=True,
            )
            for i in new
        )
        batches = [self.batch(i, courses[n % len(courses)]) for n, i in enumerate(new)]
        for batch in batches:
            batch.clean()  # the weekday/weekend and time zone rules; constraints hold in the DB
        Batch.objects.bulk_create(batches)
        self.made = size

    def batch(self, i: int, course: Course) -> Batch:
        weekend = i % 2 == 1
        if self.in_one_month:
            start = self.month_monday + dt.timedelta(weeks=i % 3, days=5 if weekend else 0)
        else:
            start = self.first_monday + dt.timedelta(weeks=i, days=5 if weekend else 0)
        classroom = i % 3 == 0
        return Batch(
            course=course,
            track=Batch.Track.WEEKEND if weekend else Batch.Track.WEEKDAY,
            start_date=start,
            end_date=start + dt.timedelta(days=25),
            # One course's batches in one month differ by their minutes (unique per start).
            session_start=dt.time(9 + i % 10, (i // 30) * 5 if self.in_one_month else 0),
            session_end=dt.time(11 + i % 10, 0),
            timezone=TIME_ZONES[i % len(TIME_ZONES)],
            delivery=Batch.Delivery.CLASSROOM if classroom else Batch.Delivery.ONLINE,
            location=f"Room {i}" if classroom else "",
            capacity=None if i % 4 == 0 else 1 + i % 30,
        )


def enquire_links(html: str) -> int:
    """A batch's Enquire Now links to the form with its id; the course page's own does not."""
    return len(re.findall(r'\?batch=\d+">Enquire Now<', html))


def admin_rows(html: str) -> int:
    return html.count('class="action-select"')


def course_cards(html: str) -> int:
    return html.count('class="card h-100 course-card')


# Public pages


@pytest.mark.django_db
def test_article_list_runs_same_queries_for_5_and_100_articles(client, django_assert_num_queries):
    courses = [make_course() for _ in range(3)]

    def grow_to(size: int) -> None:
        for i in range(Article.objects.count(), size):
            article = Article.objects.create(
                title=f"Article {i:03}",
                slug=f"article-{i:03}",
                summary="-",
                body="-",
                is_published=True,
                published_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            )
            article.courses.add(courses[i % 3], courses[(i + 1) % 3])

    assert_same_queries_for_5_and_100(
        client,
        "/articles/",
        grow_to=grow_to,
        rows_shown=lambda html: html.count('<article aria-labelledby="article-'),
        expected_rows=lambda size: min(size, 20),
        pinned=ARTICLE_LIST_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert ARTICLE_LIST_QUERIES <= PUBLIC_PAGE_QUERY_LIMIT


@pytest.mark.django_db
def test_home_runs_same_queries_for_5_and_100_courses_and_batches(
    client, django_assert_num_queries
):
    maker = BatchMaker()

    assert_same_queries_for_5_and_100(
        client,
        "/",
        grow_to=maker.grow_to,
        rows_shown=lambda html: course_cards(html) + enquire_links(html),
        expected_rows=lambda size: 2 * min(size, 6),
        pinned=HOME_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert HOME_QUERIES <= PUBLIC_PAGE_QUERY_LIMIT


@pytest.mark.django_db
def test_schedule_runs_same_queries_for_5_and_100_batches(client, django_assert_num_queries):
    maker = BatchMaker(in_one_month=True)

    assert_same_queries_for_5_and_100(
        client,
        "/schedule/",
        grow_to=maker.grow_to,
        rows_shown=enquire_links,
        expected_rows=lambda size: min(size, SCHEDULE_BATCHES_PER_PAGE),
        pinned=SCHEDULE_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert SCHEDULE_QUERIES <= PUBLIC_PAGE_QUERY_LIMIT


@pytest.mark.django_db
def test_filtered_schedule_runs_same_queries_for_5_and_100_batches(
    client, django_assert_num_queries
):
    maker = BatchMaker(in_one_month=True)

    assert_same_queries_for_5_and_100(
        client,
        "/schedule/?track=weekday&mode=online",
        grow_to=maker.grow_to,
        rows_shown=enquire_links,
        # Weekday batches are the even ones, classroom ones every third: i % 6 in {2, 4}.
        expected_rows=lambda size: min(
            sum(1 for i in range(size) if i % 6 in {2, 4}), SCHEDULE_BATCHES_PER_PAGE
        ),
        pinned=SCHEDULE_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )


@pytest.mark.django_db
def test_course_list_runs_same_queries_for_5_and_100_courses(client, django_assert_num_queries):
    maker = BatchMaker()

    assert_same_queries_for_5_and_100(
        client,
        "/courses/",
        grow_to=maker.grow_to,
        rows_shown=course_cards,
        expected_rows=lambda size: min(size, 12),
        pinned=COURSE_LIST_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert COURSE_LIST_QUERIES <= PUBLIC_PAGE_QUERY_LIMIT


@pytest.mark.django_db
def test_course_detail_runs_same_queries_for_5_and_100_batches(client, django_assert_num_queries):
    course = make_course(slug="python")
    maker = BatchMaker(courses=[course], in_one_month=True)

    assert_same_queries_for_5_and_100(
        client,
        "/courses/python/",
        grow_to=maker.grow_to,
        rows_shown=enquire_links,
        expected_rows=lambda size: min(size, COURSE_PAGE_BATCHES),
        pinned=COURSE_DETAIL_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert COURSE_DETAIL_QUERIES <= PUBLIC_PAGE_QUERY_LIMIT


# Admin changelists


@pytest.mark.django_db
def test_batch_admin_list_runs_same_queries_for_5_and_100_batches(
    admin_client, django_assert_num_queries
):
    maker = BatchMaker()

    assert_same_queries_for_5_and_100(
        admin_client,
        "/admin/courses/batch/",
        grow_to=maker.grow_to,
        rows_shown=admin_rows,
        expected_rows=lambda size: size,
        pinned=BATCH_ADMIN_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )


@pytest.mark.django_db
def test_enquiry_admin_list_runs_same_queries_for_5_and_100_enquiries(
    admin_client, django_assert_num_queries
):
    maker = BatchMaker()
    maker.grow_to(10)
    batches = itertools.cycle(Batch.objects.select_related("course"))
    made = 0

    def grow_to(size: int) -> None:
        nonlocal made
        for i in range(made, size):
            batch = next(batches)
            if i % 2:
                make_enquiry(course=batch.course, name=f"Learner {i}")
            else:
                make_enquiry(
                    batch=batch,
                    name=f"Learner {i}",
                    attribution=Attribution(utm_source=f"campaign-{i % 4}"),
                )
        made = size

    assert_same_queries_for_5_and_100(
        admin_client,
        "/admin/enquiries/enquiry/",
        grow_to=grow_to,
        rows_shown=admin_rows,
        expected_rows=lambda size: size,
        pinned=ENQUIRY_ADMIN_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
    assert Enquiry.objects.filter(kind=Enquiry.Kind.BATCH).count() == 50


# Trainers


def assign_trainers(trainer) -> None:
    """Every batch without a trainer gets `trainer` (a bulk write: the check is tested in
    tests/enquiries/test_trainers.py; here only the reads count)."""
    Batch.objects.filter(trainer__isnull=True).update(trainer=trainer)


@pytest.mark.django_db
def test_course_detail_with_trainers_runs_the_same_queries(client, django_assert_num_queries):
    course = make_course(slug="python")
    trainer = make_trainer(courses=[course], name="Asha Rao", bio="Teaches Python.")
    maker = BatchMaker(courses=[course], in_one_month=True)

    def grow_to(size: int) -> None:
        maker.grow_to(size)
        assign_trainers(trainer)

    assert_same_queries_for_5_and_100(
        client,
        "/courses/python/",
        grow_to=grow_to,
        rows_shown=lambda html: html.count("Trainer: Asha Rao — Teaches Python."),
        expected_rows=lambda size: min(size, COURSE_PAGE_BATCHES),
        pinned=COURSE_DETAIL_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )


@pytest.mark.django_db
def test_calendar_runs_same_queries_for_5_and_100_batches(admin_client, django_assert_num_queries):
    trainer = make_trainer(name="Asha Rao")
    maker = BatchMaker()
    # The month of the batches' first Mondays: one week apart, so 5 sessions of each batch of
    # the first weeks fall in it; count the sessions shown instead.
    month = f"{maker.first_monday:%Y-%m}"

    def grow_to(size: int) -> None:
        maker.grow_to(size)
        assign_trainers(trainer)
        plan = make_plan(
            course=Course.objects.first(),
            sessions=[
                (
                    dt.datetime.combine(maker.first_monday, dt.time(1), tzinfo=dt.UTC)
                    + dt.timedelta(hours=n),
                    dt.datetime.combine(maker.first_monday, dt.time(1, 30), tzinfo=dt.UTC)
                    + dt.timedelta(hours=n),
                )
                for n in range(3)
            ],
        )
        plan.trainer = trainer
        plan.save()

    counts = {}
    for size in (5, 100):
        grow_to(size)
        counts[size], html = count_queries(admin_client, f"/admin/calendar/?month={month}")
        assert 'class="calendar-session calendar-plan"' in html
        assert html.count('class="calendar-session calendar-batch"') > 5
        with django_assert_num_queries(CALENDAR_QUERIES + 1):  # + the chosen trainer
            admin_client.get(f"/admin/calendar/?month={month}&trainer={trainer.pk}")
    assert counts[5] == counts[100] == CALENDAR_QUERIES


@pytest.mark.django_db
def test_trainer_admin_list_runs_same_queries_for_5_and_100_trainers(
    admin_client, django_assert_num_queries
):
    course = make_course()
    made = 0

    def grow_to(size: int) -> None:
        nonlocal made
        for _ in range(made, size):
            make_trainer(courses=[course], days=())
        made = size

    assert_same_queries_for_5_and_100(
        admin_client,
        "/admin/courses/trainer/",
        grow_to=grow_to,
        rows_shown=admin_rows,
        expected_rows=lambda size: size,
        pinned=TRAINER_ADMIN_QUERIES,
        django_assert_num_queries=django_assert_num_queries,
    )
