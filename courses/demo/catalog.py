"""The demo catalog: three categories, seven courses and their batches in the coming months.

The loader fills in what is missing and never undoes what staff changed (courses.demo.fill):
categories, courses and batches are found by their natural keys (Category.slug, Course.slug,
and a batch's course, track and start date); one that exists is left exactly as staff left it
(a cancelled batch stays cancelled, a changed capacity, minimum, title or price stays), one
that is missing is created, and nothing is deleted. Batch dates are counted from today, so a
run in a later month adds that month's batches beside the old ones.

The content shown on the course pages (curricula, interview questions, FAQs, articles) comes
from courses.demo.content and is loaded by the same rule, in the same transaction.
"""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple, TypedDict

from django.db import transaction

from courses.models import Batch, Category, Course, Trainer

from .content import CONTENT_MODELS, load_content
from .fill import Fill, Output, find
from .trainers import load_trainers

WEEKDAY = Batch.Track.WEEKDAY
WEEKEND = Batch.Track.WEEKEND
KOLKATA = "Asia/Kolkata"
LONDON = "Europe/London"
NEW_YORK = "America/New_York"


class Slot(NamedTuple):
    """How a course's batches on one track run: session times, zone, seats and place."""

    session_start: dt.time
    session_end: dt.time
    timezone: str
    capacity: int | None
    delivery: str = Batch.Delivery.ONLINE
    location: str = ""


class CourseSpec(TypedDict):
    """A demo course: the Course fields it is created with (its category by slug), and how
    its batches run on each track."""

    category: str
    title: str
    summary: str
    description: str
    level: Course.Level
    duration_hours: int
    price: Decimal | None
    currency: str
    is_published: bool
    slots: dict[Batch.Track, Slot]


class ExtraBatchSpec(TypedDict):
    """A batch beyond a course's regular ones (its course by slug)."""

    course: str
    track: Batch.Track
    months_ahead: int
    week: int
    status: Batch.Status
    is_published: bool


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


CATEGORIES = {
    "data-science-ai": {
        "name": "Data Science & AI",
        "description": "Analyse data, build models and put machine learning to work, from a "
        "first pandas notebook to neural networks and language models.",
    },
    "cloud-devops": {
        "name": "Cloud & DevOps",
        "description": "Run software reliably in the cloud: infrastructure, containers, "
        "delivery pipelines and the habits that keep systems up.",
    },
    "software-engineering": {
        "name": "Software Engineering",
        "description": "Design, build and ship maintainable software, from web back ends to "
        "the architecture of large systems.",
    },
}

