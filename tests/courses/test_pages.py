"""The public pages through the test client: home, catalog, course page, schedule, 404."""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import time_machine

from courses.models import Batch
from tests.factories import make_batch, make_category, make_course

# "Today" for these tests: Tuesday 1 December 2026, before the 2027 batches.
TODAY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
JAN_MON = dt.date(2027, 1, 4)
JAN_SAT = dt.date(2027, 1, 9)
FEB_MON = dt.date(2027, 2, 1)
FEB_SAT = dt.date(2027, 2, 6)
CLASSROOM = {"delivery": Batch.Delivery.CLASSROOM, "location": "MG Road, Pune"}

pytestmark = pytest.mark.usefixtures("_frozen_today")


@pytest.fixture
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


# Reading the schedule tables


@dataclass
class Row:
    track: str
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


@dataclass
class Month:
    heading: str
    rows: list[Row] = field(default_factory=list)


class ScheduleParser(HTMLParser):
    """Collect month headings (id="month-…") and the `data-track` rows under each."""

    def __init__(self):
        super().__init__()
        self.months: list[Month] = []
        self.rows: list[Row] = []
        self._heading: list[str] | None = None
        self._row: Row | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"h2", "h3"} and (attrs.get("id") or "").startswith("month-"):
            self._heading = []
        elif tag == "tr" and "data-track" in attrs:
            self._row = Row(attrs["data-track"])
            self.rows.append(self._row)
            if self.months:
                self.months[-1].rows.append(self._row)
        elif tag in {"th", "td"} and self._row is not None:
            self._cell = []
        elif tag == "a" and self._row is not None:
            self._row.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in {"h2", "h3"} and self._heading is not None:
            self.months.append(Month(" ".join("".join(self._heading).split())))
            self._heading = None
        elif tag in {"th", "td"} and self._cell is not None and self._row is not None:
            self._row.cells.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        for collector in (self._heading, self._cell):
            if collector is not None:
                collector.append(data)


def parse(response) -> ScheduleParser:
    parser = ScheduleParser()
    parser.feed(response.content.decode())
    return parser


def enquire_url(batch: Batch) -> str:
    return f"/courses/{batch.course.slug}/enquire/?batch={batch.pk}"


def listed_batch_ids(response) -> set[int]:
    """The batches a page offers an Enquire Now link for."""
    html = response.content.decode()
    return {int(pk) for pk in re.findall(r'/enquire/\?batch=(\d+)">Enquire Now', html)}


def text(response) -> str:
    """The page's markup with runs of whitespace collapsed, for phrase searches."""
    return " ".join(response.content.decode().split())


# Home


@pytest.mark.django_db
def test_home_lists_published_courses_and_next_open_batches(client):
    python = make_course(title="Python Basics")
    make_course(title="Secret Draft Course", is_published=False)
    batch = make_batch(course=python, start_date=JAN_MON)
    make_batch(course=python, start_date=FEB_MON, status=Batch.Status.CANCELLED)

    response = client.get("/")

    page = text(response)
    assert "Python Basics" in page
    assert "Secret Draft Course" not in page
    assert 'next batch <time datetime="2027-01-04">Mon 4 Jan 2027</time>' in page
    assert listed_batch_ids(response) == {batch.pk}  # not the cancelled one
    [row] = parse(response).rows
    assert row.cells[0] == "Python Basics"
    assert "Mon 4 Jan 2027 – Fri 29 Jan 2027" in row.text


@pytest.mark.django_db
def test_home_says_so_when_no_batch_is_scheduled(client):
    make_course(title="Python Basics")

    response = client.get("/")

    assert "No batches are scheduled right now." in text(response)
    assert "no batch scheduled" in text(response)
    assert listed_batch_ids(response) == set()


# Course catalog


@pytest.fixture
def catalog(db):
    programming = make_category(name="Programming", slug="programming")
    cloud = make_category(name="Cloud", slug="cloud")
    return {
        "python": make_course(
            title="Python Basics",
            summary="Variables, loops and functions for beginners.",
            category=programming,
        ),
        "deep-learning": make_course(
            title="Deep Learning",
            summary="Neural networks with PyTorch.",
            category=programming,
        ),
        "kubernetes": make_course(
            title="Kubernetes Fundamentals",
            summary="Run containers in production.",
            category=cloud,
        ),
        "draft": make_course(
            title="Kubernetes Draft Edition",
            summary="Not ready; PyTorch mentioned.",
            category=cloud,
            is_published=False,
        ),
    }


