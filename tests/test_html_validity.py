"""Every public page is valid HTML, as the Nu Html Checker (vnu-jar from npm) judges it.

All pages are rendered through the test client from the demo data, then checked in one run of
the checker (one Java start-up). Skipped without Java, except in CI, where it fails.
"""

import json
import os
import shutil
import subprocess
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from courses.models import Article, Batch
from enquiries.models import Enrollment, Interest, TrainingPlan, WaitlistEntry
from enquiries.services import reminders, seats
from enquiries.services.interest import months_offered
from enquiries.views.staff import locked_out
from tests.factories import shown_form_stamp

ONE_A_DAY = {"enquiry": {"ip": "1/day", "email": "1/day"}, "time_zone": {"ip": "1/day"}}

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist"


def java_or_skip() -> str:
    java = shutil.which("java")
    if java is None or not (VNU_JAR / "vnu.jar").exists():
        message = "The Nu Html Checker needs Java and node_modules/vnu-jar (npm install)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} CI must check the HTML, not skip it.")
        pytest.skip(message)
    return java


def public_pages(client) -> dict[str, str]:
    """Name → HTML of every kind of public page, including forms showing errors."""
    full = Batch.objects.filter(waitlist__isnull=False).distinct().first()
    open_batch = Batch.objects.open_for_enquiry().exclude(pk=full.pk).first()
    course = open_batch.course
    taught = Batch.objects.open_for_enquiry().filter(trainer__isnull=False).first()
    article = Article.objects.published().first()
    joining = "Zoom: https://zoom.example/j/8812\nPasscode 4242 <ask us>"
    TrainingPlan.objects.update(joining_details=joining)
    Batch.objects.filter(pk=full.pk).update(joining_details=joining)
    pages = {
        "home": "/",
        "catalog": "/courses/",
        "catalog search": "/courses/?q=python",
        "catalog no results": "/courses/?q=zzzz",
        "course": f"/courses/{course.slug}/",
        "course with a full batch": f"/courses/{full.course.slug}/",
        "course with trainers": f"/courses/{taught.course.slug}/",
        "schedule": "/schedule/",
        "schedule with bad filters": "/schedule/?track=xyz&month=2027-13",
        "enquire": f"/courses/{course.slug}/enquire/?batch={open_batch.pk}",
        "enquire refused batch": f"/courses/{course.slug}/enquire/?batch=999999",
        "waiting list form": f"/courses/{full.course.slug}/waiting-list/?batch={full.pk}",
        "article": article.get_absolute_url(),
        "catalog by category": f"/courses/?category={course.category.slug}",
        "one-on-one request": f"/courses/{course.slug}/one-on-one/",
        "interest list form": f"/courses/{course.slug}/interest/",
        "interest list with errors": f"/courses/{course.slug}/interest/",
        "one-on-one with errors": f"/courses/{course.slug}/one-on-one/",
        "training plan": f"/training-plan/{TrainingPlan.objects.first().token}/",
        "privacy notice": "/privacy/",
        "about": "/about/",
        "articles": "/articles/",
        "contact": "/contact/",
        "contact with errors": "/contact/",
        "waiting list with errors": f"/courses/{full.course.slug}/waiting-list/?batch={full.pk}",
        "not found": "/no-such-page/",
    }
    html = {
        name: (client.post if "errors" in name else client.get)(url).content.decode()
        for name, url in pages.items()
    }
    html["enquire with errors"] = client.post(
        f"/courses/{course.slug}/enquire/",
        {"batch": open_batch.pk, "submission_token": uuid.uuid4(), "email": "nope"},
    ).content.decode()
    client.post(
        f"/courses/{course.slug}/enquire/",
        {
            "batch": open_batch.pk,
            "submission_token": uuid.uuid4(),
            "name": "Asha Verma",
            "email": "asha@example.com",
            "phone": "+919812345678",
            "consent": "on",
            "shown_at": shown_form_stamp(),
        },
    )
    html["enquiry received"] = client.get("/enquiries/thanks/").content.decode()
    client.post(
        "/contact/",
        {
            "submission_token": uuid.uuid4(),
            "name": "Asha Verma",
            "email": "asha@example.com",
            "phone": "+919812345678",
            "message": "Do you train teams?",
            "consent": "on",
            "shown_at": shown_form_stamp(),
        },
    )
    html["general enquiry received"] = client.get("/enquiries/thanks/").content.decode()
    client.post(
        f"/courses/{course.slug}/interest/",
        {
            "submission_token": uuid.uuid4(),
            "name": "Asha Verma",
            "email": "asha@example.com",
            "phone": "+919812345678",
            "months": [f"{month:%Y-%m}" for month in months_offered()[1:3]],
            "track": "weekend",
            "mode": "",
            "time_zone": "Asia/Kolkata",
            "consent": "on",
            "shown_at": shown_form_stamp(),
        },
    )
    html["interest received"] = client.get("/enquiries/thanks/").content.decode()
    unsubscribe = f"/interest/{Interest.objects.latest('created_at').token}/unsubscribe/"
    html["interest unsubscribe"] = client.get(unsubscribe).content.decode()
    html["interest unsubscribed"] = client.post(unsubscribe).content.decode()
    place = WaitlistEntry.objects.filter(batch=full).first()
    html["waiting list place"] = client.get(f"/waiting-list/{place.token}/").content.decode()
    html["leave the waiting list"] = client.get(
        f"/waiting-list/{place.token}/leave/"
    ).content.decode()
    accepted = WaitlistEntry.objects.filter(batch=full).exclude(pk=place.pk).first()
    seats.leave_waitlist(token=place.token)  # frees nothing: the batch stays full …
    seated = Enrollment.objects.confirmed().filter(batch=full).first()
    seats.cancel_enrollment(enrollment=seated, by=None)  # … until a seat is cancelled
    offered = WaitlistEntry.objects.filter(batch=full, status="offered").first() or accepted
    seats.accept_offer(token=offered.token)
    html["confirmed seat with joining details"] = client.get(
        f"/waiting-list/{offered.token}/"
    ).content.decode()
    assert 'id="joining-details"' in html["confirmed seat with joining details"]
    assert 'id="joining-details"' in html["training plan"]
    user = User.objects.create_user(username="owner", email="owner@example.com")
    digest_off = f"/emails/follow-up-digest/unsubscribe/{reminders.unsubscribe_token(user)}/"
    html["turn the digest off"] = client.get(digest_off).content.decode()
    html["digest turned off"] = client.post(digest_off).content.decode()
    with override_settings(BATCHWISE_RATE_LIMITS=ONE_A_DAY):
        for _ in range(2):  # the second is over the limit
            over_limit = client.post(
                f"/courses/{course.slug}/enquire/",
                {
                    "submission_token": uuid.uuid4(),
                    "name": "Asha Verma",
                    "email": "asha@example.com",
                    "phone": "+919812345678",
                    "consent": "on",
                    "shown_at": shown_form_stamp(),
                },
            )
            zone_over_limit = client.post(
                "/preferences/time-zone/", {"zone": "Asia/Kolkata", "next": "/schedule/"}
            )
    assert over_limit.status_code == zone_over_limit.status_code == 429
    html["enquire over its rate limit"] = over_limit.content.decode()
    html["time zone over its rate limit"] = zone_over_limit.content.decode()
    html["sign-in paused"] = locked_out(RequestFactory().post("/admin/login/")).content.decode()
    return html


@pytest.mark.django_db
def test_every_public_page_is_valid_html(client, tmp_path):
    java = java_or_skip()
    call_command("load_demo", stdout=StringIO())
    pages = public_pages(client)
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name

    result = subprocess.run(
        [java, "-jar", str(VNU_JAR / "vnu.jar"), "--errors-only", "--format", "json", "--stdout"]
        + [str(tmp_path / f"page-{n}.html") for n in range(len(pages))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{files[Path(m['url']).name]}: line {m.get('lastLine')}: {m['message']}"
        f" — {m.get('extract', '').strip()!r}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
