import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from courses.models import Batch, Category, Course

NOW = dt.datetime(2026, 11, 10, 9, 30, tzinfo=dt.UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def clock():
    """Batch dates are counted from today: a fixed clock loads the same batches every run."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def next_months(today: dt.date, count: int = 3) -> list[dt.date]:
    """The first days of the `count` months after today's month."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month + dt.timedelta(days=31)).replace(day=1)
        months.append(month)
    return months


@pytest.mark.django_db
def test_loads_at_least_six_published_courses_in_three_categories_including_deep_learning():
    load_demo()

    published = Course.objects.published()
    assert published.count() >= 6
    assert set(published.values_list("category__name", flat=True)) == {
        "Data Science & AI",
        "Cloud & DevOps",
        "Software Engineering",
    }
    deep_learning = published.get(slug="deep-learning")
    assert deep_learning.title == "Deep Learning"
    assert "\n\n" in deep_learning.description
    assert published.filter(price__isnull=True).count() == 1
    assert not published.filter(price__isnull=False, currency="").exists()


@pytest.mark.django_db
def test_each_published_course_has_a_weekday_and_a_weekend_batch_in_each_of_next_three_months():
    load_demo()
    today = timezone.localdate()

    expected = {(month, track) for month in next_months(today) for track in Batch.Track}
    open_batches = Batch.objects.open_for_enquiry()
    for course in Course.objects.published():
        batches = open_batches.filter(course=course)
        assert {(batch.month, batch.track) for batch in batches} == expected, course.slug
    assert not Batch.objects.filter(start_date__lte=today).exists()
    assert open_batches.values("timezone").distinct().count() >= 2
    assert open_batches.filter(delivery=Batch.Delivery.CLASSROOM).exclude(location="").exists()
    assert open_batches.filter(capacity__isnull=True).exists()
    assert open_batches.values("capacity").distinct().count() >= 4


@pytest.mark.django_db
def test_exactly_one_cancelled_and_one_unpublished_batch_neither_open_for_enquiry():
    load_demo()

    cancelled = Batch.objects.get(status=Batch.Status.CANCELLED)
    unpublished = Batch.objects.get(is_published=False)
    assert cancelled != unpublished
    open_batches = Batch.objects.open_for_enquiry()
    assert cancelled not in open_batches
    assert unpublished not in open_batches
    assert cancelled.start_date > timezone.localdate()
    assert unpublished.start_date > timezone.localdate()


@pytest.mark.django_db
def test_running_twice_creates_nothing_the_second_time():
    load_demo()
    first = {
        model: set(model.objects.values_list("pk", flat=True))
        for model in (Category, Course, Batch)
    }

    second_output = load_demo()

    assert {
        model: set(model.objects.values_list("pk", flat=True))
        for model in (Category, Course, Batch)
    } == first
    assert f"Batches: 0 created, {len(first[Batch])} kept as they were." in second_output


@pytest.mark.django_db
def test_rerun_keeps_rows_staff_added_and_values_staff_changed():
    load_demo()
    staff_category = Category.objects.create(name="Design", slug="design")
    staff_batch = Batch.objects.filter(track=Batch.Track.WEEKEND).first()
    staff_batch.pk = None
    staff_batch.start_date += dt.timedelta(days=1)  # A Sunday start, added by staff.
    staff_batch.save()
    Course.objects.filter(slug="deep-learning").update(title="Deep Learning (new title)", price=1)
    Category.objects.filter(slug="cloud-devops").update(name="Cloud")
    later = Batch.objects.filter(course__slug="system-design").order_by("start_date").last()
    Batch.objects.filter(pk=later.pk).update(capacity=3, min_participants=2, is_published=False)

    load_demo()

    assert Category.objects.filter(pk=staff_category.pk).exists()
    assert Batch.objects.filter(pk=staff_batch.pk).exists()
    deep_learning = Course.objects.get(slug="deep-learning")
    assert (deep_learning.title, deep_learning.price) == ("Deep Learning (new title)", 1)
    assert Category.objects.get(slug="cloud-devops").name == "Cloud"
    later.refresh_from_db()
    assert (later.capacity, later.min_participants, later.is_published) == (3, 2, False)


@pytest.mark.django_db
def test_a_batch_staff_deleted_is_not_created_again(admin_client):
    call_command("load_demo_catalog", stdout=StringIO())
    batch = Batch.objects.filter(course__slug="system-design").order_by("start_date").last()
    key = {"course": batch.course, "track": batch.track, "start_date": batch.start_date}

    deleted = admin_client.post(f"/admin/courses/batch/{batch.pk}/delete/", {"post": "yes"})
    output = load_demo()

    assert deleted.status_code == 302
    assert not Batch.objects.filter(**key).exists()
    kept = Batch.objects.count()
    assert f"Batches: 0 created, {kept} kept as they were, 1 deleted or moved by staff" in output


@pytest.mark.django_db
def test_a_batch_staff_moved_to_another_date_is_not_created_again_on_the_old_one():
    load_demo()
    batch = Batch.objects.filter(course__slug="system-design", track=Batch.Track.WEEKDAY).last()
    planned = batch.start_date
    batch.start_date += dt.timedelta(weeks=1)
    batch.end_date += dt.timedelta(weeks=1)
    batch.full_clean()
    batch.save()

    load_demo()

    assert not Batch.objects.filter(course=batch.course, start_date=planned).exists()
    assert Batch.objects.filter(course__slug="system-design").count() == 6


@pytest.mark.django_db
def test_a_course_staff_gave_another_slug_is_not_created_again_under_the_old_one():
    load_demo()
    course = Course.objects.get(slug="system-design")
    course.slug = "system-design-for-backends"
    course.full_clean()
    course.save()

    load_demo()

    assert Course.objects.filter(title=course.title).get().slug == "system-design-for-backends"


@pytest.mark.django_db
def test_a_course_staff_deleted_is_not_created_again_nor_its_batches(admin_client):
    call_command("load_demo_catalog", stdout=StringIO())
    course = Course.objects.get(slug="system-design")
    batches = list(course.batches.values_list("pk", flat=True))

    admin_client.post(
        "/admin/courses/batch/",
        {"action": "delete_selected", "_selected_action": batches, "post": "yes"},
    )
    admin_client.post(f"/admin/courses/course/{course.pk}/delete/", {"post": "yes"})
    load_demo()

    assert not Course.objects.filter(slug="system-design").exists()
    assert not Batch.objects.filter(course__slug="system-design").exists()
    assert Course.objects.filter(slug="deep-learning").exists()


@pytest.mark.django_db
def test_a_twin_batch_staff_added_on_the_same_day_is_no_obstacle():
    load_demo()
    twin = Batch.objects.filter(course__slug="system-design", track=Batch.Track.WEEKDAY).last()
    original = twin.pk
    twin.pk = None
    twin.session_start, twin.session_end = dt.time(6), dt.time(7)  # a morning group
    twin.save()

    load_demo()

    assert Batch.objects.filter(course__slug="system-design").count() == 6 + 1
    assert Batch.objects.get(pk=original).session_start == dt.time(19, 30)


@pytest.mark.django_db
def test_a_demo_category_staff_gave_another_slug_is_reported_not_duplicated():
    load_demo()
    Category.objects.filter(slug="data-science-ai").update(slug="data-and-ai")

    output = load_demo()

    assert Category.objects.filter(name="Data Science & AI").get().slug == "data-and-ai"
    assert "Category {'slug': 'data-science-ai'} not created: name:" in output
    assert Course.objects.get(slug="deep-learning").category.slug == "data-and-ai"


@pytest.mark.parametrize(
    ("now", "time_zone", "weekday_starts", "weekend_starts"),
    [
        pytest.param(
            dt.datetime(2026, 12, 30, 12, tzinfo=dt.UTC),
            "UTC",
            ["2027-01-04", "2027-02-01", "2027-03-01"],
            ["2027-01-02", "2027-02-06", "2027-03-06"],
            id="year-end",
        ),
        pytest.param(
            dt.datetime(2027, 1, 31, 20, tzinfo=dt.UTC),
            "UTC",
            ["2027-02-01", "2027-03-01", "2027-04-05"],
            ["2027-02-06", "2027-03-06", "2027-04-03"],
            id="month-end",
        ),
        pytest.param(
            # Still 31 January in UTC, already 1 February in India: the local date counts.
            dt.datetime(2027, 1, 31, 20, tzinfo=dt.UTC),
            "Asia/Kolkata",
            ["2027-03-01", "2027-04-05", "2027-05-03"],
            ["2027-03-06", "2027-04-03", "2027-05-01"],
            id="month-end-local-date",
        ),
    ],
)
@pytest.mark.django_db
def test_batches_start_on_the_first_monday_and_first_saturday_of_the_next_three_months(
    settings, now, time_zone, weekday_starts, weekend_starts
):
    settings.TIME_ZONE = time_zone
    with time_machine.travel(now, tick=False):
        load_demo()

    regular = Batch.objects.filter(
        course__slug="system-design", status=Batch.Status.SCHEDULED, is_published=True
    )
    weekday = regular.filter(track=Batch.Track.WEEKDAY).order_by("start_date")
    weekend = regular.filter(track=Batch.Track.WEEKEND).order_by("start_date")
    assert [f"{batch.start_date}" for batch in weekday] == weekday_starts
    assert [f"{batch.start_date}" for batch in weekend] == weekend_starts
    for batch in weekday:
        assert batch.end_date.strftime("%A") == "Friday"
        assert batch.end_date - batch.start_date == dt.timedelta(days=25)
    for batch in weekend:
        assert batch.end_date.strftime("%A") == "Sunday"
        assert batch.end_date - batch.start_date == dt.timedelta(days=36)