def listed_course_titles(response) -> list[str]:
    return [course.title for course in response.context["listing"]["page"].object_list]


@pytest.mark.django_db
def test_catalog_lists_every_published_course_and_never_an_unpublished_one(client, catalog):
    response = client.get("/courses/")

    assert listed_course_titles(response) == [
        "Deep Learning",
        "Kubernetes Fundamentals",
        "Python Basics",
    ]
    assert "3 courses." in text(response)
    assert "Kubernetes Draft Edition" not in text(response)


@pytest.mark.django_db
def test_catalog_search_finds_course_by_title_and_not_others(client, catalog):
    response = client.get("/courses/", {"q": "kubernetes"})

    assert listed_course_titles(response) == ["Kubernetes Fundamentals"]
    page = text(response)
    assert "1 course matching “kubernetes”." in page
    assert "Python Basics" not in page
    assert "Kubernetes Draft Edition" not in page


@pytest.mark.django_db
def test_catalog_search_finds_course_by_summary_text_and_not_others(client, catalog):
    response = client.get("/courses/", {"q": "pytorch"})

    assert listed_course_titles(response) == ["Deep Learning"]
    page = text(response)
    assert "Neural networks with PyTorch." in page
    assert "Python Basics" not in page
    assert "Kubernetes Draft Edition" not in page


@pytest.mark.django_db
def test_catalog_category_filter_lists_only_that_categorys_courses(client, catalog):
    response = client.get("/courses/", {"category": "programming"})

    assert listed_course_titles(response) == ["Deep Learning", "Python Basics"]
    page = text(response)
    assert "<h1>Programming courses</h1>" in page
    assert "2 courses in Programming." in page
    assert "Kubernetes Fundamentals" not in page


@pytest.mark.django_db
def test_catalog_category_filter_combines_with_search(client, catalog):
    response = client.get("/courses/", {"category": "programming", "q": "neural"})

    assert listed_course_titles(response) == ["Deep Learning"]


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["no-such-category", "<script>", "cloud' OR 1=1"])
def test_catalog_with_unknown_category_shows_all_published_courses(client, catalog, category):
    response = client.get("/courses/", {"category": category})

    assert response.status_code == 200
    assert listed_course_titles(response) == [
        "Deep Learning",
        "Kubernetes Fundamentals",
        "Python Basics",
    ]
    assert "<h1>Courses</h1>" in text(response)


@pytest.mark.django_db
def test_catalog_sidebar_counts_published_courses_and_hides_empty_categories(client, catalog):
    make_category(name="Empty Shelf")

    page = text(client.get("/courses/"))

    assert 'Programming</a> <span class="text-body-secondary">(2)</span>' in page
    assert 'Cloud</a> <span class="text-body-secondary">(1)</span>' in page
    assert "Empty Shelf" not in page


@pytest.mark.django_db
def test_catalog_never_lists_unpublished_course_even_when_searched_by_title(client, catalog):
    response = client.get("/courses/", {"q": "Draft Edition"})

    assert listed_course_titles(response) == []
    assert "Kubernetes Draft Edition" not in text(response)


@pytest.mark.django_db
def test_catalog_says_when_no_course_matches(client, catalog):
    response = client.get("/courses/", {"q": "cobol"})

    page = text(response)
    assert "0 courses matching “cobol”." in page
    assert "No course matches your search." in page
    assert listed_course_titles(response) == []


@pytest.mark.django_db
def test_catalog_card_shows_next_open_batch_date(client, catalog):
    python = catalog["python"]
    make_batch(course=python, start_date=JAN_MON, status=Batch.Status.CANCELLED)
    make_batch(course=python, start_date=FEB_MON)

    page = text(client.get("/courses/", {"q": "python basics"}))

    assert 'next batch <time datetime="2027-02-01">Mon 1 Feb 2027</time>' in page


# Course page


@pytest.mark.django_db
def test_course_page_is_not_found_for_unknown_slug(client):
    response = client.get("/courses/no-such-course/")

    assert response.status_code == 404
    assert "We couldn't find that page" in text(response)


@pytest.mark.django_db
def test_course_page_is_not_found_for_unpublished_course(client):
    make_course(slug="secret", title="Secret Course", is_published=False)

    response = client.get("/courses/secret/")

    assert response.status_code == 404
    assert "We couldn't find that page" in text(response)
    assert "Secret Course" not in text(response)


