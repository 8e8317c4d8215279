"""The waiting-list pages through the test client: seats on the schedule, joining the list,
the learner's private place page, accepting an offer and leaving the list."""

import datetime as dt
import re
import uuid
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Batch, Course
from courses.schedule import COURSE_PAGE_BATCHES, SCHEDULE_BATCHES_PER_PAGE
from enquiries import services
from enquiries.models import Enquiry, Enrollment, OutgoingEmail, WaitlistEntry
from enquiries.services import seats
from tests.factories import make_batch, make_course, make_enquiry, next_weekday, shown_form_stamp
from tests.test_query_counts import COURSE_DETAIL_QUERIES, SCHEDULE_QUERIES  # the pins

NOW = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)  # a Monday
TODAY = NOW.date()
DEADLINE = NOW + dt.timedelta(hours=48)

VALID = {
    "name": "Ben Rao",
    "email": "ben@example.com",
    "phone": "+44 20 7946 0958",
    "consent": "on",
}
EMAILED_URL = "/waiting-list/emailed/"


def posted(**fields) -> dict:
    """What the join form sends: VALID with the fresh submission token and the stamp of a
    form shown a minute ago, as each page carries."""
    return VALID | {"submission_token": str(uuid.uuid4()), "shown_at": shown_form_stamp()} | fields


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def course(db) -> Course:
    return make_course(title="Python Basics", slug="python")


def enroll(batch: Batch, name: str) -> Enrollment | WaitlistEntry:
    return seats.enroll(
        batch=batch, learner=seats.Learner(name=name.title(), email=f"{name}@example.com")
    )


def full_batch(course: Course, *waiting: str, **fields) -> Batch:
    """A batch with one seat, taken, and `waiting` on its waiting list in that order."""
    batch = make_batch(course=course, capacity=1, **fields)
    enroll(batch, "seated")
    for name in waiting:
        enroll(batch, name)
    return batch


def offer_to(course: Course, name: str) -> WaitlistEntry:
    """`name` waits for a full batch, then is offered the seat its learner gave up."""
    batch = make_batch(course=course, capacity=1)
    seat = enroll(batch, "seated")
    enroll(batch, name)
    seats.cancel_enrollment(enrollment=seat, by=None)
    entry = WaitlistEntry.objects.get(batch=batch, email=f"{name}@example.com")
    assert entry.status == WaitlistEntry.Status.OFFERED
    return entry


def join_url(batch: Batch) -> str:
    return f"/courses/{batch.course.slug}/waiting-list/?batch={batch.pk}"


def place_url(entry: WaitlistEntry) -> str:
    return f"/waiting-list/{entry.token}/"


EMAILED_LINK = re.compile(r"https?://[^/\s]+(/waiting-list/[\w-]+/)\s")


def emailed_link(address: str) -> str:
    """The private link in the latest waiting-list email to `address` (its path)."""
    email = OutgoingEmail.objects.filter(kind="waitlist", to=address).order_by("-pk").first()
    assert email is not None, f"no waiting-list email to {address}"
    return EMAILED_LINK.search(email.body_text).group(1)


def text(response) -> str:
    """The page's markup with runs of whitespace collapsed, for phrase searches."""
    return " ".join(response.content.decode().split())


ROW = re.compile(r"<tr data-track=.*?</tr>", re.S)


def row_of(response, batch: Batch) -> str:
    """The schedule row (markup, whitespace collapsed) whose links name this batch."""
    rows = [row for row in ROW.findall(text(response)) if f'?batch={batch.pk}"' in row]
    assert len(rows) == 1, f"batch {batch.pk} in {len(rows)} rows"
    return rows[0]


class _Labels(HTMLParser):
    """Each form label's text, by the id of its field."""

    def __init__(self):
        super().__init__()
        self.labels: dict[str, str] = {}
        self._for: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "label":
            self._for = dict(attrs).get("for", "")
            self.labels[self._for] = ""

    def handle_data(self, data):
        if self._for is not None:
            self.labels[self._for] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._for = None


