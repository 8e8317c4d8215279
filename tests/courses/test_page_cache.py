"""The public pages as anonymous visitors get them: cached, always fresh, and cacheable by a
proxy (courses/page_cache.py, courses/versions.py)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from courses import versions
from courses.models import Batch
from courses.time_zones import VIEWER_TZ_COOKIE
from enquiries.services.seats import Learner, enroll
from tests.factories import make_batch, make_course

PUBLIC_PAGES = ["/", "/courses/", "/courses/python/", "/schedule/", "/articles/", "/about/"]
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def batch():
    return make_batch(course=make_course(slug="python", title="Python Basics"), capacity=3)


def served_from_cache(client, url: str, **headers) -> tuple[bool, bytes]:
    """Whether the page came from the page cache: no template rendered, no query run (a page
    rendered from kept fragments may run no query either)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return not response.templates and len(queries) == 0, response.content


def change_form_data(client, url: str, **changes) -> dict:
    """What a browser sends back from an admin change page (its inlines' management forms
    included), with `changes` typed in."""
    page = client.get(url)
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "" if value is None else str(value)
    return data | {"_save": "Save"} | changes


# Cacheable


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_an_anonymous_get_sets_no_cookie_and_does_not_vary_on_one(client, batch, url):
    response = client.get(url, headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=30"
    assert response["ETag"].startswith('W/"')
    assert response.has_header("Last-Modified")


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_conditional_get_is_answered_304_until_the_catalog_changes(client, batch, url):
    first = client.get(url)

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag.content == b""

    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        batch.capacity = 4
        batch.save()
        after = client.get(url, headers={"if-none-match": first["ETag"]})
        later = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert after.status_code == later.status_code == 200
    assert after["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_a_page_comes_from_the_cache_without_a_query_and_unchanged(client, batch):
    for encoding in ("", "gzip"):
        cached, first = served_from_cache(client, "/schedule/", accept_encoding=encoding)
        assert not cached
        cached, again = served_from_cache(client, "/schedule/", accept_encoding=encoding)
        assert cached
        assert again == first


@pytest.mark.django_db
def test_with_the_page_cache_off_every_page_is_rendered_but_still_validated(
    client, settings, batch
):
    settings.BATCHWISE_PAGE_CACHE = False
    first = client.get("/schedule/")

    cached, _ = served_from_cache(client, "/schedule/")
    assert not cached
    assert client.get("/schedule/", headers={"if-none-match": first["ETag"]}).status_code == 304


@pytest.mark.django_db
def test_each_zone_the_viewer_picked_gets_its_own_copy(client, batch):
    plain = client.get("/schedule/").content.decode()
    client.cookies[VIEWER_TZ_COOKIE] = "America/New_York"
    picked = client.get("/schedule/").content.decode()

    assert "your-time" not in plain
    assert '<span class="your-time"> · ' in picked
    assert '<option value="America/New_York" selected>' in picked


@pytest.mark.django_db
def test_a_new_day_renders_afresh(client):
    # Starts on Monday 7 December: "starts in 6 days", then "starts tomorrow".
    make_batch(
        course=make_course(slug="python"),
        start_date=dt.date(2026, 12, 7),
        session_start=dt.time(9),
        session_end=dt.time(11),
        timezone="Europe/London",
    )
    assert "starts in 6 days" in client.get("/schedule/").content.decode()

    with time_machine.travel(dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC), tick=False):
        assert "starts tomorrow" in client.get("/schedule/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookies", "query", "headers"),
    [
        ({"sessionid": "abc"}, "", {}),
        ({"messages": "abc"}, "", {}),
        ({}, "?utm_source=newsletter", {}),
        ({}, "", {"referer": "https://www.example.org/search?q=deep+learning"}),
    ],
)
def test_a_request_the_page_must_not_ignore_goes_to_the_view_and_is_private(
    client, batch, cookies, query, headers
):
    client.get("/schedule/" + query, headers=headers)  # stored, if it were cacheable
    for name, value in cookies.items():
        client.cookies[name] = value

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/schedule/" + query, headers=headers)

    assert len(queries) > 0
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


@pytest.mark.django_db
def test_a_campaign_visit_is_still_recorded_for_the_enquiry(client, batch):
    client.get("/schedule/")  # the page is in the cache
    client.get("/schedule/?utm_source=newsletter&utm_campaign=winter")

    assert client.session["attribution"]["utm_source"] == "newsletter"


@pytest.mark.django_db
def test_pages_that_carry_a_form_are_not_cached(client, batch):
    response = client.get("/courses/python/enquire/")

    assert "csrftoken" in response.cookies
    assert not response.has_header("ETag")
    assert served_from_cache(client, "/courses/python/enquire/")[0] is False


# Fresh: each write shows on the very next request


@pytest.mark.django_db
def test_a_seat_taken_shows_on_the_next_request(client, batch):
    assert "3 seats left" in client.get("/schedule/").content.decode()
    assert served_from_cache(client, "/schedule/")[0]

    enroll(batch=batch, learner=Learner(name="Asha Rao", email="asha@example.com"))

    page = client.get("/schedule/").content.decode()
    assert "2 seats left" in page
    assert "3 seats left" not in page


