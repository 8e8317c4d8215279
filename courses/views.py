from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from . import privacy
from .content import course_page_content
from .forms import CatalogSearchForm, ScheduleFilterForm
from .models import Article, Batch, Category, Course
from .schedule import group_by_month

COURSES_PER_PAGE = 12
ARTICLES_PER_PAGE = 20
FEATURED_COURSES = 6
NEXT_BATCHES_ON_HOME = 6


def home(request: HttpRequest) -> HttpResponse:
    courses = (Course.objects.published().select_related("category").with_next_batch())[
        :FEATURED_COURSES
    ]
    next_batches = Batch.objects.open_for_enquiry().for_schedule()[:NEXT_BATCHES_ON_HOME]
    return render(request, "courses/home.html", {"courses": courses, "next_batches": next_batches})


def course_list(request: HttpRequest) -> HttpResponse:
    categories = list(
        Category.objects.annotate(
            course_count=Count("courses", filter=Q(courses__is_published=True))
        ).filter(course_count__gt=0)
    )
    form = CatalogSearchForm(request.GET, categories=categories)
    form.is_valid()
    query = form.cleaned_data.get("q", "")
    category_slug = form.cleaned_data.get("category", "")
    courses = Course.objects.published().search(query).select_related("category")
    if category_slug:
        courses = courses.filter(category__slug=category_slug)
    page = Paginator(courses.with_next_batch(), COURSES_PER_PAGE).get_page(request.GET.get("page"))
    selected_category = next((c for c in categories if c.slug == category_slug), None)
    return render(
        request,
        "courses/course_list.html",
        {
            "form": form,
            "page": page,
            "categories": categories,
            "query": query,
            "selected_category": selected_category,
        },
    )


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course.objects.published().select_related("category"), slug=slug)
    batches = course.batches.open_for_enquiry().for_schedule()
    content = course_page_content(course)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "months": group_by_month(batches),
            "content": content,
            "faqs": content.faqs,
            "show_trainers": settings.BATCHWISE_SHOW_TRAINERS,
        },
    )


def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().prefetch_related(
        Prefetch("courses", queryset=Course.objects.published().order_by("title"))
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "courses/article_list.html", {"page": page})


def about(request: HttpRequest) -> HttpResponse:
    """The provider's own page: its wording lives in the template (docs/pages.md)."""
    return render(request, "courses/about.html")


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().prefetch_related(
            Prefetch("courses", queryset=Course.objects.published().select_related("category"))
        ),
        slug=slug,
    )
    return render(request, "courses/article_detail.html", {"article": article})


def schedule_filters(request: HttpRequest, *, list_months: bool) -> tuple[ScheduleFilterForm, dict]:
    """The schedule's GET filter form (choices from the open batches) and its valid filters.

    Shared by the page and its calendar feed. The month choices only label the page's
    select (the field accepts any YYYY-MM), so the feed skips that query.
    """
    upcoming = Batch.objects.open_for_enquiry()
    courses = list(
        Course.objects.published()
        .filter(pk__in=upcoming.values("course"))
        .select_related("category")
    )
    months = list(upcoming.dates("start_date", "month")) if list_months else []
    form = ScheduleFilterForm(request.GET or None, courses=courses, months=months)
    return form, (form.filters() if form.is_bound else {})


def schedule(request: HttpRequest) -> HttpResponse:
    form, filters = schedule_filters(request, list_months=True)
    batches = list(Batch.objects.open_for_enquiry().matching(**filters).for_schedule())
    return render(
        request,
        "courses/schedule.html",
        {
            "form": form,
            "months": group_by_month(batches),
            "batch_count": len(batches),
            "is_filtered": bool(filters),
        },
    )


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "courses/privacy.html",
        {
            "notice_version": privacy.NOTICE_VERSION,
            "notice_date": privacy.NOTICE_DATE,
            "privacy_email": privacy.contact_email(),
            "retention_days": privacy.lead_retention_days(),
        },
    )