def labels(response) -> dict[str, str]:
    parser = _Labels()
    parser.feed(response.content.decode())
    return {field: " ".join(label.split()).rstrip("*") for field, label in parser.labels.items()}


# Seats on the schedule and the course page


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/schedule/", "/courses/python/"])
def test_a_full_batch_offers_the_waiting_list_instead_of_an_enquiry(client, course, url):
    full = full_batch(course)
    # The next day: the same month, so the same page of the schedule.
    open_batch = make_batch(
        course=course, capacity=10, start_date=full.start_date + dt.timedelta(days=1)
    )
    enroll(open_batch, "asha")
    enroll(open_batch, "ben")

    response = client.get(url)

    full_row = row_of(response, full)
    assert '<span class="badge badge-full">Full</span>' in full_row
    assert f'href="{join_url(full)}">Full — join the waiting list<' in full_row
    assert "Enquire Now" not in full_row and "/enquire/" not in full_row
    open_row = row_of(response, open_batch)
    assert "8 seats left" in open_row
    assert f'href="/courses/python/enquire/?batch={open_batch.pk}">Enquire Now<' in open_row
    assert "Full" not in open_row and "waiting-list" not in open_row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capacity", "confirmed", "shown"),
    [(10, 2, "8 seats left"), (3, 1, "2 seats left"), (3, 2, "1 seat left"), (None, 5, "Open")],
)
def test_the_schedule_says_how_many_seats_are_left(client, course, capacity, confirmed, shown):
    batch = make_batch(course=course, capacity=capacity)
    for n in range(confirmed):
        enroll(batch, f"learner{n}")

    row = row_of(client.get("/schedule/"), batch)

    assert re.search(rf">\s*{shown}\s*<", row)
    assert ">Enquire Now<" in row


@pytest.mark.django_db
def test_a_seat_held_by_an_offer_shows_the_batch_as_full(client, course):
    entry = offer_to(course, "ben")

    row = row_of(client.get("/schedule/"), entry.batch)

    assert ">Full<" in row
    assert "Full — join the waiting list" in row


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/schedule/", "/courses/python/"])
def test_a_batch_that_reached_its_minimum_is_guaranteed_to_run(client, course, url):
    reached = make_batch(course=course, capacity=10, min_participants=2)
    short = make_batch(
        course=course,
        capacity=10,
        min_participants=2,
        start_date=reached.start_date + dt.timedelta(days=1),  # the same month's page
    )
    for name in ("asha", "ben"):
        enroll(reached, name)
    enroll(short, "cara")

    response = client.get(url)

    assert "Guaranteed to run" in row_of(response, reached)
    assert "Guaranteed to run" not in row_of(response, short)


# Joining the waiting list


@pytest.mark.django_db
def test_waiting_list_page_shows_the_form_with_a_label_for_every_field(client, course):
    batch = full_batch(course, "asha")

    response = client.get(join_url(batch))

    assert response.status_code == 200
    expected = {
        "id_name": "Full name",
        "id_email": "Email address",
        "id_phone": "Phone number",
        "id_consent": "I agree to be contacted by email or phone about a seat in this batch.",
    }
    found = labels(response)
    assert {field: found.get(field) for field in expected} == expected
    page = text(response)
    assert "<h1>Join the waiting list</h1>" in page
    assert f'action="{join_url(batch)}"' in page.replace("&amp;", "&")
    assert "<dt>Waiting</dt><dd>1 person</dd>" in page


def cancelled_batch(course: Course) -> Batch:
    batch = full_batch(course, "ben")
    services.cancel_batch(batch=batch, by=None)
    return batch


