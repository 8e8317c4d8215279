from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from . import privacy
from .content import course_page_content
from .forms import CatalogSearchForm, ScheduleFilterForm
from .models import Article, Batch, Category, Course
from .page_cache import kept, public_page
from .schedule import coming_months, schedule_month

COURSES_PER_PAGE = 12
ARTICLES_PER_PAGE = 20
FEATURED_COURSES = 6
NEXT_BATCHES_ON_HOME = 6


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """Read only when the page's fragment is not kept (even building a QuerySet costs)."""
    courses = SimpleLazyObject(
        lambda: list(
            Course.objects.published()
            .select_related("category")
            .with_next_batch()[:FEATURED_COURSES]
        )
    )
    next_batches = SimpleLazyObject(
        lambda: list(Batch.objects.open_for_enquiry().for_schedule()[:NEXT_BATCHES_ON_HOME])
    )
    return render(request, "courses/home.html", {"courses": courses, "next_batches": next_batches})


@public_page
def course_list(request: HttpRequest) -> HttpResponse:
    """The catalog, searched and by category; read only when its fragments are not kept."""
    return render(
        request,
        "courses/course_list.html",
        {"listing": SimpleLazyObject(lambda: course_listing(request))},
    )


def course_listing(request: HttpRequest) -> dict:
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
    return {
        "form": form,
        "page": page,
        "categories": categories,
        "query": query,
        "selected_category": selected_category,
    }


@public_page
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The course (kept by the catalog's version) and, worked out only when its fragment is
    not kept, its dates and content."""
    course = kept(
        request,
        f"published-course:{slug}",
        lambda: Course.objects.published().select_related("category").filter(slug=slug).first(),
        per_view=False,
        shared=False,
    )
    if course is None:
        raise Http404("No published course by that name.")
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "details": SimpleLazyObject(lambda: course_details(course)),
            "show_trainers": settings.BATCHWISE_SHOW_TRAINERS,
        },
    )


def course_details(course: Course) -> dict:
    months, more_batches = coming_months(course.batches.open_for_enquiry().for_schedule())
    content = course_page_content(course)
    return {
        "months": months,
        "more_batches": more_batches,
        "content": content,
        "faqs": content.faqs,
    }


@public_page
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().prefetch_related(
        Prefetch("courses", queryset=Course.objects.published().order_by("title"))
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "courses/article_list.html", {"page": page})


@public_page
def about(request: HttpRequest) -> HttpResponse:
    """The provider's own page: its wording lives in the template (docs/pages.md)."""
    return render(request, "courses/about.html")


@public_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().prefetch_related(
            Prefetch("courses", queryset=Course.objects.published().select_related("category"))
        ),
        slug=slug,
    )
    return render(request, "courses/article_detail.html", {"article": article})


def schedule_filters(request: HttpRequest) -> tuple[ScheduleFilterForm, dict]:
    """The schedule's GET filter form (choices from the open batches) and its valid filters.

    Shared by the page and its calendar feed.
    """
    upcoming = Batch.objects.open_for_enquiry()
    courses = list(
        Course.objects.published()
        .filter(pk__in=upcoming.values("course"))
        .select_related("category")
    )
    form = ScheduleFilterForm(request.GET or None, courses=courses)
    return form, (form.filters() if form.is_bound else {})


def query_with(request: HttpRequest, **changes: str | None) -> str:
    """This page's query string with some parameters set (or, given None, removed)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return "?" + query.urlencode() if query else "?"


@public_page
def schedule(request: HttpRequest) -> HttpResponse:
    """One month of the schedule at a time, the months with batches listed to page on.

    The listing is worked out only when the page's fragment must be rendered: a fragment
    kept for this URL, zone and catalog version serves it without a query."""
    return render(
        request,
        "courses/schedule.html",
        {"listing": SimpleLazyObject(lambda: schedule_listing(request))},
    )


def schedule_listing(request: HttpRequest) -> dict:
    form, filters = schedule_filters(request)
    asked_month = filters.pop("month", None)
    matching = Batch.objects.open_for_enquiry().matching(**filters)
    month_counts = matching.month_counts()
    form.list_months([month for month, _ in month_counts])
    shown = schedule_month(month_counts, asked=asked_month, page=request.GET.get("page"))
    batches = list(matching.in_month(shown.month).for_schedule()[shown.rows]) if shown.month else []
    month_links = [
        {
            "month": month,
            "batches": count,
            "url": query_with(request, month=f"{month:%Y-%m}", page=None),
            "current": month == shown.month,
        }
        for month, count in month_counts
    ]
    earlier = [link for link in month_links if shown.month and link["month"] < shown.month]
    later = [link for link in month_links if shown.month and link["month"] > shown.month]
    return {
        "form": form,
        "shown": shown,
        "batches": batches,
        "month_links": month_links,
        "previous_month": earlier[-1] if earlier else None,
        "next_month": later[0] if later else None,
        "page_urls": {
            "previous": query_with(request, page=str(shown.page_number - 1)),
            "next": query_with(request, page=str(shown.page_number + 1)),
        },
        # With a month asked for, the batches of that month; else of every month.
        "batch_count": (shown.batches_in_month if asked_month else sum(c for _, c in month_counts)),
        "spans_months": 0 if asked_month else len(month_counts),
        "is_filtered": bool(filters or asked_month),
    }


@public_page
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
