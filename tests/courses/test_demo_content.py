"""The demo content of the course pages, loaded by `manage.py load_demo`."""

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from courses.models import (
    FAQ,
    Article,
    Course,
    CurriculumModule,
    Inclusion,
    InterviewQuestion,
    QuestionLevel,
    TrainingMode,
)

CONTENT_MODELS = (
    TrainingMode,
    Inclusion,
    QuestionLevel,
    CurriculumModule,
    InterviewQuestion,
    FAQ,
    Article,
)
MANY_TO_MANY = (
    Course.training_modes.through,
    Course.inclusions.through,
    Course.related_courses.through,
    Article.courses.through,
)
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


def text(response) -> str:
    """The page's markup with runs of whitespace collapsed, for phrase searches."""
    return " ".join(response.content.decode().split())


def snapshot() -> dict:
    return {
        model: set(model.objects.values_list("pk", flat=True))
        for model in (*CONTENT_MODELS, *MANY_TO_MANY)
    }


@pytest.mark.django_db
def test_every_published_course_has_outcomes_curriculum_questions_faqs_modes_and_inclusions():
    load_demo()

    published = Course.objects.published()
    assert published.count() >= 6
    for course in published:
        assert course.outcomes.count("\n- ") >= 4, course.slug  # a list of five or more
        assert course.modules.count() >= 5, course.slug
        assert course.questions.count() >= 6, course.slug
        assert course.questions.values("level").distinct().count() >= 2, course.slug
        assert course.faqs.count() >= 3, course.slug
        assert course.training_modes.exists(), course.slug
        assert course.inclusions.exists(), course.slug
        assert 1 <= course.related_courses.published().count() <= 2, course.slug


@pytest.mark.django_db
def test_loads_modes_inclusions_and_levels_in_their_order():
    load_demo()

    assert list(TrainingMode.objects.values_list("name", flat=True)) == [
        "Instructor-led live online",
        "Project-based, customised",
        "Fast track",
        "Self-paced",
        "One-on-one",
    ]
    assert list(Inclusion.objects.values_list("name", flat=True)) == [
        "Recorded sessions",
        "Session-wise materials",
        "Practicals and assignments",
        "Completion certificate",
        "After-training support",
    ]
    assert list(QuestionLevel.objects.values_list("name", flat=True)) == [
        "Beginner",
        "Intermediate",
        "Advanced",
    ]


@pytest.mark.django_db
def test_general_faqs_cover_payment_missed_sessions_refunds_certificates_and_companies():
    load_demo()

    general = " ".join(FAQ.objects.filter(course=None).values_list("question", flat=True))
    assert FAQ.objects.filter(course=None).count() >= 4
    for word in ("instalments", "miss", "refund", "certificate", "company"):
        assert word in general


@pytest.mark.django_db
def test_published_articles_are_dated_and_each_linked_to_a_published_course():
    load_demo()

    articles = Article.objects.published()
    assert articles.count() >= 3
    for article in articles:
        assert article.published_on.year == 2026, article.slug
        assert article.courses.published().exists(), article.slug
        assert "\n## " in article.body, article.slug


@pytest.mark.django_db
def test_running_twice_creates_no_content_the_second_time():
    load_demo()
    first = snapshot()

    second_output = load_demo()

    assert snapshot() == first
    count = len(first[InterviewQuestion])
    assert f"Interview questions: 0 created, {count} kept as they were." in second_output


@pytest.mark.django_db
def test_rerun_keeps_answers_staff_edited_and_content_staff_added():
    load_demo()
    question = InterviewQuestion.objects.filter(course__slug="deep-learning").first()
    question.answer = "Edited by staff."
    question.save()
    mode = TrainingMode.objects.get(name="Fast track")
    mode.description = "Three weeks, every day."
    mode.save()
    course = Course.objects.get(slug="deep-learning")
    staff_faq = FAQ.objects.create(course=course, question="Is there parking?", answer="No.")

    load_demo()

    question.refresh_from_db()
    assert question.answer == "Edited by staff."
    assert TrainingMode.objects.get(name="Fast track").description == "Three weeks, every day."
    assert FAQ.objects.filter(pk=staff_faq.pk).exists()