@pytest.mark.django_db
@pytest.mark.parametrize(
    "batch_param",
    [
        lambda course: "",
        lambda course: "abc",
        lambda course: "１",  # a full-width digit: not ASCII
        lambda course: "987654",
        lambda course: make_batch().pk,
        lambda course: cancelled_batch(course).pk,
        lambda course: full_batch(course, is_published=False).pk,
        lambda course: full_batch(course, start_date=dt.date(2027, 1, 4)).pk,
    ],
    ids=[
        "missing",
        "not-a-number",
        "non-ascii-digit",
        "unknown",
        "other-course",
        "cancelled",
        "unpublished",
        "started",
    ],
)
def test_waiting_list_page_is_not_found_for_a_batch_it_cannot_take(client, course, batch_param):
    url = f"/courses/python/waiting-list/?batch={batch_param(course)}"
    enquiries_before = Enquiry.objects.count()

    assert client.get(url).status_code == 404
    assert client.post(url, posted(email="newcomer@example.com")).status_code == 404
    assert not WaitlistEntry.objects.filter(email="newcomer@example.com").exists()
    assert Enquiry.objects.count() == enquiries_before


@pytest.mark.django_db
def test_waiting_list_page_is_not_found_for_an_unpublished_course(client):
    batch = full_batch(make_course(slug="draft", is_published=False))

    assert client.get(join_url(batch)).status_code == 404


@pytest.mark.django_db
def test_joining_emails_each_learner_the_link_that_confirms_their_place_in_line(client, course):
    batch = full_batch(course)

    first = client.post(join_url(batch), posted())
    second = client.post(join_url(batch), posted(name="Cara Iyer", email="cara@example.com"))

    assert (first.status_code, first["Location"]) == (302, EMAILED_URL)
    assert (second.status_code, second["Location"]) == (302, EMAILED_URL)
    ben = WaitlistEntry.objects.get(email="ben@example.com")
    cara = WaitlistEntry.objects.get(email="cara@example.com")
    assert (ben.batch, ben.name, ben.phone, ben.consent_at, ben.status) == (
        batch,
        "Ben Rao",
        "+442079460958",
        NOW,
        "unconfirmed",
    )
    assert emailed_link("ben@example.com") == place_url(ben)
    assert emailed_link("cara@example.com") == place_url(cara)
    # Opening the emailed link confirms the place and shows it in line.
    ben_page = text(client.get(emailed_link("ben@example.com")))
    cara_page = text(client.get(emailed_link("cara@example.com")))
    assert '<strong id="waitlist-position">number 1</strong>' in ben_page
    assert '<strong id="waitlist-position">number 2</strong>' in cara_page
    ben.refresh_from_db()
    assert (ben.status, ben.email_confirmed_at) == ("waiting", NOW)


@pytest.mark.django_db
def test_the_emailed_page_names_only_the_address_the_link_went_to(client, course):
    batch = full_batch(course)

    page = text(client.post(join_url(batch), posted(), follow=True))

    assert "<h1>Check your email</h1>" in page
    assert (
        "We have emailed your place and a private link to <strong>ben@example.com</strong>." in page
    )
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.django_db
def test_joining_twice_with_the_same_email_keeps_the_same_place(client, course):
    batch = full_batch(course, "asha")

    first = client.post(join_url(batch), posted())
    again = client.post(join_url(batch), posted(email="BEN@example.com"))

    assert again["Location"] == first["Location"] == EMAILED_URL
    assert WaitlistEntry.objects.filter(batch=batch).count() == 2
    [ben] = WaitlistEntry.objects.filter(batch=batch, email__iexact="ben@example.com")
    links = [
        EMAILED_LINK.search(email.body_text).group(1)
        for email in OutgoingEmail.objects.filter(kind="waitlist", to__iexact="ben@example.com")
    ]
    assert links == [place_url(ben), place_url(ben)]
    assert "number 2" in text(client.get(links[0]))