@pytest.mark.django_db
def test_course_page_groups_schedule_by_month_with_a_row_per_track(client):
    course = make_course(slug="python")
    # Created out of date order: the page orders by date, not by id.
    march = make_batch(course=course, start_date=dt.date(2027, 3, 1))
    feb_weekend = make_batch(course=course, track=Batch.Track.WEEKEND, start_date=FEB_SAT)
    jan_weekend = make_batch(course=course, track=Batch.Track.WEEKEND, start_date=JAN_SAT)
    jan_weekday = make_batch(course=course, start_date=JAN_MON)

    response = client.get("/courses/python/")

    months = parse(response).months
    assert [month.heading for month in months] == ["January 2027", "February 2027", "March 2027"]
    for month in months:
        assert [row.track for row in month.rows] == ["weekday", "weekend"], month.heading
        assert month.rows[0].cells[0] == "Weekdays (Mon–Fri)"
        assert month.rows[1].cells[0] == "Weekend (Sat–Sun)"
    january, february, march_ = months
    assert enquire_url(jan_weekday) in january.rows[0].links
    assert enquire_url(jan_weekend) in january.rows[1].links
    assert "No weekdays (mon–fri) batch this month." in february.rows[0].text
    assert february.rows[0].links == ["/courses/python/enquire/"]
    assert enquire_url(feb_weekend) in february.rows[1].links
    assert enquire_url(march) in march_.rows[0].links
    assert "No weekend (sat–sun) batch this month." in march_.rows[1].text

    context_months = response.context["details"]["months"]
    assert [group.month for group in context_months] == [
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
        dt.date(2027, 3, 1),
    ]
    assert [[row.batches for row in group.tracks] for group in context_months] == [
        [[jan_weekday], [jan_weekend]],
        [[], [feb_weekend]],
        [[march], []],
    ]


@pytest.mark.django_db
def test_course_page_lists_two_batches_of_a_track_in_one_month_in_start_order(client):
    course = make_course(slug="python")
    later = make_batch(course=course, start_date=dt.date(2027, 1, 18))
    evening = make_batch(course=course, start_date=JAN_MON)
    morning = make_batch(
        course=course,
        start_date=JAN_MON,
        session_start=dt.time(7, 0),
        session_end=dt.time(9, 0),
    )

    [january] = parse(client.get("/courses/python/")).months

    assert [row.track for row in january.rows] == ["weekday", "weekday", "weekday", "weekend"]
    assert [row.links[0] for row in january.rows[:3]] == [
        enquire_url(morning),
        enquire_url(evening),
        enquire_url(later),
    ]


@pytest.mark.django_db
def test_course_page_never_lists_cancelled_unpublished_or_past_batches(client):
    course = make_course(slug="python")
    shown = make_batch(course=course, start_date=JAN_MON)
    cancelled = make_batch(course=course, start_date=FEB_MON, status=Batch.Status.CANCELLED)
    hidden = make_batch(course=course, start_date=dt.date(2027, 3, 1), is_published=False)
    past = make_batch(course=course, start_date=dt.date(2026, 11, 30))

    response = client.get("/courses/python/")

    assert listed_batch_ids(response) == {shown.pk}
    assert [month.heading for month in parse(response).months] == ["January 2027"]
    page = text(response)
    for batch in (cancelled, hidden, past):
        assert f"?batch={batch.pk}" not in page
        assert f"{batch.start_date:%a} {batch.start_date.day} {batch.start_date:%b %Y}" not in page


@pytest.mark.django_db
def test_course_page_without_upcoming_batch_says_so_and_offers_course_enquiry(client):
    course = make_course(slug="python", title="Python Basics")
    make_batch(course=course, start_date=dt.date(2026, 11, 30))  # already started

    response = client.get("/courses/python/")

    page = text(response)
    assert "No upcoming batch of Python Basics is scheduled yet." in page
    assert 'href="/courses/python/enquire/">Send a course enquiry</a>' in page
    assert "?batch=" not in page
    assert response.context["details"]["months"] == []