@pytest.mark.django_db
def test_rerun_keeps_the_modes_outcomes_and_links_staff_chose_for_a_course():
    load_demo()
    course = Course.objects.get(slug="deep-learning")
    course.training_modes.remove(TrainingMode.objects.get(name="Fast track"))
    course.related_courses.clear()
    Course.objects.filter(pk=course.pk).update(outcomes="- Train a network")
    article = Article.objects.get(slug="preparing-for-a-deep-learning-interview")
    article.courses.clear()

    load_demo()

    assert "Fast track" not in course.training_modes.values_list("name", flat=True)
    assert not course.related_courses.exists()
    assert Course.objects.get(pk=course.pk).outcomes == "- Train a network"
    assert not article.courses.exists()


@pytest.mark.django_db
def test_deep_learning_page_shows_questions_faqs_modes_inclusions_and_related_content(client):
    load_demo()

    response = client.get("/courses/deep-learning/")

    assert response.status_code == 200
    page = text(response)
    assert "What you will learn" in page
    assert 'id="curriculum-heading">Curriculum' in page
    assert "Interview questions and answers" in page
    assert page.count("<details") >= 9 + 4 + 4  # questions, course FAQs, general FAQs
    assert "<summary>What is the vanishing gradient problem?</summary>" in page
    assert "<code>zero_grad()</code>" in page  # Markdown in an answer
    assert "Frequently asked questions" in page
    assert "<summary>Do I need a GPU of my own?</summary>" in page
    assert "<summary>Can I pay the fee in instalments?</summary>" in page  # a general FAQ
    assert "Training modes" in page
    assert ">Instructor-led live online</h3>" in page  # a card per mode
    assert "What's included" in page
    assert "<dt>Completion certificate</dt>" in page
    assert 'href="/articles/preparing-for-a-deep-learning-interview/"' in page
    assert 'href="/courses/python-for-data-analysis/"' in page


@pytest.mark.django_db
def test_deep_learning_offers_every_training_mode_including_self_paced(client):
    load_demo()
    modes = [
        "Instructor-led live online",
        "Project-based, customised",
        "Fast track",
        "Self-paced",
        "One-on-one",
    ]

    page = text(client.get("/courses/deep-learning/"))

    course = Course.objects.get(slug="deep-learning")
    assert list(course.training_modes.values_list("name", flat=True)) == modes
    for mode in modes:
        assert f">{mode}</h3>" in page, mode


@pytest.mark.parametrize(
    ("word", "slug"),
    [
        pytest.param("CrashLoopBackOff", "kubernetes-in-production", id="interview-answer"),
        pytest.param("Koramangala", "django-web-development", id="course-faq"),
        pytest.param("reruns in one click", "python-for-data-analysis", id="outcomes"),
    ],
)
@pytest.mark.django_db
def test_catalog_search_finds_a_course_by_words_only_in_its_content(client, word, slug):
    load_demo()
    course = Course.objects.get(slug=slug)
    assert word.lower() not in f"{course.title} {course.summary} {course.description}".lower()

    response = client.get("/courses/", {"q": word})

    assert [course.slug for course in response.context["listing"]["page"]] == [slug]


@pytest.mark.django_db
def test_article_page_renders_its_markdown_body_and_links_to_its_courses(client):
    load_demo()

    response = client.get("/articles/from-excel-to-pandas-a-first-week-plan/")

    assert response.status_code == 200
    page = text(response)
    assert re.search(r"<h[2-6]>The plan</h[2-6]>", page)  # "### The plan" in the body
    assert "<ol>" in page
    assert "<table>" in page
    assert "###" not in page
    assert 'href="/courses/python-for-data-analysis/"' in page