@pytest.mark.django_db
def test_invalid_fields_are_explained_and_what_was_typed_is_kept(client, course):
    batch = full_batch(course)

    response = client.post(join_url(batch), posted(name="", email="not-an-email", phone="12345"))

    assert response.status_code == 200
    page = text(response)
    assert "Please correct the fields marked below" in page
    assert "Please tell us your name." in page
    assert "Enter an email address like name@example.com." in page
    assert "Enter your phone number with its country code, starting with +" in page
    assert 'value="not-an-email"' in page
    assert 'value="12345"' in page
    assert re.search(r'<input[^>]*name="consent"[^>]*checked', page)
    assert not WaitlistEntry.objects.filter(batch=batch).exists()
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_joining_without_consent_is_refused_with_a_reason(client, course):
    batch = full_batch(course)
    without_consent = {key: value for key, value in posted().items() if key != "consent"}

    response = client.post(join_url(batch), without_consent)

    assert response.status_code == 200
    page = text(response)
    assert "Please tick this box so we can offer you a seat." in page
    assert 'value="Ben Rao"' in page
    assert not WaitlistEntry.objects.filter(batch=batch).exists()
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_a_learner_who_already_has_a_seat_is_told_so_by_email_only(client, course):
    batch = full_batch(course)

    response = client.post(join_url(batch), posted(email="seated@example.com"))

    assert (response.status_code, response["Location"]) == (302, EMAILED_URL)
    page = text(client.get(EMAILED_URL))
    assert "a private link to <strong>seated@example.com</strong>." in page
    assert "already" not in page.lower()
    assert not WaitlistEntry.objects.filter(batch=batch).exists()
    [reminder] = OutgoingEmail.objects.filter(kind="waitlist")
    assert reminder.to == "seated@example.com"
    assert reminder.subject.startswith("You already have a seat in Python Basics")


# Only a full batch takes a waiting list


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [2, None], ids=["a-free-seat", "unlimited"])
def test_waiting_list_of_a_batch_with_a_free_seat_redirects_to_enquire_now_and_records_nothing(
    client, course, capacity
):
    batch = make_batch(course=course, capacity=capacity)
    enroll(batch, "asha")
    enquire_now = f"/courses/python/enquire/?batch={batch.pk}"
    emails_before = OutgoingEmail.objects.count()

    shown = client.get(join_url(batch))
    sent = client.post(join_url(batch), posted())

    assert (shown.status_code, shown["Location"]) == (302, enquire_now)
    assert (sent.status_code, sent["Location"]) == (302, enquire_now)
    assert client.get(enquire_now).context["batch"] == batch  # Enquire Now takes the batch
    ben = seats.Learner(name="Ben Rao", email="ben@example.com", phone="+442079460958")
    with pytest.raises(seats.BatchHasFreeSeats):
        seats.join_waitlist(batch=batch, learner=ben, consented=True)
    with pytest.raises(seats.BatchHasFreeSeats):
        services.join_waiting_list(
            course=course,
            batch=batch,
            name=ben.name,
            email=ben.email,
            phone=ben.phone,
            consented=True,
            submission_token=uuid.uuid4(),
        )
    assert not Enquiry.objects.exists()
    assert not WaitlistEntry.objects.exists()
    assert OutgoingEmail.objects.count() == emails_before


# Joining records a lead


@pytest.fixture
def sales(django_user_model):
    """Active members of Sales, who share new enquiries in turn."""
    group, _ = Group.objects.get_or_create(name=services.SALES_GROUP)

    def member(username: str):
        user = django_user_model.objects.create_user(
            username, email=f"{username}@example.com", is_staff=True
        )
        user.groups.add(group)
        return user

    return member


