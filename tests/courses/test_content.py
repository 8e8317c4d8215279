"""Course content: Markdown rendered safely, grouped and ordered, searchable, at fixed cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.markdown import render_markdown
from courses.models import (
    FAQ,
    Article,
    CurriculumModule,
    Inclusion,
    InterviewQuestion,
    QuestionLevel,
    TrainingMode,
)
from tests.factories import make_course

# Markdown


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("Hello <script>alert('x')</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="https://example.com" onclick="steal()">link</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
    ],
)
def test_markdown_never_lets_script_through(markdown, forbidden):
    assert forbidden.lower() not in render_markdown(markdown).lower()


def test_markdown_keeps_formatting_and_safe_links():
    html = render_markdown(
        "**Bold**, `code` and [docs](https://docs.djangoproject.com)\n\n- a\n- b"
    )

    assert "<strong>Bold</strong>" in html
    assert "<code>code</code>" in html
    assert '<a href="https://docs.djangoproject.com" rel="noopener noreferrer">docs</a>' in html
    assert "<ul>" in html


# The course page


def content_course(*, questions: int = 3):
    course = make_course(title="Deep Learning", slug="deep-learning", outcomes="- Train a **CNN**")
    beginner = QuestionLevel.objects.create(name="Beginner", order=1)
    advanced = QuestionLevel.objects.create(name="Advanced", order=3)
    intermediate = QuestionLevel.objects.create(name="Intermediate", order=2)
    levels = [advanced, beginner, intermediate]
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(
            course=course,
            level=levels[n % 3],
            question=f"Question {n}?",
            answer=f"Answer {n} with `code`.",
            order=n,
        )
        for n in range(questions)
    )
    CurriculumModule.objects.create(course=course, title="Tensors", summary="*Shapes*", order=1)
    course.training_modes.add(TrainingMode.objects.create(name="Fast track", description="Fast."))
    course.inclusions.add(Inclusion.objects.create(name="Certificate", description="On passing."))
    FAQ.objects.create(course=None, question="Can I pay in instalments?", answer="Yes.", order=1)
    FAQ.objects.create(course=course, question="Do I need a GPU?", answer="No.", order=5)
    article = Article.objects.create(
        title="Preparing for interviews",
        slug="preparing",
        summary="How to prepare.",
        body="## Plan\n\nStart early.",
        is_published=True,
    )
    article.courses.add(course)
    related = make_course(title="Python for Data", slug="python-data")
    course.related_courses.add(related)
    return course


@pytest.mark.django_db
def test_course_page_shows_every_kind_of_content(client):
    content_course()

    html = client.get("/courses/deep-learning/").content.decode()

    assert "<strong>CNN</strong>" in html
    assert "Tensors" in html and "<em>Shapes</em>" in html
    assert "Fast track" in html and "Certificate" in html
    assert '<details class="qa">' in html and "<summary>Question 0?</summary>" in html
    assert 'href="/articles/preparing/"' in html
    assert 'href="/courses/python-data/"' in html


@pytest.mark.django_db
def test_course_page_nav_links_each_section_and_the_schedule_comes_before_the_content(client):
    content_course()

    html = client.get("/courses/deep-learning/").content.decode()

    nav = re.search(r'<nav class="course-sections[^>]*>(.*?)</nav>', html, re.S).group(1)
    targets = re.findall(r'href="#([a-z-]+)"', nav)
    assert targets == [
        "overview",
        "schedule",
        "interview-questions",
        "training-modes",
        "included",
        "faq",
        "related",
    ]
    for target in targets:
        assert f'id="{target}"' in html, target
    order = [html.index(f'id="{target}"') for target in targets]
    assert order == sorted(order)  # the schedule right after the overview, above the FAQ


@pytest.mark.django_db
def test_questions_are_grouped_by_level_in_the_levels_order(client):
    content_course(questions=6)

    html = client.get("/courses/deep-learning/").content.decode()

    positions = [html.index(f">{name}</h3>") for name in ("Beginner", "Intermediate", "Advanced")]
    assert positions == sorted(positions)
    # Question 1 is Beginner, 2 Intermediate, 0 Advanced.
    assert html.index("Question 1?") < html.index("Question 2?") < html.index("Question 0?")


@pytest.mark.django_db
def test_course_faqs_come_before_general_ones(client):
    content_course()

    html = client.get("/courses/deep-learning/").content.decode()

    assert html.index("Do I need a GPU?") < html.index("Can I pay in instalments?")


@pytest.mark.django_db
def test_course_page_queries_do_not_grow_with_content(client):
    def queries_with(questions: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/courses/deep-learning/")
        assert response.content.decode().count('<details class="qa">') == questions + 2
        return len(captured)

    course = content_course(questions=5)
    five = queries_with(5)
    level = QuestionLevel.objects.get(name="Beginner")
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(course=course, level=level, question=f"More {n}?", answer="A.")
        for n in range(45)
    )

    assert queries_with(50) == five


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["gradient clipping", "instalment", "attention heads", "tensor shapes"]
)
def test_catalog_search_finds_courses_by_their_content(client, query):
    course = make_course(title="Deep Learning", slug="deep-learning")
    make_course(title="Cloud", slug="cloud")
    level = QuestionLevel.objects.create(name="Advanced")
    InterviewQuestion.objects.create(
        course=course, level=level, question="Why clip?", answer="Gradient clipping stops …"
    )
    InterviewQuestion.objects.create(
        course=course, level=level, question="How many attention heads?", answer="It depends."
    )
    FAQ.objects.create(course=course, question="Fees?", answer="Pay in two instalments.")
    course.outcomes = "- Reason about tensor shapes"
    course.save()

    html = client.get("/courses/", {"q": query}).content.decode()

    assert 'href="/courses/deep-learning/"' in html
    assert 'href="/courses/cloud/"' not in html
    assert html.count('href="/courses/deep-learning/"') == 1  # listed once


@pytest.mark.django_db
def test_article_page_renders_markdown_and_links_its_courses(client):
    content_course()

    html = client.get("/articles/preparing/").content.decode()

    assert "<h2>Plan</h2>" in html
    assert 'href="/courses/deep-learning/"' in html


@pytest.mark.django_db
def test_unpublished_article_is_not_found(client):
    Article.objects.create(title="Draft", slug="draft", summary="-", body="-")

    assert client.get("/articles/draft/").status_code == 404


@pytest.mark.django_db
def test_staff_edit_course_content_inline(admin_client):
    course = content_course()

    html = admin_client.get(f"/admin/courses/course/{course.pk}/change/").content.decode()

    assert "Tensors" in html
    assert "Question 0?" in html
    assert "Do I need a GPU?" in html
    assert "Can I pay in instalments?" not in html  # general FAQs have their own list