COURSES: dict[str, CourseSpec] = {
    "deep-learning": {
        "category": "data-science-ai",
        "title": "Deep Learning",
        "summary": "Build, train and tune neural networks in PyTorch: from tensors and "
        "backpropagation to convolutional networks, sequence models and transformers, with a "
        "hands-on project on your own data.",
        "description": paragraphs(
            "This course takes you from the mechanics of a single neuron to training modern "
            "architectures on a GPU. You write the training loop yourself before leaning on "
            "higher-level tools, so that loss curves, learning rates and overfitting stop being "
            "mysterious.",
            "Topics include tensors and automatic differentiation in PyTorch, optimisers and "
            "regularisation, convolutional networks for images, recurrent networks and "
            "attention for text and time series, transfer learning from pretrained models, and "
            "the transformer. Every session has a lab, and the last two weeks go into a project "
            "you choose: an image classifier, a text model or a forecasting model on data from "
            "your own work.",
            "It is meant for data analysts, software engineers and machine-learning "
            "practitioners who have used scikit-learn and want to go further. You should be "
            "comfortable writing Python functions and classes, and remember matrix "
            "multiplication and derivatives from school or college; a short refresher on both "
            "is sent before the first session. A laptop is enough: GPU time on a cloud notebook "
            "is included.",
        ),
        "level": Course.Level.INTERMEDIATE,
        "duration_hours": 40,
        "price": Decimal("42000"),
        "currency": "INR",
        "is_published": True,
        "slots": {
            WEEKDAY: Slot(dt.time(19), dt.time(21), KOLKATA, capacity=30),
            WEEKEND: Slot(dt.time(10), dt.time(13, 30), KOLKATA, capacity=20),
        },
    },
    "python-for-data-analysis": {
        "category": "data-science-ai",
        "title": "Python for Data Analysis",
        "summary": "Learn Python the way analysts use it: load, clean, reshape and chart real "
        "data sets with pandas and Jupyter, and replace fragile spreadsheet work with "
        "repeatable notebooks.",
        "description": paragraphs(
            "Spreadsheets are fine until the data outgrows them or the same report has to be "
            "rebuilt every Monday. This course teaches enough Python to automate that work, and "
            "then the pandas library that does most of the heavy lifting in analysis.",
            "You start with the language itself (variables, lists, dictionaries, loops and "
            "functions) in Jupyter notebooks, then move on to reading CSV and Excel files, "
            "cleaning messy columns, joining tables, grouping and pivoting, working with dates, "
            "and drawing charts with matplotlib and seaborn. Exercises use public data on "
            "retail sales, air quality and cricket scores, and the course ends with a short "
            "analysis you present to the group.",
            "It is written for analysts, finance and operations staff, researchers and students "
            "who have never programmed, or who tried and stalled. No coding experience is "
            "needed; you should be at ease with spreadsheets and with averages and percentages. "
            "Bring a laptop on which you can install software.",
        ),
        "level": Course.Level.BEGINNER,
        "duration_hours": 30,
        "price": Decimal("18500"),
        "currency": "INR",
        "is_published": True,
        "slots": {
            WEEKDAY: Slot(dt.time(7, 30), dt.time(9), KOLKATA, capacity=None),
            WEEKEND: Slot(dt.time(10), dt.time(12, 30), KOLKATA, capacity=25),
        },
    },
    "generative-ai-engineering": {
        "category": "data-science-ai",
        "title": "Generative AI Engineering",
        "summary": "Build applications on large language models: prompt design, "
        "retrieval-augmented generation, tool use, evaluation and guardrails, with an eye on "
        "cost and latency in production.",
        "description": paragraphs(
            "Putting a large language model behind a demo is easy; making it answer reliably "
            "from your own documents, at a cost you can predict, is engineering. This course "
            "covers that engineering.",
            "Topics include how language models work at the level you need to use them, prompt "
            "design, embeddings and vector search, retrieval-augmented generation, function "
            "calling and agents, evaluating answers systematically, defending against prompt "
            "injection and leaks of private data, and measuring cost and latency.",
            "It is for software engineers and data scientists who are comfortable with Python "
            "and web APIs. Our Deep Learning course, or similar experience, helps but is not "
            "required.",
        ),
        "level": Course.Level.ADVANCED,
        "duration_hours": 40,
        "price": Decimal("48000"),
        "currency": "INR",
        "is_published": False,  # A draft still being written: hidden from the site.
        "slots": {
            WEEKDAY: Slot(dt.time(19), dt.time(21), KOLKATA, capacity=20),
            WEEKEND: Slot(dt.time(10), dt.time(13, 30), KOLKATA, capacity=12),
        },
    },
    "kubernetes-in-production": {
        "category": "cloud-devops",
        "title": "Kubernetes in Production",
        "summary": "Run real workloads on Kubernetes with confidence: deployments, networking, "
        "storage, autoscaling, security and observability, practised on a cluster you build "
        "and break yourself.",
        "description": paragraphs(
            "Getting a container to run on Kubernetes takes an afternoon; keeping dozens of "
            "services healthy through releases, node failures and traffic spikes takes much "
            "more. This course covers the second part, on a multi-node cluster that each "
            "participant builds and operates for the length of the batch.",
            "We cover deployments and rollout strategies, services and ingress, configuration "
            "and secrets, persistent volumes and stateful sets, resource requests and limits, "
            "horizontal pod autoscaling, role-based access control and network policies, "
            "packaging with Helm, and monitoring with Prometheus and Grafana. Each week ends "
            "with an incident drill: something in your cluster breaks and you find out why.",
            "It is for platform, DevOps and backend engineers who already deploy to Kubernetes "
            "or are about to look after a cluster. You should be comfortable on the Linux "
            "command line, know how to build and run a Docker image, and have read a YAML "
            "manifest before. The course is good preparation for the CKA exam; the exam fee is "
            "not included.",
        ),
        "level": Course.Level.ADVANCED,
        "duration_hours": 40,
        "price": Decimal("950"),
        "currency": "GBP",
        "is_published": True,
        "slots": {
            WEEKDAY: Slot(dt.time(18, 30), dt.time(20, 30), LONDON, capacity=12),
            WEEKEND: Slot(dt.time(9, 30), dt.time(13), LONDON, capacity=8),
        },
    },
    "aws-cloud-foundations": {
        "category": "cloud-devops",
        "title": "AWS Cloud Foundations",
        "summary": "A practical first course on Amazon Web Services: compute, storage, "
        "networking, identity and cost control, with guided labs in your own account and "
        "preparation for the Cloud Practitioner exam.",
        "description": paragraphs(
            "Most teams now run at least part of their systems on AWS, and its console lists "
            "more than two hundred services. This course picks out the ones you will meet in "
            "almost every project and shows how they fit together, so that an architecture "
            "diagram reads as something you could build.",
            "You launch and secure EC2 instances, store and share files in S3, design a VPC "
            "with public and private subnets, set up users, roles and policies in IAM, run a "
            "managed database on RDS, put a load balancer and an auto scaling group in front of "
            "an application, and learn to read the bill. Labs run in a free-tier account, and a "
            "session on budgets and alerts makes sure nobody gets a surprise invoice.",
            "The course suits developers, testers, system administrators, and IT or project "
            "staff who work alongside cloud teams. No cloud experience is required; knowing "
            "basic networking terms such as IP address, DNS and firewall helps. The last two "
            "sessions review the AWS Certified Cloud Practitioner syllabus with practice "
            "questions.",
        ),
        "level": Course.Level.BEGINNER,
        "duration_hours": 40,
        "price": Decimal("24000"),
        "currency": "INR",
        "is_published": True,
        "slots": {
            WEEKDAY: Slot(dt.time(19), dt.time(21), KOLKATA, capacity=None),
            WEEKEND: Slot(dt.time(10), dt.time(13, 30), KOLKATA, capacity=30),
        },
    },
    "django-web-development": {
        "category": "software-engineering",
        "title": "Django Web Development",
        "summary": "Build and deploy a complete web application with Python and Django: models, "
        "views, templates, forms, authentication, the admin, testing and deployment to a Linux "
        "server.",
        "description": paragraphs(
            "Django runs sites from newsrooms to banks because it makes the common parts of a "
            "web application (database access, forms, logins, a staff back office) quick to "
            "build and hard to get wrong. Over the batch you build one application end to end: "
            "a booking site with a public catalogue, user accounts and an admin for staff.",
            "Sessions cover the ORM and migrations, querysets and how to avoid needless "
            "queries, views, templates, forms and validation, authentication and permissions, "
            "the admin, sending email, testing with pytest, and deploying with PostgreSQL, "
            "gunicorn and nginx. Code review is part of every week: you open pull requests and "
            "the trainer reviews them as a senior colleague would.",
            "It is for developers who know Python and want to build for the web, and for "
            "front-end developers moving to the back end. You should be able to write Python "
            "functions and classes and use Git for commits and branches; some HTML helps. "
            "Weekend batches meet in our Bengaluru classroom, weekday batches online.",
        ),
        "level": Course.Level.INTERMEDIATE,
        "duration_hours": 40,
        "price": Decimal("32000"),
        "currency": "INR",
        "is_published": True,
        "slots": {
            WEEKDAY: Slot(dt.time(19), dt.time(21), KOLKATA, capacity=25),
            WEEKEND: Slot(
                dt.time(10),
                dt.time(13, 30),
                KOLKATA,
                capacity=20,
                delivery=Batch.Delivery.CLASSROOM,
                location="Batchwise Training Centre, 3rd floor, 14 80 Feet Road, Koramangala "
                "4th Block, Bengaluru 560034",
            ),
        },
    },
    "system-design": {
        "category": "software-engineering",
        "title": "System Design for Backend Engineers",
        "summary": "Design systems that scale and stay up: data modelling, caching, queues, "
        "replication, consistency and their trade-offs, practised through reviews of real "
        "architectures.",
        "description": paragraphs(
            "Designing a large system is mostly choosing between trade-offs you can explain: "
            "where data lives, what happens when a component fails, what may be slightly out of "
            "date. This course gives you a vocabulary and a method for those decisions, and a "
            "lot of practice using them.",
            "We work through load balancing, caching strategies, relational and document data "
            "modelling, partitioning and replication, consistency models, message queues and "
            "event streams, rate limiting, idempotency and retries, and observability. Each "
            "session ends with a design exercise (a URL shortener, a ticket booking system, a "
            "news feed, a payments ledger) reviewed in small groups and then with the trainer.",
            "It is aimed at backend engineers with three or more years of experience who are "
            "moving into senior or staff roles, or preparing for system design interviews. You "
            "should have built and run at least one service with a database in production. "
            "Groups are kept small and the fee depends on group size and on whether you book "
            "for a team, so the price is quoted on request.",
        ),
        "level": Course.Level.ADVANCED,
        "duration_hours": 30,
        "price": None,
        "currency": "",
        "is_published": True,
        "slots": {
            WEEKDAY: Slot(dt.time(19, 30), dt.time(21), NEW_YORK, capacity=12),
            WEEKEND: Slot(dt.time(10), dt.time(12, 30), NEW_YORK, capacity=8),
        },
    },
}

