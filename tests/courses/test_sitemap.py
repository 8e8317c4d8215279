"""Findable: sitemap.xml, robots.txt, and each public page's title, description, canonical
address and OpenGraph tags."""

import datetime as dt
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.views import server_error
from courses.models import Course
from enquiries.services import seats
from tests.factories import make_batch, make_category, make_course

TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
JAN_MON = dt.date(2027, 1, 4)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

pytestmark = pytest.mark.usefixtures("_frozen_today")


@pytest.fixture
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


# sitemap.xml


def sitemap_entries(response) -> dict[str, str | None]:
    """{absolute URL: lastmod or None} from the sitemap's XML."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    entries = {}
    for url in root.iter(f"{SITEMAP}url"):
        lastmod = url.find(f"{SITEMAP}lastmod")
        entries[url.find(f"{SITEMAP}loc").text] = None if lastmod is None else lastmod.text
    return entries


@pytest.mark.django_db
def test_sitemap_lists_static_and_content_pages_published_courses_and_their_categories(client):
    programming = make_category(slug="programming")
    cloud = make_category(slug="cloud")
    drafts = make_category(slug="drafts")
    make_category(slug="empty")
    python = make_course(slug="python", category=programming)
    kubernetes = make_course(slug="kubernetes", category=cloud)
    make_course(slug="secret", category=drafts, is_published=False)
    make_course(slug="secret-python", category=programming, is_published=False)

    entries = sitemap_entries(client.get("/sitemap.xml"))

    assert set(entries) == {
        "http://testserver/",
        "http://testserver/courses/",
        "http://testserver/schedule/",
        "http://testserver/articles/",
        "http://testserver/about/",
        "http://testserver/privacy/",
        "http://testserver/contact/",
        "http://testserver/courses/python/",
        "http://testserver/courses/kubernetes/",
        "http://testserver/courses/?category=programming",
        "http://testserver/courses/?category=cloud",
    }
    assert entries["http://testserver/courses/python/"] == python.updated_at.date().isoformat()
    assert entries["http://testserver/courses/kubernetes/"] == (
        kubernetes.updated_at.date().isoformat()
    )


@pytest.mark.django_db
def test_sitemap_uses_the_scheme_and_host_it_was_requested_on(client):
    make_course(slug="python")

    entries = sitemap_entries(client.get("/sitemap.xml", secure=True))

    assert "https://testserver/courses/python/" in entries
    assert all(url.startswith("https://testserver/") for url in entries)


@pytest.mark.django_db
def test_course_lastmod_follows_its_latest_change(client):
    course = make_course(slug="python")
    with time_machine.travel(dt.datetime(2027, 2, 3, 12, 0, tzinfo=dt.UTC), tick=False):
        course.summary = "A new summary."
        course.full_clean()
        course.save()
        entries = sitemap_entries(client.get("/sitemap.xml"))

    assert entries["http://testserver/courses/python/"] == "2027-02-03"


@pytest.mark.django_db
def test_sitemap_runs_the_same_queries_for_5_and_50_courses(client):
    category = make_category()
    counts = {}
    for size in (5, 50):
        Course.objects.bulk_create(
            Course(
                category=category,
                title=f"Course {i}",
                slug=f"course-{i}",
                summary="…",
                duration_hours=10,
                is_published=True,
            )
            for i in range(Course.objects.count(), size)
        )
        with CaptureQueriesContext(connection) as queries:
            entries = sitemap_entries(client.get("/sitemap.xml"))
        counts[size] = len(queries)
        assert len(entries) == 7 + size + 1  # fixed pages, courses, the one category

    # Per section with a queryset: a count (for paging) and the page of items.
    assert counts[5] == counts[50] == 5  # a fixed few per section, never one per course


# robots.txt


@pytest.mark.django_db
def test_robots_txt_allows_all_but_the_admin_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]


@pytest.mark.django_db
def test_robots_txt_sitemap_address_follows_the_request(client):
    response = client.get("/robots.txt", secure=True)

    assert "Sitemap: https://testserver/sitemap.xml" in response.content.decode()


# Title, description, canonical and OpenGraph on every public page


class HeadParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head(response) -> HeadParser:
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def site(db):
    cloud = make_category(name="Cloud", slug="cloud")
    python = make_course(
        title="Python Basics", slug="python", summary="Variables, loops and functions."
    )
    make_course(title="Kubernetes", slug="kubernetes", category=cloud)
    open_batch = make_batch(course=python, start_date=JAN_MON)
    full = make_batch(course=python, start_date=dt.date(2027, 1, 11), capacity=1)
    seats.enroll(batch=full, learner=seats.Learner(name="Asha", email="asha@example.com"))
    entry = seats.join_waitlist(
        batch=full,
        learner=seats.Learner(name="Ravi", email="ravi@example.com"),
        consented=True,
    )
    return {"batch": open_batch, "full": full, "entry": entry}


def public_pages(site) -> list[tuple[str, str, int]]:
    """(address visited, expected canonical path, status)."""
    token = site["entry"].token
    return [
        ("/?utm_source=newsletter&utm_medium=email", "/", 200),
        ("/courses/?q=python&utm_campaign=spring", "/courses/", 200),
        ("/courses/?category=cloud&q=kube&utm_source=ad", "/courses/?category=cloud", 200),
        ("/courses/?category=no-such-category", "/courses/", 200),
        ("/courses/python/?utm_source=newsletter&fbclid=abc", "/courses/python/", 200),
        ("/schedule/?course=python&track=weekday&utm_source=ad", "/schedule/", 200),
        ("/articles/?utm_source=ad", "/articles/", 200),
        ("/about/?utm_source=ad", "/about/", 200),
        ("/contact/?utm_source=ad", "/contact/", 200),
        ("/privacy/", "/privacy/", 200),
        (f"/courses/python/enquire/?batch={site['batch'].pk}", "/courses/python/enquire/", 200),
        ("/enquiries/thanks/", "/enquiries/thanks/", 200),
        (
            f"/courses/python/waiting-list/?batch={site['full'].pk}",
            "/courses/python/waiting-list/",
            200,
        ),
        (f"/waiting-list/{token}/", f"/waiting-list/{token}/", 200),
        (f"/waiting-list/{token}/leave/", f"/waiting-list/{token}/leave/", 200),
        ("/no-such-page/?utm_source=x", "/no-such-page/", 404),
    ]


@pytest.mark.django_db
def test_every_public_page_has_title_description_canonical_and_opengraph(client, site, settings):
    settings.SITE_NAME = "Acme Training"

    for url, canonical_path, status in public_pages(site):
        response = client.get(url)
        assert response.status_code == status, url
        page = head(response)
        canonical = f"http://testserver{canonical_path}"
        assert page.canonical == [canonical], url
        assert page.title.strip(), url
        assert page.meta["description"].strip(), url
        assert page.meta["og:url"] == canonical, url
        assert page.meta["og:title"].strip(), url
        assert page.meta["og:description"] == page.meta["description"], url
        assert page.meta["og:type"] == "website", url
        assert page.meta["og:site_name"] == "Acme Training", url


@pytest.mark.django_db
def test_course_page_head_names_the_course(client, site):
    page = head(client.get("/courses/python/"))

    assert page.title == "Python Basics training · Batchwise"
    assert page.meta["description"] == "Variables, loops and functions."
    assert page.meta["og:title"] == "Python Basics"
    assert page.meta["og:description"] == "Variables, loops and functions."


@pytest.mark.django_db
def test_catalog_page_canonical_keeps_the_category_and_a_later_page(client):
    cloud = make_category(name="Cloud", slug="cloud")
    for n in range(13):
        make_course(category=cloud, title=f"Cloud course {n:02}")

    second = head(client.get("/courses/", {"page": "2", "category": "cloud", "utm_id": "7"}))
    first = head(client.get("/courses/", {"page": "1", "category": "cloud"}))

    assert second.canonical == ["http://testserver/courses/?category=cloud&page=2"]
    assert first.canonical == ["http://testserver/courses/?category=cloud"]
    assert second.title == "Cloud courses · Batchwise"
    assert second.meta["description"].startswith("Cloud courses: ")


@pytest.mark.django_db
def test_canonical_follows_the_scheme_and_host_of_the_request(client, site, settings):
    settings.ALLOWED_HOSTS = ["courses.example.com"]

    page = head(
        client.get("/courses/python/", secure=True, headers={"host": "courses.example.com"})
    )

    assert page.canonical == ["https://courses.example.com/courses/python/"]
    assert page.meta["og:url"] == "https://courses.example.com/courses/python/"


@pytest.mark.django_db
def test_markup_in_a_title_is_escaped_in_the_head(client):
    make_course(slug="python", title='Python "Pro" <b>', summary='Quotes " and <tags>')

    response = client.get("/courses/python/")

    html = response.content.decode()
    assert 'content="Python &quot;Pro&quot; &lt;b&gt;"' in html
    page = head(response)
    assert page.meta["og:title"] == 'Python "Pro" <b>'
    assert page.meta["description"] == 'Quotes " and <tags>'


def test_server_error_page_renders_its_head_without_a_request(rf):
    """Django renders 500.html with no request in the context: no canonical, the rest stays."""
    response = server_error(rf.get("/broken/"))

    page = head(response)
    assert response.status_code == 500
    assert page.title == "Something went wrong · Batchwise"
    assert page.meta["og:title"] == "Something went wrong · Batchwise"
    assert page.canonical == []
    assert "og:url" not in page.meta


@pytest.mark.django_db
def test_sitemap_lists_published_articles_only(client):
    from courses.models import Article

    Article.objects.create(title="A", slug="live", summary="-", body="-", is_published=True)
    Article.objects.create(title="B", slug="draft", summary="-", body="-")

    xml = client.get("/sitemap.xml").content.decode()

    assert "http://testserver/articles/live/" in xml
    assert "/articles/draft/" not in xml
