"""Everything a course page shows besides its batches, read in one query.

The course page lists seven kinds of content (curriculum, training modes, inclusions,
interview questions, FAQs, articles and related courses). Read one by one they would cost a
query each; here each kind is one SELECT of the same columns and the seven are combined with
UNION ALL, so the page keeps to a fixed, small number of queries however much content grows.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse

from .models import (
    FAQ,
    Article,
    Course,
    CurriculumModule,
    Inclusion,
    InterviewQuestion,
    TrainingMode,
)

COLUMNS = ("kind", "item_pk", "title", "text", "slug", "group_name", "group_order", "position")


@dataclass(frozen=True)
class Item:
    """One piece of content: a module, a mode, a question with its answer, a linked page …"""

    kind: str
    item_pk: int
    title: str
    text: str
    slug: str
    group_name: str
    group_order: int
    position: int

    # The names the templates and the JSON-LD use for each kind.
    @property
    def name(self) -> str:
        return self.title

    @property
    def description(self) -> str:
        return self.text

    summary = description
    answer = description
    question = name

    def get_absolute_url(self) -> str:
        route = "courses:article" if self.kind == "article" else "courses:detail"
        return reverse(route, kwargs={"slug": self.slug})


@dataclass
class CoursePageContent:
    modules: list[Item] = field(default_factory=list)
    training_modes: list[Item] = field(default_factory=list)
    inclusions: list[Item] = field(default_factory=list)
    questions: list[Item] = field(default_factory=list)
    faqs: list[Item] = field(default_factory=list)
    articles: list[Item] = field(default_factory=list)
    related_courses: list[Item] = field(default_factory=list)

    @property
    def questions_by_level(self) -> list[tuple[str, list[Item]]]:
        return [
            (level, list(items))
            for level, items in groupby(self.questions, key=lambda item: item.group_name)
        ]


def _part(queryset: QuerySet, kind: str, **columns) -> QuerySet:
    """One kind of content as the shared columns, in the same order for every kind."""
    defaults = {
        "slug": Value("", output_field=CharField()),
        "group_name": Value("", output_field=CharField()),
        "group_order": Value(0, output_field=IntegerField()),
        "position": F("order"),
    }
    expressions = {
        "kind": Value(kind, output_field=CharField()),
        "item_pk": F("pk"),
        **defaults,
        **columns,
    }
    # Prefixed names: an annotation may not share a name with a model field.
    return (
        queryset.order_by()
        .annotate(**{f"content_{name}": expressions[name] for name in COLUMNS})
        .values_list(*(f"content_{name}" for name in COLUMNS))
    )


def course_page_content(course: Course) -> CoursePageContent:
    parts = [
        _part(CurriculumModule.objects.filter(course=course), "module",
              title=F("title"), text=F("summary")),
        _part(TrainingMode.objects.filter(courses=course), "mode",
              title=F("name"), text=F("description")),
        _part(Inclusion.objects.filter(courses=course), "inclusion",
              title=F("name"), text=F("description")),
        _part(InterviewQuestion.objects.filter(course=course), "question",
              title=F("question"), text=F("answer"),
              group_name=F("level__name"), group_order=F("level__order")),
        # The course's own questions first (group 0), then the general ones (group 1).
        _part(FAQ.objects.filter(Q(course=course) | Q(course__isnull=True)), "faq",
              title=F("question"), text=F("answer"),
              group_order=Case(When(course__isnull=True, then=Value(1)), default=Value(0),
                               output_field=IntegerField())),
        _part(Article.objects.published().filter(courses=course), "article",
              title=F("title"), text=F("summary"), slug=F("slug"),
              position=Value(0, output_field=IntegerField())),
        _part(Course.objects.published().filter(related_courses=course), "related",
              title=F("title"), text=F("summary"), slug=F("slug"),
              position=Value(0, output_field=IntegerField())),
    ]  # fmt: skip
    rows = parts[0].union(*parts[1:], all=True).order_by()  # sorted below, in Python
    items = [Item(*row) for row in rows]
    content = CoursePageContent()
    targets = {
        "module": content.modules,
        "mode": content.training_modes,
        "inclusion": content.inclusions,
        "question": content.questions,
        "faq": content.faqs,
        "article": content.articles,
        "related": content.related_courses,
    }
    for item in sorted(items, key=_sort_key):
        targets[item.kind].append(item)
    return content


def _sort_key(item: Item) -> tuple:
    # Articles and related courses have no order number: they go by title.
    by_title = item.title.lower() if item.kind in ("article", "related") else ""
    return (item.group_order, item.group_name, item.position, by_title, item.item_pk)
