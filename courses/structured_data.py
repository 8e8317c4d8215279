"""schema.org structured data (JSON-LD) for the public pages.

Each page asks one function for its list of JSON-LD objects (`course_page_json_ld`,
`home_page_json_ld`) and renders them with `render_json_ld`. Later kinds of data join a page
by adding to its list: a course's FAQPage once FAQs exist, an Article page's Article, and
so on.

The data is built from objects the page has already loaded (the course page passes the
batches it shows, read from their seat ledger), so it never adds a query.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .markdown import render_markdown
from .models import FAQ, Article, Batch, Course

AbsoluteUrl = Callable[[str], str]
JsonLd = dict[str, object]

SCHEMA = "https://schema.org"

COURSE_MODES = {
    Batch.Delivery.ONLINE: "online",
    Batch.Delivery.CLASSROOM: "onsite",
}
SCHEDULE_DAYS = {
    Batch.Track.WEEKDAY: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    Batch.Track.WEEKEND: ["Saturday", "Sunday"],
}

# Inside <script type="application/ld+json"> the HTML parser ends the element at the first
# "</script", whatever the JSON means. Escaping <, > and & as JSON \u escapes (as Django's
# json_script does) keeps every string's meaning and leaves no markup for the parser to find.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def render_json_ld(objects: Iterable[JsonLd]) -> SafeString:
    """One <script type="application/ld+json"> data block per object, safe to put in HTML.

    A data block is not executed, so the site's CSP (script-src 'self') allows it.
    """
    blocks = [
        '<script type="application/ld+json">'
        + json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
        + "</script>"
        for data in objects
    ]
    return mark_safe("\n".join(blocks))


# Pages


def home_page_json_ld(*, absolute_url: AbsoluteUrl) -> list[JsonLd]:
    return [{"@context": SCHEMA, **organization(absolute_url=absolute_url)}]


def course_page_json_ld(
    *,
    course: Course,
    batches: list[Batch],
    absolute_url: AbsoluteUrl,
    faqs: Iterable[FAQ] = (),
) -> list[JsonLd]:
    """The course page: a Course with its upcoming batches as CourseInstances, and the
    questions the page answers as an FAQPage."""
    objects = [course_json_ld(course=course, batches=batches, absolute_url=absolute_url)]
    faqs = list(faqs)
    if faqs:
        objects.append(faq_page(faqs))
    return objects


def article_page_json_ld(*, article: Article, absolute_url: AbsoluteUrl) -> list[JsonLd]:
    url = absolute_url(article.get_absolute_url())
    data: JsonLd = {
        "@context": SCHEMA,
        "@type": "Article",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": url,
        "dateModified": article.updated_at.isoformat(),
        "publisher": organization(absolute_url=absolute_url),
        "author": organization(absolute_url=absolute_url),
        "about": [
            {
                "@type": "Course",
                "name": course.title,
                "url": absolute_url(course.get_absolute_url()),
            }
            for course in article.courses.all()
        ],
    }
    if article.published_on:
        data["datePublished"] = article.published_on.isoformat()
    return [data]


# Objects


def faq_page(faqs: list[FAQ]) -> JsonLd:
    """Questions with their answers as HTML (the sanitised Markdown the page shows)."""
    return {
        "@context": SCHEMA,
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": str(render_markdown(faq.answer))},
            }
            for faq in faqs
        ],
    }


def organization(*, absolute_url: AbsoluteUrl) -> JsonLd:
    home = absolute_url(reverse("courses:home"))
    return {
        "@type": "Organization",
        "@id": f"{home}#organization",
        "name": settings.SITE_NAME,
        "url": home,
    }


def course_json_ld(*, course: Course, batches: list[Batch], absolute_url: AbsoluteUrl) -> JsonLd:
    """A schema.org Course; `batches` are the upcoming open batches, with seats annotated."""
    url = absolute_url(course.get_absolute_url())
    data: JsonLd = {
        "@context": SCHEMA,
        "@type": "Course",
        "@id": f"{url}#course",
        "url": url,
        "name": course.title,
        # The summary: plain text written for search results (the description is Markdown).
        "description": course.summary,
        "provider": organization(absolute_url=absolute_url),
        "educationalLevel": course.get_level_display(),
        "timeRequired": f"PT{course.duration_hours}H",
        "offers": [offer(course=course, batches=batches, url=url)],
    }
    if batches:
        data["hasCourseInstance"] = [course_instance(batch, course_url=url) for batch in batches]
    return data


def offer(*, course: Course, batches: list[Batch], url: str) -> JsonLd:
    """The course's fee, and whether a seat can be had in an upcoming batch."""
    data: JsonLd = {"@type": "Offer", "url": url, "availability": availability(batches)}
    if course.price is not None:
        data["category"] = "Free" if course.price == 0 else "Paid"
        data["price"] = price_text(course.price)
        data["priceCurrency"] = course.currency
    return data


def availability(batches: list[Batch]) -> str:
    if not batches:
        return f"{SCHEMA}/OutOfStock"  # no batch scheduled yet
    if all(batch.is_full for batch in batches):
        return f"{SCHEMA}/SoldOut"  # every batch full; waiting lists are open
    return f"{SCHEMA}/InStock"


def price_text(price: Decimal) -> str:
    """4999 → "4999.00": a plain decimal number, no grouping or currency sign."""
    return f"{price:.2f}"


def course_instance(batch: Batch, *, course_url: str) -> JsonLd:
    data: JsonLd = {
        "@type": "CourseInstance",
        "name": f"{batch.course.title}: {batch.get_track_display()} batch",
        "courseMode": COURSE_MODES[Batch.Delivery(batch.delivery)],
        "startDate": batch.start_date.isoformat(),
        "endDate": batch.end_date.isoformat(),
        "location": location(batch, course_url=course_url),
        "courseSchedule": schedule(batch),
    }
    if batch.capacity is not None:
        data["maximumAttendeeCapacity"] = batch.capacity
        data["remainingAttendeeCapacity"] = batch.seats_left
    return data


def location(batch: Batch, *, course_url: str) -> JsonLd:
    if batch.delivery == Batch.Delivery.CLASSROOM:
        return {"@type": "Place", "name": batch.location, "address": batch.location}
    return {"@type": "VirtualLocation", "url": course_url}


def schedule(batch: Batch) -> JsonLd:
    """Weekly sessions at wall-clock times in the batch's IANA zone.

    The times carry no UTC offset on purpose: the zone's offset can change during a batch
    (daylight saving), and scheduleTimezone says which zone the times are in.
    """
    return {
        "@type": "Schedule",
        "repeatFrequency": "P1W",
        "byDay": [f"{SCHEMA}/{day}" for day in SCHEDULE_DAYS[Batch.Track(batch.track)]],
        "startTime": f"{batch.session_start:%H:%M:%S}",
        "endTime": f"{batch.session_end:%H:%M:%S}",
        "duration": session_duration(batch),
        "scheduleTimezone": batch.timezone,
        "startDate": batch.start_date.isoformat(),
        "endDate": batch.end_date.isoformat(),
    }


def session_duration(batch: Batch) -> str:
    """ISO 8601 duration of one session, e.g. PT2H or PT1H30M."""
    day = dt.date(2000, 1, 1)
    minutes = int(
        (
            dt.datetime.combine(day, batch.session_end)
            - dt.datetime.combine(day, batch.session_start)
        ).total_seconds()
        // 60
    )
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