@pytest.mark.django_db
def test_an_admin_edit_of_a_batch_shows_on_the_next_request(client, admin_client, batch):
    assert served_from_cache(client, "/courses/python/")[1].decode().count("19:00–21:00") == 1
    url = f"/admin/courses/batch/{batch.pk}/change/"

    response = admin_client.post(
        url, change_form_data(admin_client, url, session_start="08:00", session_end="10:00")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get("/courses/python/").content.decode()
    assert "08:00–10:00" in page
    assert "19:00–21:00" not in page


@pytest.mark.django_db
def test_an_admin_edit_of_a_course_shows_on_the_next_request(client, admin_client, batch):
    for url in ("/courses/python/", "/courses/", "/schedule/"):
        assert "Python Basics" in client.get(url).content.decode()
    change = f"/admin/courses/course/{batch.course.pk}/change/"

    response = admin_client.post(change, change_form_data(admin_client, change, title="Pythonic"))

    assert response.status_code == 302, response.content.decode()[:2000]
    for url in ("/courses/python/", "/courses/", "/schedule/"):
        page = client.get(url).content.decode()
        assert "Pythonic" in page, url
        assert "Python Basics" not in page, url


@pytest.mark.django_db
def test_a_new_batch_shows_on_the_next_request(client, batch):
    before = client.get("/schedule/").content.decode()
    assert before.count("?batch=") == 1

    new = make_batch(course=batch.course, start_date=batch.start_date + dt.timedelta(days=1))

    after = client.get("/schedule/").content.decode()
    assert f"?batch={new.pk}" in after
    assert client.get("/").content.decode().count(f"?batch={new.pk}") >= 1


@pytest.mark.django_db
def test_a_batch_unpublished_leaves_every_page_at_once(client, batch):
    for url in ("/", "/schedule/", "/courses/python/"):
        assert f"?batch={batch.pk}" in client.get(url).content.decode()

    Batch.objects.filter(pk=batch.pk).update(is_published=False)

    for url in ("/", "/schedule/", "/courses/python/"):
        assert f"?batch={batch.pk}" not in client.get(url).content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_the_catalog_gets_a_new_version_again_when_the_write_commits(client, batch):
    with transaction.atomic():
        batch.capacity = 5
        batch.save()
        during = versions.catalog_version()
        # Another request renders the page now, from the data before the commit.
    after = versions.catalog_version()

    assert after != during


@pytest.mark.django_db
def test_with_the_page_cache_off_the_kept_fragments_are_fresh_too(client, settings, batch):
    settings.BATCHWISE_PAGE_CACHE = False
    for url in ("/", "/schedule/", "/courses/python/"):
        assert "3 seats left" in client.get(url).content.decode(), url

    enroll(batch=batch, learner=Learner(name="Asha Rao", email="asha@example.com"))
    batch.course.title = "Pythonic"
    batch.course.save()

    for url in ("/", "/schedule/", "/courses/python/"):
        page = client.get(url).content.decode()
        assert "2 seats left" in page, url
        assert "Pythonic" in page, url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/courses/", "/courses/python/", "/schedule/"])
def test_with_the_page_cache_off_a_page_from_kept_fragments_runs_no_query(
    client, settings, batch, url
):
    settings.BATCHWISE_PAGE_CACHE = False
    rendered = client.get(url).content

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)

    assert again.templates  # rendered, not a stored page
    assert len(queries) == 0
    assert again.content == rendered


@pytest.mark.django_db
def test_a_course_unpublished_is_gone_at_once_though_its_page_was_kept(client, settings, batch):
    settings.BATCHWISE_PAGE_CACHE = False
    assert client.get("/courses/python/").status_code == 200
    assert client.get("/courses/no-such-course/").status_code == 404

    batch.course.is_published = False
    batch.course.save()

    assert client.get("/courses/python/").status_code == 404


@pytest.mark.django_db
def test_with_the_fragments_off_too_every_query_runs_each_time(client, settings, batch):
    settings.BATCHWISE_PAGE_CACHE = False
    settings.BATCHWISE_FRAGMENT_CACHE = False
    client.get("/schedule/")

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/schedule/").content.decode()

    assert len(queries) == 3  # tests/test_query_counts.py pins what they are
    assert "3 seats left" in page


@pytest.mark.django_db
def test_the_schedule_pages_on_by_month_with_shareable_urls(client):
    course = make_course(slug="python")
    for week in range(8):  # Mondays from 4 January 2027: 4 in January, 4 in February
        make_batch(course=course, start_date=dt.date(2027, 1, 4) + dt.timedelta(weeks=week))

    first = client.get("/schedule/").content.decode()
    february = client.get("/schedule/?month=2027-02").content.decode()

    assert first.count("?batch=") == 4
    assert '<h2 id="month-2027-01" class="h4">January 2027</h2>' in first
    assert 'href="?month=2027-02" rel="next">February 2027 (4 batches) →</a>' in first
    assert february.count("?batch=") == 4
    assert 'href="?month=2027-01" rel="prev">← January 2027</a>' in february


# Over Redis, as production runs it


@pytest.mark.django_db
def test_over_redis_a_page_is_served_without_a_query_until_a_seat_is_taken(
    client, redis_cache, batch
):
    assert versions.in_default_cache()  # the version beside the pages, one round trip
    assert "3 seats left" in client.get("/schedule/").content.decode()
    cached, page = served_from_cache(client, "/schedule/")
    assert cached
    assert "3 seats left" in page.decode()

    enroll(batch=batch, learner=Learner(name="Asha Rao", email="asha@example.com"))

    cached, page = served_from_cache(client, "/schedule/")
    assert not cached
    assert "2 seats left" in page.decode()
    assert served_from_cache(client, "/schedule/")[0]


@pytest.mark.django_db
def test_over_redis_the_kept_fragments_serve_every_worker_and_stay_fresh(
    client, redis_cache, settings, batch
):
    settings.BATCHWISE_PAGE_CACHE = False
    client.get("/schedule/")
    # Another worker: its own process memory, the same Redis.
    caches["fragments"].clear()

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/schedule/").content.decode()
    assert len(queries) == 0
    assert "3 seats left" in page

    enroll(batch=batch, learner=Learner(name="Asha Rao", email="asha@example.com"))

    assert "2 seats left" in client.get("/schedule/").content.decode()