@pytest.mark.django_db
def test_course_page_row_shows_weekday_dates_zoned_times_seats_and_enquire_link(client):
    course = make_course(slug="python")
    batch = make_batch(
        course=course,
        start_date=JAN_MON,
        end_date=dt.date(2027, 1, 29),
        timezone="Asia/Kolkata",
        capacity=20,
    )

    [january] = parse(client.get("/courses/python/")).months

    row = january.rows[0]
    days, dates, times, mode, seats, action = row.cells
    assert days == "Weekdays (Mon–Fri)"
    assert dates == "Mon 4 Jan 2027 – Fri 29 Jan 2027"
    assert times == "Mon–Fri, 19:00–21:00 IST Asia/Kolkata"
    assert mode == "Live online"
    assert seats == "20 seats left"
    assert action.startswith("Enquire Now")
    assert row.links == [
        f"/courses/python/enquire/?batch={batch.pk}",
        f"/schedule/batches/{batch.pk}.ics",  # Add to calendar
    ]


@pytest.mark.django_db
def test_course_page_shows_zone_abbreviation_of_each_batch_start(client):
    course = make_course(slug="python")
    make_batch(course=course, start_date=JAN_MON, timezone="Europe/London")
    make_batch(
        course=course,
        track=Batch.Track.WEEKEND,
        start_date=dt.date(2027, 7, 3),
        timezone="Europe/London",
        session_start=dt.time(10, 0),
        session_end=dt.time(13, 0),
    )

    months = parse(client.get("/courses/python/")).months

    assert "Mon–Fri, 19:00–21:00 GMT Europe/London" in months[0].rows[0].cells
    assert "Sat–Sun, 10:00–13:00 BST Europe/London" in months[1].rows[1].cells


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capacity", "seats"),
    [
        (None, "Open"),
        (20, "20 seats left"),
        (4, "4 seats left"),
        (3, "3 seats left"),
        (1, "1 seat left"),
    ],
)
def test_course_page_shows_seats_and_never_full_while_seats_are_free(client, capacity, seats):
    make_batch(course=make_course(slug="python"), start_date=JAN_MON, capacity=capacity)

    response = client.get("/courses/python/")

    [january] = parse(response).months
    assert january.rows[0].cells[4] == seats
    assert "Full" not in text(response)


@pytest.mark.django_db
def test_course_page_shows_classroom_location(client):
    make_batch(course=make_course(slug="python"), start_date=JAN_MON, **CLASSROOM)

    [january] = parse(client.get("/courses/python/")).months

    assert january.rows[0].cells[3] == "Classroom MG Road, Pune"


# Schedule


@pytest.fixture
def schedule(db):
    """Two courses in two categories, batches in January and February on both tracks."""
    programming = make_category(name="Programming", slug="programming")
    cloud = make_category(name="Cloud", slug="cloud")
    python = make_course(title="Python Basics", slug="python", category=programming)
    kubernetes = make_course(title="Kubernetes", slug="kubernetes", category=cloud)
    return {
        "py-jan-weekday": make_batch(course=python, start_date=JAN_MON),
        "py-jan-weekend": make_batch(
            course=python, track=Batch.Track.WEEKEND, start_date=JAN_SAT, **CLASSROOM
        ),
        "k8s-feb-weekday": make_batch(course=kubernetes, start_date=FEB_MON),
        "k8s-feb-weekend": make_batch(
            course=kubernetes, track=Batch.Track.WEEKEND, start_date=FEB_SAT
        ),
        "py-feb-weekday": make_batch(
            course=python, start_date=dt.date(2027, 2, 8), timezone="Europe/London", **CLASSROOM
        ),
    }


def listed_names(responses, batches: dict[str, Batch]) -> set[str]:
    """The batches one page, or each page of a list of them, offers Enquire Now for."""
    ids = set().union(*(listed_batch_ids(r) for r in _as_list(responses)))
    return {name for name, batch in batches.items() if batch.pk in ids}


def _as_list(responses) -> list:
    return responses if isinstance(responses, list) else [responses]


def every_month(client, query=None) -> list:
    """The schedule as asked, then (unless a month was asked for) each other month it links
    to: all of it."""
    first = client.get("/schedule/", query)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", (query or {}).get("month", "")):
        return [first]
    # The months' links; the current one is followed by aria-current, not by ">".
    nav = re.search(r'<nav aria-label="Months".*?</nav>', first.content.decode(), re.S)
    others = re.findall(r'href="(\?[^"]*)">', nav.group(0)) if nav else []
    return [first, *(client.get("/schedule/" + html.unescape(url)) for url in others)]