@pytest.mark.django_db
def test_joining_records_a_waiting_list_enquiry_for_the_batch_owned_in_turn_like_enquire_now(
    client, course, sales
):
    anil, bela = sales("anil"), sales("bela")
    batch = full_batch(course)
    open_batch = make_batch(
        course=course, capacity=5, start_date=batch.start_date + dt.timedelta(weeks=1)
    )

    client.post(join_url(batch), posted(email="ben@example.com", phone="+442079460958"))
    client.post(
        f"/courses/python/enquire/?batch={open_batch.pk}",
        posted(email="cara@example.com", phone="+442079460959", message="", batch=open_batch.pk),
    )
    client.post(join_url(batch), posted(email="dev@example.com", phone="+442079460960"))

    ben, cara, dev = Enquiry.objects.order_by("created_at", "pk")
    assert [(e.email, e.kind, e.batch, e.owner) for e in (ben, cara, dev)] == [
        ("ben@example.com", Enquiry.Kind.WAITING_LIST, batch, anil),
        ("cara@example.com", Enquiry.Kind.BATCH, open_batch, bela),
        ("dev@example.com", Enquiry.Kind.WAITING_LIST, batch, anil),
    ]
    assert (ben.status, ben.consent_at, ben.duplicate_of) == (Enquiry.Status.NEW, NOW, None)
    assert WaitlistEntry.objects.get(email="ben@example.com").enquiry == ben
    notified = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.NOTIFICATION, enquiry=ben)
    assert list(notified.values_list("to", flat=True)) == ["anil@example.com"]
    # The waiting-list email is the learner's acknowledgement: no generic one.
    assert not OutgoingEmail.objects.filter(
        kind=OutgoingEmail.Kind.ACKNOWLEDGEMENT, enquiry=ben
    ).exists()


@pytest.mark.django_db
def test_joining_is_linked_as_a_repeat_of_the_person_s_open_enquiry_and_goes_to_its_owner(
    client, course, sales
):
    sales("anil")
    bela = sales("bela")
    sales_first = make_enquiry(course=course, email="asha@example.com", phone="+919812345601")
    earlier = make_enquiry(course=course, email="ben@example.com", phone="+919812345602")
    assert (sales_first.owner.username, earlier.owner) == ("anil", bela)
    batch = full_batch(course)

    client.post(join_url(batch), posted(email="BEN@example.com"))

    joined = Enquiry.objects.get(kind=Enquiry.Kind.WAITING_LIST)
    assert (joined.duplicate_of, joined.owner, joined.batch) == (earlier, bela, batch)


@pytest.mark.django_db
def test_a_waiting_list_enquiry_shows_on_the_enquiry_admin_list(client, admin_client, course):
    batch = full_batch(course)
    client.post(join_url(batch), posted(name="Ben Rao"))
    joined = Enquiry.objects.get(kind=Enquiry.Kind.WAITING_LIST)

    everything = admin_client.get("/admin/enquiries/enquiry/")
    waiting_lists = admin_client.get("/admin/enquiries/enquiry/", {"kind__exact": "waitlist"})

    assert list(everything.context["cl"].result_list) == [joined]
    assert list(waiting_lists.context["cl"].result_list) == [joined]
    page = text(everything)
    assert joined.reference in page and "Ben Rao" in page


# Made-up addresses cannot hold seats


@pytest.mark.django_db
def test_places_joined_with_made_up_emails_are_never_offered_until_their_link_is_opened(
    client, course
):
    batch = full_batch(course)
    made_up = [f"nobody{n}@invalid.example" for n in range(10)]
    for n, address in enumerate(made_up):
        client.post(join_url(batch), posted(name=f"Made Up {n}", email=address))

    assert set(WaitlistEntry.objects.filter(batch=batch).values_list("status", flat=True)) == {
        WaitlistEntry.Status.UNCONFIRMED
    }
    assert WaitlistEntry.objects.filter(batch=batch).count() == 10
    full = Batch.objects.get(pk=batch.pk)
    assert (full.seats_taken, full.seats_held, full.waiting_count) == (1, 0, 0)

    seats.cancel_enrollment(enrollment=Enrollment.objects.get(batch=batch), by=None)

    freed = Batch.objects.get(pk=batch.pk)
    assert (freed.seats_taken, freed.seats_held, freed.seats_left) == (0, 0, 1)
    assert not WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED).exists()
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SEAT_OFFER).exists()
    assert "1 seat left" in row_of(client.get("/schedule/"), batch)

    page = text(client.get(emailed_link(made_up[6])))  # one of them opens the emailed link

    assert "A seat is waiting for you" in page
    offered = WaitlistEntry.objects.get(status=WaitlistEntry.Status.OFFERED)
    assert (offered.email, offered.offer_expires_at) == (made_up[6], DEADLINE)
    assert WaitlistEntry.objects.filter(status=WaitlistEntry.Status.UNCONFIRMED).count() == 9
    assert list(
        OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.SEAT_OFFER).values_list(
            "to", flat=True
        )
    ) == [made_up[6]]
    held = Batch.objects.get(pk=batch.pk)
    assert (held.seats_taken, held.seats_held, held.seats_left) == (0, 1, 0)


