"""The provider's pages: About, the list of articles, and the links to them on every page."""

import datetime as dt
import re

import pytest

from courses.models import Article
from tests.factories import make_course


def make_article(**overrides) -> Article:
    fields = {
        "title": "An article",
        "slug": f"article-{Article.objects.count() + 1}",
        "summary": "What it says.",
        "body": "The body.",
        "is_published": True,
    } | overrides
    return Article.objects.create(**fields)


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="h4 mb-1" id="article-\d+"><a href="[^"]+">([^<]+)</a>', html)


@pytest.mark.django_db
def test_about_page_names_the_provider_and_shows_its_contact_details(client, settings):
    settings.SITE_NAME = "Acme Training"
    settings.BATCHWISE_CONTACT_EMAIL = "learn@acme.example"

    html = client.get("/about/").content.decode()

    assert "<h1>About Acme Training</h1>" in html
    assert '<a href="mailto:learn@acme.example">' in html
    assert 'href="/contact/"' in html


@pytest.mark.django_db
def test_articles_lists_published_articles_newest_first_with_summary_date_and_courses(client):
    python = make_course(title="Python Basics")
    draft_course = make_course(title="Secret Course", is_published=False)
    older = make_article(title="Older", published_on=dt.date(2026, 1, 5))
    newer = make_article(
        title="Newer", summary="Why loops matter.", published_on=dt.date(2026, 2, 9)
    )
    newer.courses.add(python, draft_course)
    make_article(title="Draft", is_published=False)

    html = client.get("/articles/").content.decode()

    assert titles(html) == ["Newer", "Older"]
    assert f'href="{older.get_absolute_url()}"' in html
    assert "Why loops matter." in html
    assert '<time datetime="2026-02-09">Mon 9 February 2026</time>' in html
    assert f'Courses: <a href="{python.get_absolute_url()}">Python Basics</a>' in html
    assert "Secret Course" not in html


@pytest.mark.django_db
def test_articles_are_paginated_twenty_a_page_and_a_bad_page_shows_the_first(client):
    for n in range(25):
        make_article(title=f"Article {n:02}", published_on=dt.date(2026, 1, 1) + dt.timedelta(n))

    first = client.get("/articles/").content.decode()
    second = client.get("/articles/?page=2").content.decode()
    nonsense = client.get("/articles/?page=%C2%B2")

    assert len(titles(first)) == 20
    assert titles(second) == [f"Article {n:02}" for n in range(4, -1, -1)]
    assert "Page 2 of 2" in second
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in second
    assert nonsense.status_code == 200
    assert titles(nonsense.content.decode()) == titles(first)


@pytest.mark.django_db
def test_articles_page_without_articles_points_to_the_courses(client):
    html = client.get("/articles/").content.decode()

    assert "No articles yet." in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/about/", "/contact/", "/articles/", "/privacy/"])
def test_every_page_links_to_about_contact_articles_and_privacy(client, path):
    html = client.get(path).content.decode()

    for target in ("/about/", "/contact/", "/articles/", "/privacy/"):
        assert f'href="{target}"' in html, target