ALL = {"py-jan-weekday", "py-jan-weekend", "k8s-feb-weekday", "k8s-feb-weekend", "py-feb-weekday"}


@pytest.mark.django_db
def test_schedule_lists_batches_of_all_courses_a_month_at_a_time(client, schedule):
    response = client.get("/schedule/")

    january = parse(response).months
    assert [month.heading for month in january] == ["January 2027"]
    assert [(row.cells[0], row.cells[1]) for row in january[0].rows] == [
        ("Python Basics", "Weekdays (Mon–Fri)"),
        ("Python Basics", "Weekend (Sat–Sun)"),
    ]
    page = text(response)
    assert '<a class="nav-link py-1 px-2 active" href="?month=2027-01" aria-current="page">' in page
    assert 'href="?month=2027-02" rel="next">February 2027 (3 batches) →</a>' in page
    assert "5 batches, over 2 months." in page
    assert "match your filters" not in page

    february = parse(client.get("/schedule/", {"month": "2027-02"})).months
    assert [month.heading for month in february] == ["February 2027"]
    months = [*january, *february]
    assert listed_names(every_month(client), schedule) == ALL
    assert [(row.cells[0], row.track) for row in months[1].rows] == [
        ("Kubernetes", "weekday"),
        ("Kubernetes", "weekend"),
        ("Python Basics", "weekday"),
    ]
    assert "Mon–Fri, 19:00–21:00 GMT Europe/London" in months[1].rows[2].cells


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"course": "python"}, {"py-jan-weekday", "py-jan-weekend", "py-feb-weekday"}),
        ({"category": "cloud"}, {"k8s-feb-weekday", "k8s-feb-weekend"}),
        ({"month": "2027-01"}, {"py-jan-weekday", "py-jan-weekend"}),
        ({"track": "weekend"}, {"py-jan-weekend", "k8s-feb-weekend"}),
        ({"track": "weekday"}, {"py-jan-weekday", "k8s-feb-weekday", "py-feb-weekday"}),
        ({"mode": "classroom"}, {"py-jan-weekend", "py-feb-weekday"}),
        ({"mode": "online"}, {"py-jan-weekday", "k8s-feb-weekday", "k8s-feb-weekend"}),
        ({"course": "python", "month": "2027-02"}, {"py-feb-weekday"}),
        ({"category": "programming", "track": "weekend"}, {"py-jan-weekend"}),
        ({"month": "2027-02", "track": "weekday", "mode": "online"}, {"k8s-feb-weekday"}),
        ({"course": "", "category": "", "month": "", "track": "", "mode": ""}, ALL),
    ],
)
def test_schedule_filters_narrow_the_batches(client, schedule, query, expected):
    pages = every_month(client, query)
    response = pages[0]

    assert listed_names(pages, schedule) == expected
    assert response.context["listing"]["batch_count"] == len(expected)
    assert not response.context["listing"]["form"].errors
    assert "Some filters were not understood" not in text(response)


@pytest.mark.django_db
def test_schedule_filter_reports_how_many_batches_match(client, schedule):
    page = text(client.get("/schedule/", {"course": "python", "month": "2027-02"}))

    assert "1 batch match your filters." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message", "expected"),
    [
        (
            {"track": "xyz", "course": "python"},
            "There is no track “xyz” on the schedule; showing all.",
            {"py-jan-weekday", "py-jan-weekend", "py-feb-weekday"},
        ),
        (
            {"month": "2027-13", "track": "weekend"},
            "“2027-13” is not a month; use the form YYYY-MM, e.g. 2027-01.",
            {"py-jan-weekend", "k8s-feb-weekend"},
        ),
        (
            {"month": "banana", "mode": "classroom"},
            "“banana” is not a month; use the form YYYY-MM, e.g. 2027-01.",
            {"py-jan-weekend", "py-feb-weekday"},
        ),
        (
            {"course": "nope", "month": "2027-01"},
            "There is no course “nope” on the schedule; showing all.",
            {"py-jan-weekday", "py-jan-weekend"},
        ),
        (
            {"mode": "<script>", "category": "cloud"},
            "There is no mode “&lt;script&gt;” on the schedule; showing all.",
            {"k8s-feb-weekday", "k8s-feb-weekend"},
        ),
        (
            {"category": "nowhere"},
            "There is no category “nowhere” on the schedule; showing all.",
            ALL,
        ),
    ],
)
def test_schedule_reports_bad_filter_and_still_applies_the_others(
    client, schedule, query, message, expected
):
    pages = every_month(client, query)
    response = pages[0]

    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "Some filters were not understood and are ignored" in page
    assert listed_names(pages, schedule) == expected


