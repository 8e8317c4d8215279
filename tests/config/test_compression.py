"""Pages and static files are served compressed to a client that accepts gzip."""

import gzip

import pytest
from django.templatetags.static import static

from tests.factories import make_course


@pytest.mark.django_db
def test_a_public_page_is_gzip_encoded_for_a_client_that_accepts_it(client):
    response = client.get("/schedule/", headers={"accept-encoding": "gzip, deflate, br"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "<h1" in gzip.decompress(response.content).decode()


@pytest.mark.django_db
def test_gzip_responses_are_padded_so_their_length_varies_against_breach(client):
    # A page with a secret in it: the enquiry form's CSRF token. (The public pages hold none,
    # and one stored gzip copy of each is served again, courses/page_cache.py.)
    make_course(slug="python")
    lengths = {
        len(client.get("/courses/python/enquire/", headers={"accept-encoding": "gzip"}).content)
        for _ in range(8)
    }

    assert len(lengths) > 1


@pytest.mark.django_db
def test_a_page_is_not_encoded_for_a_client_that_does_not_accept_gzip(client):
    response = client.get("/schedule/")

    assert not response.has_header("Content-Encoding")
    assert b"<h1" in response.content


def test_the_stylesheet_is_served_gzipped_and_cached_for_a_year(client):
    response = client.get(static("batchwise/dist/site.css"), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert b".btn-primary" in gzip.decompress(b"".join(response.streaming_content))