# A join reveals nothing about an address


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def joining_as(client, batch: Batch, address: str) -> tuple:
    """Join `batch`'s list as `address`: the response to the POST and the page it leads to."""
    sent = client.post(join_url(batch), posted(email=address))
    return sent, client.get(sent["Location"])


@pytest.mark.django_db
def test_a_join_shows_the_same_page_whatever_the_address_already_had(client, course, sales, clock):
    sales("anil")  # so the owner's notification is among the emails checked
    week = dt.timedelta(weeks=1)
    start = next_weekday(TODAY + dt.timedelta(days=14), 0)
    new = full_batch(course, start_date=start)
    unconfirmed = full_batch(course, start_date=start + week)
    seats.join_waitlist(
        batch=unconfirmed,
        learner=seats.Learner(name="Ben Rao", email="ben@example.com"),
        consented=True,
    )
    waiting = full_batch(course, "ben", start_date=start + 2 * week)
    offered = make_batch(course=course, capacity=1, start_date=start + 3 * week)
    seat = enroll(offered, "seated")
    enroll(offered, "ben")
    seats.cancel_enrollment(enrollment=seat, by=None)
    seated = make_batch(course=course, capacity=1, start_date=start + 4 * week)
    enroll(seated, "ben")
    cases = {
        "new": new,
        "unconfirmed": unconfirmed,
        "waiting": waiting,
        "offered": offered,
        "seated": seated,
    }
    assert all(Batch.objects.get(pk=batch.pk).is_full for batch in cases.values())

    responses = {}
    for name, batch in cases.items():
        responses[name] = joining_as(client, batch, "ben@example.com")
        clock.shift(dt.timedelta(hours=1))  # one join an hour: within the address's limit

    answers = {
        name: (sent.status_code, sent["Location"], sent.content)
        for name, (sent, _) in responses.items()
    }
    assert set(answers.values()) == {(302, EMAILED_URL, b"")}
    pages = {
        name: CSRF_TOKEN.sub("", page.content.decode()) for name, (_, page) in responses.items()
    }
    assert len(set(pages.values())) == 1, "the page differs with what the address had"
    assert "a private link to <strong>ben@example.com</strong>." in text(responses["new"][1])
    # The private links: in no response, and only in email to the address they belong to.
    tokens = {entry.token: entry.email for entry in WaitlistEntry.objects.all()}
    assert len(tokens) == 4  # Ben has a place on each list but the one he has a seat in
    for sent, page in responses.values():
        seen = sent.serialize().decode() + page.serialize().decode()
        assert not [token for token in tokens if token in seen]
    for token, address in tokens.items():
        carrying = [
            email.to
            for email in OutgoingEmail.objects.all()
            if token in email.subject + email.body_text + email.body_html
        ]
        assert carrying and {to.lower() for to in carrying} == {address.lower()}, address
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.NOTIFICATION).count() == 5


# The place page and accepting an offer


@pytest.mark.django_db
def test_place_page_of_an_offer_shows_the_deadline_and_an_accept_button(client, course):
    entry = offer_to(course, "ben")

    page = text(client.get(place_url(entry)))

    assert "A seat is waiting for you" in page
    assert "Wednesday 13 January 2027, 09:00 UTC" in page
    assert re.search(
        rf'<form method="post" action="/waiting-list/{entry.token}/accept/"[^>]*>.*?'
        r"Accept my seat</button>",
        page,
    )
    assert f'href="/waiting-list/{entry.token}/leave/"' in page