@pytest.mark.django_db
def test_schedule_escapes_markup_in_a_bad_filter_value(client, schedule):
    response = client.get("/schedule/", {"mode": "<script>alert(1)</script>"})

    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


@pytest.mark.django_db
def test_schedule_says_when_no_batch_matches_the_filters(client, schedule):
    response = client.get("/schedule/", {"course": "kubernetes", "mode": "classroom"})

    page = text(response)
    assert "0 batches match your filters." in page
    assert "No upcoming batch matches these filters." in page
    assert listed_batch_ids(response) == set()


@pytest.mark.django_db
def test_schedule_keeps_a_valid_month_without_batches_selected(client, schedule):
    response = client.get("/schedule/", {"month": "2027-06"})

    page = text(response)
    assert "No upcoming batch matches these filters." in page
    assert '<option value="2027-06" selected>June 2027</option>' in page


@pytest.mark.django_db
def test_schedule_says_when_nothing_is_scheduled(client):
    make_course(title="Python Basics")

    response = client.get("/schedule/")

    assert "No batches are scheduled right now." in text(response)
    assert listed_batch_ids(response) == set()


@pytest.mark.django_db
def test_schedule_never_lists_cancelled_unpublished_or_past_batches(client, schedule):
    python = schedule["py-jan-weekday"].course
    hidden_course = make_course(title="Hidden Course", slug="hidden", is_published=False)
    make_batch(course=python, start_date=dt.date(2027, 3, 1), status=Batch.Status.CANCELLED)
    make_batch(course=python, start_date=dt.date(2027, 3, 8), is_published=False)
    make_batch(course=python, start_date=dt.date(2026, 11, 30))
    make_batch(course=hidden_course, start_date=JAN_MON)

    pages = every_month(client)

    assert listed_names(pages, schedule) == ALL
    assert sum(len(listed_batch_ids(response)) for response in pages) == len(ALL)
    assert [month.heading for r in pages for month in parse(r).months] == [
        "January 2027",
        "February 2027",
    ]
    page = " ".join(text(response) for response in pages)
    assert "Hidden Course" not in page
    assert "March 2027" not in page
    assert "November 2026" not in page


@pytest.mark.django_db
def test_schedule_filter_offers_only_courses_months_and_categories_with_open_batches(
    client, schedule
):
    only_cancelled = make_course(title="Cancelled Course", slug="cancelled-course")
    make_batch(course=only_cancelled, start_date=dt.date(2027, 4, 5), status="cancelled")

    form = client.get("/schedule/").context["listing"]["form"]

    assert [value for value, _ in form.fields["course"].choices] == ["", "kubernetes", "python"]
    assert [value for value, _ in form.fields["category"].choices] == ["", "cloud", "programming"]
    assert [value for value, _ in form.fields["month"].widget.choices] == [
        "",
        "2027-01",
        "2027-02",
    ]


# 404


@pytest.mark.django_db
def test_unknown_url_shows_the_custom_not_found_page(client, settings):
    assert settings.DEBUG is False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = text(response)
    assert "We couldn't find that page" in page
    assert 'href="/courses/">Browse all courses</a>' in page
    assert 'href="/schedule/">See the batch schedule</a>' in page


# Batch admin: the start-month filter


@pytest.mark.django_db
def test_batch_admin_month_filter_lists_only_batches_starting_that_month(admin_client, schedule):
    response = admin_client.get("/admin/courses/batch/", {"month": "2027-01"})

    listed = {batch.pk for batch in response.context["cl"].result_list}
    assert listed == {schedule["py-jan-weekday"].pk, schedule["py-jan-weekend"].pk}
    assert '<a href="?month=2027-02">February 2027</a>' in text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["banana", "2027-xx"])
def test_batch_admin_month_filter_with_unparsable_value_does_not_crash(
    admin_client, schedule, month
):
    admin_client.raise_request_exception = False

    response = admin_client.get("/admin/courses/batch/", {"month": month})

    assert response.status_code == 302
    assert response["Location"] == "/admin/courses/batch/?e=1"
