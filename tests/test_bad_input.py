"""Input that once gave a 500: each is answered with a page, a redirect or a 404."""

import pytest
from django.urls import reverse

from tests.factories import make_course


@pytest.mark.django_db
@pytest.mark.parametrize("referer", ["http://[::1", "http://[not an address]/", "::::"])
def test_a_malformed_referer_is_ignored(client, referer):
    response = client.get("/?utm_source=newsletter", headers={"referer": referer})

    assert response.status_code == 200
    assert client.session["attribution"]["utm_source"] == "newsletter"
    assert client.session["attribution"]["referrer"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["UTC", "courses:home", "https://evil.example/", "//evil.example/"]
)
def test_the_zone_picker_sends_anything_but_a_local_path_home(client, next_url):
    response = client.post(
        reverse("courses:viewer_zone"), {"zone": "Asia/Kolkata", "next": next_url}
    )

    assert response.status_code == 302
    assert response.url == reverse("courses:home")
    assert response.cookies["viewer_tz"].value == "Asia/Kolkata"


@pytest.mark.django_db
def test_the_zone_picker_goes_back_to_the_page_it_was_on(client):
    course = make_course()

    response = client.post(
        reverse("courses:viewer_zone"), {"zone": "UTC", "next": course.get_absolute_url()}
    )

    assert response.url == course.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/waiting-list/abc%00def/",
        "/waiting-list/abc%00def/leave/",
        "/waiting-list/abc%00def/accept/",
        "/training-plan/abc%00def/",
        "/training-plan/abc%00def/calendar.ics",
        "/waiting-list/%E2%98%83/",
    ],
)
def test_a_private_link_with_characters_no_token_has_is_not_found(client, path):
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


@pytest.mark.django_db
def test_a_batch_id_longer_than_any_id_is_no_batch(client):
    course = make_course()
    # More digits than Python converts to an int by default (4,300).
    too_long = "9" * 5000

    enquire = client.get(f"/courses/{course.slug}/enquire/", {"batch": too_long})
    waiting_list = client.get(f"/courses/{course.slug}/waiting-list/", {"batch": too_long})

    assert enquire.status_code == 200
    assert "We couldn&#x27;t find that batch." in enquire.text
    assert waiting_list.status_code == 404