@pytest.mark.django_db
def test_accepting_an_offer_confirms_the_seat(client, course):
    entry = offer_to(course, "ben")

    response = client.post(f"/waiting-list/{entry.token}/accept/")

    assert (response.status_code, response["Location"]) == (302, place_url(entry))
    page = text(client.get(response["Location"]))
    assert "Your seat is confirmed. We look forward to seeing you." in page  # the message
    assert "<h1>Your seat is confirmed</h1>" in page
    assert "Accept my seat" not in page
    enrollment = Enrollment.objects.get(batch=entry.batch, email="ben@example.com")
    assert enrollment.status == "confirmed"
    entry.refresh_from_db()
    assert (entry.status, entry.enrollment) == ("accepted", enrollment)


@pytest.mark.django_db
def test_following_the_accept_link_does_not_accept_the_offer(client, course):
    """Mail scanners fetch every link in an email: a GET must leave the offer open."""
    entry = offer_to(course, "ben")

    response = client.get(f"/waiting-list/{entry.token}/accept/")

    assert (response.status_code, response["Location"]) == (302, place_url(entry))
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.OFFERED
    assert not Enrollment.objects.filter(email="ben@example.com").exists()
    assert "Accept my seat" in text(client.get(response["Location"]))


@pytest.mark.django_db
def test_accepting_after_the_deadline_says_the_offer_expired(client, course, clock):
    entry = offer_to(course, "ben")
    clock.move_to(DEADLINE + dt.timedelta(minutes=1))

    response = client.post(f"/waiting-list/{entry.token}/accept/", follow=True)

    assert response.redirect_chain == [(place_url(entry), 302)]
    assert "This offer is no longer valid: it has expired" in text(response)
    assert not Enrollment.objects.filter(email="ben@example.com").exists()


@pytest.mark.django_db
def test_place_page_of_a_lapsed_offer_shows_it_expired(client, course, clock):
    entry = offer_to(course, "ben")
    clock.move_to(DEADLINE + dt.timedelta(minutes=1))

    page = text(client.get(place_url(entry)))

    assert "This offer has expired" in page
    assert "Accept my seat" not in page


@pytest.mark.django_db
def test_place_page_after_the_batch_was_cancelled_links_to_other_dates(client, course):
    batch = full_batch(course, "ben")
    services.cancel_batch(batch=batch, by=None)
    entry = WaitlistEntry.objects.get(email="ben@example.com")

    page = text(client.get(place_url(entry)))

    assert "This batch was cancelled" in page
    assert 'href="/courses/python/#schedule"' in page
    assert "Leave the waiting list" not in page


# Leaving the waiting list


@pytest.mark.django_db
def test_leave_link_asks_for_confirmation_before_leaving(client, course):
    batch = full_batch(course, "ben")
    entry = WaitlistEntry.objects.get(batch=batch)

    page = text(client.get(f"/waiting-list/{entry.token}/leave/"))

    assert "Leave the waiting list?" in page
    assert f'<form method="post" action="/waiting-list/{entry.token}/leave/">' in page
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.WAITING


@pytest.mark.django_db
def test_confirming_leaves_the_waiting_list(client, course):
    batch = full_batch(course, "ben", "cara")
    ben, cara = WaitlistEntry.objects.filter(batch=batch).order_by("position")

    response = client.post(f"/waiting-list/{ben.token}/leave/")

    assert (response.status_code, response["Location"]) == (302, place_url(ben))
    page = text(client.get(response["Location"]))
    assert "You have left the waiting list. We won&#x27;t offer you a seat." in page
    assert "<h1>You have left the waiting list</h1>" in page
    ben.refresh_from_db()
    assert ben.status == WaitlistEntry.Status.LEFT
    assert "number 1" in text(client.get(place_url(cara)))
    assert "You are no longer on this waiting list" in text(
        client.get(f"/waiting-list/{ben.token}/leave/")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/waiting-list/no-such-token/"),
        ("get", "/waiting-list/no-such-token/leave/"),
        ("post", "/waiting-list/no-such-token/leave/"),
        ("get", "/waiting-list/no-such-token/accept/"),
        ("post", "/waiting-list/no-such-token/accept/"),
    ],
)
def test_an_unknown_token_is_not_found(client, method, path):
    assert getattr(client, method)(path).status_code == 404