# Every course runs a weekday and a weekend batch in each of these months after the current one.
MONTHS_AHEAD = (1, 2, 3)

# Batches beyond the regular ones. They start a week after the regular batch of their month
# ("week": 2), so their natural key never collides with it.
EXTRA_BATCHES: list[ExtraBatchSpec] = [
    # Called off for low sign-ups.
    {
        "course": "deep-learning",
        "track": WEEKDAY,
        "months_ahead": 1,
        "week": 2,
        "status": Batch.Status.CANCELLED,
        "is_published": True,
    },
    # Planned, not announced yet.
    {
        "course": "kubernetes-in-production",
        "track": WEEKEND,
        "months_ahead": 2,
        "week": 2,
        "status": Batch.Status.SCHEDULED,
        "is_published": False,
    },
]

MONDAY, SATURDAY = 0, 5
FIRST_DAY = {WEEKDAY: MONDAY, WEEKEND: SATURDAY}
LENGTH = {
    WEEKDAY: dt.timedelta(days=4 * 7 - 3),  # Monday of week 1 to Friday of week 4
    WEEKEND: dt.timedelta(days=6 * 7 - 6),  # Saturday of weekend 1 to Sunday of weekend 6
}


def add_months(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `month`."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def first_weekday(month: dt.date, weekday: int) -> dt.date:
    """The first day in the month of `month` that falls on `weekday` (Monday is 0)."""
    first = month.replace(day=1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7)


def batch_start(today: dt.date, *, months_ahead: int, track: Batch.Track, week: int = 1) -> dt.date:
    """The first Monday (weekday track) or Saturday (weekend track) of a coming month,
    or the same weekday `week - 1` weeks later."""
    month = add_months(today, months_ahead)
    return first_weekday(month, FIRST_DAY[track]) + dt.timedelta(weeks=week - 1)


def batch_key(course: Course, track: Batch.Track, start: dt.date) -> dict:
    """A demo batch's natural key: its course, track and start date."""
    return {"course": course, "track": track, "start_date": start}


def planned_capacity(course_slug: str, track: Batch.Track) -> int | None:
    """The seats the demo plans for a course's batches on a track (None: unlimited)."""
    return COURSES[course_slug]["slots"][track].capacity


def find_demo_batch(*, today: dt.date, course_slug: str, track: Batch.Track) -> Batch | None:
    """The course's demo batch on `track` in the month after today's, if it exists."""
    course = find(Course, {"slug": course_slug})
    if course is None:
        return None
    return find(Batch, batch_key(course, track, batch_start(today, months_ahead=1, track=track)))


def load_catalog(*, today: dt.date, stdout: Output | None = None) -> Fill:
    """Create the demo catalog's missing rows, with batches counted from `today`, and report
    per model to `stdout` what was created and what was kept. Returns the run, which knows
    the rows it created."""
    fill = Fill(stdout)

    def ensure_batch(
        course: Course,
        track: Batch.Track,
        start: dt.date,
        *,
        status: str = Batch.Status.SCHEDULED,
        is_published: bool = True,
    ) -> Batch | None:
        values = COURSES[course.slug]["slots"][track]._asdict() | {
            "end_date": start + LENGTH[track],
            "status": status,
            "is_published": is_published,
        }
        return fill.ensure(Batch, batch_key(course, track, start), values)

    with transaction.atomic():
        categories = {
            slug: fill.ensure(Category, {"slug": slug}, values)
            for slug, values in CATEGORIES.items()
        }
        courses: dict[str, Course] = {}
        for slug, entry in COURSES.items():
            values = {name: value for name, value in entry.items() if name != "slots"}
            values["category"] = categories[entry["category"]]
            course = fill.ensure(Course, {"slug": slug}, values)
            if course is None:  # left out: so are its batches and content
                continue
            courses[slug] = course
            for months_ahead in MONTHS_AHEAD:
                for track in entry["slots"]:
                    ensure_batch(
                        course, track, batch_start(today, months_ahead=months_ahead, track=track)
                    )
        for extra in EXTRA_BATCHES:
            course = courses.get(extra["course"])
            if course is None:
                continue
            track = extra["track"]
            start = batch_start(
                today, months_ahead=extra["months_ahead"], track=track, week=extra["week"]
            )
            ensure_batch(
                course, track, start, status=extra["status"], is_published=extra["is_published"]
            )
        load_content(courses=courses, fill=fill)
        load_trainers(today=today, fill=fill)
    fill.report(Category, Course, Batch, *CONTENT_MODELS, Trainer)
    return fill