# Query counts


class SeatedBatches:
    """Adds batches in one month (so one page of the schedule holds as many as it shows),
    each with seats taken and most with a waiting list: full with an open offer and someone
    waiting; guaranteed with seats left; unlimited."""

    def __init__(self, courses: list[Course]):
        self.courses = courses
        month = (TODAY.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
        self.first_monday = next_weekday(month, 0)
        self.kinds: dict[int, str] = {}
        self.made = 0

    def grow_to(self, size: int) -> None:
        for i in range(self.made, size):
            # Mondays to Fridays of the month's first three weeks, then later in the day.
            start = self.first_monday + dt.timedelta(weeks=i % 3, days=i // 3 % 5)
            times = {"session_start": dt.time(6 + i // 15), "session_end": dt.time(23)}
            course = self.courses[i % len(self.courses)]
            if i % 3 == 0:
                batch = make_batch(course=course, start_date=start, capacity=2, **times)
                leaving = enroll(batch, "asha")
                for name in ("ben", "cara", "dev"):
                    enroll(batch, name)
                seats.cancel_enrollment(enrollment=leaving, by=None)  # Cara holds an offer
                self.kinds[batch.pk] = "full"
            elif i % 3 == 1:
                batch = make_batch(course=course, start_date=start, min_participants=2, **times)
                enroll(batch, "asha")
                enroll(batch, "ben")
                self.kinds[batch.pk] = "guaranteed"
            else:
                batch = make_batch(course=course, start_date=start, capacity=None, **times)
                enroll(batch, "asha")
                self.kinds[batch.pk] = "unlimited"
        self.made = size

    def expected(self, html: str) -> dict[str, int]:
        """What the batches the page lists should show (a page lists its first ones)."""
        kinds = [self.kinds[int(pk)] for pk in set(re.findall(r"\?batch=(\d+)\"", html))]
        return {
            "full": kinds.count("full"),
            "guaranteed": kinds.count("guaranteed"),
            "enquire": len(kinds) - kinds.count("full"),
        }


def shown(html: str) -> dict[str, int]:
    return {
        "full": html.count(">Full — join the waiting list<"),
        "guaranteed": html.count(">Guaranteed to run<"),
        "enquire": len(re.findall(r'\?batch=\d+">Enquire Now<', html)),  # not the course's own
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "course_count", "pinned", "listed"),
    [
        ("/schedule/", 3, SCHEDULE_QUERIES, SCHEDULE_BATCHES_PER_PAGE),
        ("/courses/python/", 1, COURSE_DETAIL_QUERIES, COURSE_PAGE_BATCHES),
    ],
)
def test_seat_counts_cost_no_query_per_batch(client, course, url, course_count, pinned, listed):
    courses = [course, *(make_course() for _ in range(course_count - 1))]
    maker = SeatedBatches(courses)
    counts = {}
    for size in (5, 100):
        maker.grow_to(size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert sum(shown(html)[kind] for kind in ("full", "enquire")) == min(size, listed)
        assert shown(html) == maker.expected(html), f"{url}, {size} batches"
        counts[size] = len(queries)

    assert WaitlistEntry.objects.filter(status="offered").count() == 34
    assert counts == {5: pinned, 100: pinned}


@pytest.mark.django_db
def test_private_pages_ask_search_engines_not_to_index_them(client):
    batch = make_batch(capacity=1)
    seats.enroll(batch=batch, learner=seats.Learner(name="A", email="a@example.com"))
    entry = seats.join_waitlist(
        batch=batch, learner=seats.Learner(name="B", email="b@example.com"), consented=True
    )

    for url in (
        f"/waiting-list/{entry.token}/",
        f"/waiting-list/{entry.token}/leave/",
        EMAILED_URL,
    ):
        assert '<meta name="robots" content="noindex">' in client.get(url).content.decode()
