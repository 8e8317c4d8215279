import datetime as dt
import secrets
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from simple_history.models import HistoricalRecords

from .versions import catalog_changed


@cache
def iana_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in iana_time_zones():
        raise ValidationError(
            "“%(value)s” is not a time zone name. Use an IANA name such as Asia/Kolkata, "
            "Europe/London or America/New_York.",
            code="invalid_time_zone",
            params={"value": value},
        )


class CatalogQuerySet(models.QuerySet):
    """The writes that send no post_save (the seat ledger is written with update()) tell the
    public pages here; save() and delete() do through signals (CoursesConfig.ready)."""

    def update(self, **kwargs) -> int:
        changed = super().update(**kwargs)
        if changed:
            catalog_changed()
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            catalog_changed()
        return created

    def bulk_update(self, objs, *args, **kwargs) -> int:
        changed = super().bulk_update(objs, *args, **kwargs)
        if changed:
            catalog_changed()
        return changed


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = CatalogQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('courses:list')}?category={self.slug}"


class CourseQuerySet(CatalogQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        matches: list[Q | Exists] = [
            Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(description__icontains=text)
            | Q(outcomes__icontains=text)
            | Q(category__name__icontains=text)
        ]
        # Content in other tables, as EXISTS so a course matching twice is listed once.
        for model, fields in (
            (InterviewQuestion, ("question", "answer")),
            (FAQ, ("question", "answer")),
            (CurriculumModule, ("title", "summary")),
        ):
            text_match = Q(
                *[Q(**{f"{field}__icontains": text}) for field in fields], _connector=Q.OR
            )
            matches.append(Exists(model.objects.filter(text_match, course=OuterRef("pk"))))
        return self.filter(Q(*matches, _connector=Q.OR))

    def with_next_batch(self):
        """Annotate the start date of each course's next batch open to the public: one
        index lookup per course (batch_course_start), whatever the number of batches."""
        next_batches = Batch.objects.open_for_enquiry().filter(course=OuterRef("pk"))
        return self.annotate(
            next_batch_start=Subquery(next_batches.order_by("start_date").values("start_date")[:1])
        )


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"
        ALL_LEVELS = "all", "All levels"

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences shown in the catalog and search results."
    )
    description = models.TextField(
        "overview", blank=True, help_text="Markdown: what the course teaches and for whom."
    )
    level = models.CharField(max_length=20, choices=Level, default=Level.ALL_LEVELS)
    duration_hours = models.PositiveSmallIntegerField(
        help_text="Total contact hours of one batch.",
    )
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty to show “price on request”.",
    )
    currency = models.CharField(
        max_length=3, blank=True, help_text="ISO 4217 code such as INR, USD or EUR."
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Only published courses appear on the site."
    )

    # Content, written in Markdown and shown on the course page.
    outcomes = models.TextField(
        "learning outcomes", blank=True, help_text="Markdown, e.g. a bulleted list."
    )
    training_modes: models.ManyToManyField["TrainingMode", models.Model] = models.ManyToManyField(
        "TrainingMode", blank=True, related_name="courses", help_text="How it can be taken."
    )
    inclusions: models.ManyToManyField["Inclusion", models.Model] = models.ManyToManyField(
        "Inclusion", blank=True, related_name="courses", verbose_name="what's included"
    )
    related_courses = models.ManyToManyField("self", blank=True, symmetrical=True)

    # Scheduling defaults, used when staff plan a month's batches.
    weekday_session_start = models.TimeField(default=dt.time(19, 0))
    weekday_session_end = models.TimeField(default=dt.time(21, 0))
    weekend_session_start = models.TimeField(default=dt.time(10, 0))
    weekend_session_end = models.TimeField(default=dt.time(13, 0))
    default_timezone = models.CharField(
        "time zone",
        max_length=64,
        default="Asia/Kolkata",
        validators=[validate_time_zone],
        help_text="IANA time zone of planned batches, e.g. Asia/Kolkata.",
    )
    default_capacity = models.PositiveIntegerField(
        "capacity", null=True, blank=True, help_text="Seats per planned batch; empty = unlimited."
    )
    default_min_participants = models.PositiveIntegerField(
        "minimum participants",
        null=True,
        blank=True,
        help_text="Confirmed seats a planned batch needs to run; the demand board marks a "
        "month with this many interested people. Empty = no minimum.",
    )
    weekday_batch_weeks = models.PositiveSmallIntegerField(
        "weekday batch length (weeks)", default=4
    )
    weekend_batch_weeks = models.PositiveSmallIntegerField(
        "weekend batch length (weeks)", default=6
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_hours__gt=0),
                name="course_duration_positive",
                violation_error_message="A course lasts at least one hour.",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="course_price_not_negative",
                violation_error_message="The price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | ~Q(currency=""),
                name="course_price_has_currency",
                violation_error_message="A price needs a currency.",
            ),
            models.CheckConstraint(
                condition=Q(weekday_session_end__gt=F("weekday_session_start"))
                & Q(weekend_session_end__gt=F("weekend_session_start")),
                name="course_default_sessions_end_after_start",
                violation_error_message="A default session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(weekday_batch_weeks__gt=0) & Q(weekend_batch_weeks__gt=0),
                name="course_default_batch_weeks_positive",
                violation_error_message="A batch lasts at least one week.",
            ),
            models.CheckConstraint(
                condition=Q(default_capacity__isnull=True) | Q(default_capacity__gt=0),
                name="course_default_capacity_positive",
                violation_error_message="Capacity must be at least one seat, or empty.",
            ),
            models.CheckConstraint(
                condition=Q(default_min_participants__isnull=True)
                | Q(default_capacity__isnull=True)
                | Q(default_min_participants__lte=F("default_capacity")),
                name="course_default_minimum_within_capacity",
                violation_error_message="The minimum cannot be more than the capacity.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.currency = self.currency.upper()
        if self.currency and not (len(self.currency) == 3 and self.currency.isalpha()):
            raise ValidationError({"currency": "Use a three-letter ISO 4217 code such as INR."})


class OrderedContent(models.Model):
    """Content staff put in order with an editable order number."""

    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    objects = CatalogQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class TrainingMode(OrderedContent):
    """A way to take a course: instructor-led live online, project-based, self-paced …"""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300)

    class Meta(OrderedContent.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class Inclusion(OrderedContent):
    """Something a learner gets: recorded sessions, materials, a certificate …"""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300)

    class Meta(OrderedContent.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class CurriculumModule(OrderedContent):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown.")

    class Meta(OrderedContent.Meta):
        pass

    def __str__(self) -> str:
        return self.title


class QuestionLevel(OrderedContent):
    """Interview-question levels (Beginner, Intermediate, Advanced …), in their order."""

    name = models.CharField(max_length=50, unique=True)

    class Meta(OrderedContent.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class InterviewQuestion(OrderedContent):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    level = models.ForeignKey(QuestionLevel, on_delete=models.PROTECT, related_name="questions")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")

    class Meta:
        ordering = ["level__order", "order", "pk"]

    def __str__(self) -> str:
        return self.question


class FAQ(OrderedContent):
    """A frequently asked question: about one course, or general (no course)."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="faqs"
    )
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")

    class Meta(OrderedContent.Meta):
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self) -> str:
        return self.question


class ArticleQuerySet(CatalogQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    courses = models.ManyToManyField(Course, blank=True, related_name="articles")
    is_published = models.BooleanField("published", default=False)
    published_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:article", kwargs={"slug": self.slug})


# The seat ledger, in SQL: seats a batch has given or holds for an open offer.
SEATS_IN_USE = F("seats_taken") + F("seats_held")
# Free seats, in SQL, for ordering (NULL for an unlimited batch).
SEATS_LEFT = F("capacity") - SEATS_IN_USE


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


class BatchQuerySet(CatalogQuerySet):
    def published(self):
        return self.filter(is_published=True, course__is_published=True)

    def scheduled(self):
        return self.filter(status=Batch.Status.SCHEDULED)

    def upcoming(self, *, today: dt.date | None = None):
        return self.filter(start_date__gte=today or timezone.localdate())

    def in_calendar_feeds(self, *, today: dt.date | None = None):
        """Upcoming published batches, cancelled ones included: a subscriber's calendar
        then marks a cancelled batch CANCELLED instead of silently dropping it."""
        return self.published().upcoming(today=today)

    def open_for_enquiry(self, *, today: dt.date | None = None):
        """Batches a learner may enquire about: published, not cancelled, not yet started."""
        return self.published().scheduled().upcoming(today=today)

    def full(self):
        """Batches with no free seat once open offers count (unlimited ones never are)."""
        return self.filter(capacity__isnull=False, capacity__lte=SEATS_IN_USE)

    def with_room_for(self, seats: int):
        """Batches that could seat `seats` more learners now."""
        return self.filter(Q(capacity__isnull=True) | Q(capacity__gte=SEATS_IN_USE + seats))

    def few_seats_left(self):
        """Batches with free seats, at most Batch.FEW_SEATS (as Batch.has_few_seats_left)."""
        return self.filter(
            capacity__isnull=False,
            capacity__gt=SEATS_IN_USE,
            capacity__lte=SEATS_IN_USE + Batch.FEW_SEATS,
        )

    def under_minimum(self):
        return self.filter(min_participants__isnull=False, seats_taken__lt=F("min_participants"))

    def guaranteed(self):
        return self.filter(min_participants__isnull=False, seats_taken__gte=F("min_participants"))

    def for_schedule(self):
        return self.select_related("course", "course__category", "trainer").order_by(
            "start_date", "track", "session_start", "pk"
        )

    def month_counts(self) -> list[tuple[dt.date, int]]:
        """(first day of the month, how many batches start in it), in order: one query."""
        rows = (
            self.order_by()
            .annotate(month_start=TruncMonth("start_date"))
            .values("month_start")
            .annotate(batches=Count("pk"))
            .order_by("month_start")
        )
        return [(_as_date(row["month_start"]), row["batches"]) for row in rows]

    def in_month(self, month: dt.date):
        return self.filter(start_date__year=month.year, start_date__month=month.month)

    def matching(
        self,
        *,
        course: str = "",
        category: str = "",
        month: dt.date | None = None,
        track: str = "",
        mode: str = "",
    ):
        """Apply the public schedule's filters; an empty filter matches everything."""
        batches = self
        if course:
            batches = batches.filter(course__slug=course)
        if category:
            batches = batches.filter(course__category__slug=category)
        if month:
            batches = batches.in_month(month)
        if track:
            batches = batches.filter(track=track)
        if mode:
            batches = batches.filter(delivery=mode)
        return batches


LEDGER_FIELDS = ("seats_taken", "seats_held", "waiting_count")


class Weekday(models.IntegerChoices):
    """Days of the week, Monday = 0 (as date.weekday()): a trainer's availability, a
    learner's preferred days."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The days each track meets (Monday is 0); read it through Batch.Track(...).weekdays.
TRACK_WEEKDAYS: dict[str, tuple[int, ...]] = {"weekday": (0, 1, 2, 3, 4), "weekend": (5, 6)}


class Batch(models.Model):
    class Track(models.TextChoices):
        WEEKDAY = "weekday", "Weekdays (Mon–Fri)"
        WEEKEND = "weekend", "Weekend (Sat–Sun)"

        @property
        def weekdays(self) -> tuple[int, ...]:
            """The days the track meets, Monday = 0: the one definition of a track's days."""
            return TRACK_WEEKDAYS[self.value]

        @property
        def days_label(self) -> str:
            return f"{WEEKDAY_NAMES[self.weekdays[0]]}–{WEEKDAY_NAMES[self.weekdays[-1]]}"

    class Delivery(models.TextChoices):
        ONLINE = "online", "Live online"
        CLASSROOM = "classroom", "Classroom"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    # At most this many free seats is "few seats left" (has_few_seats_left, few_seats_left()).
    FEW_SEATS = 3

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="batches")
    track = models.CharField(max_length=10, choices=Track)
    start_date = models.DateField()
    end_date = models.DateField()
    session_start = models.TimeField(help_text="Wall-clock time in the batch's time zone.")
    session_end = models.TimeField(help_text="Wall-clock time in the batch's time zone.")
    timezone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA time zone name, e.g. Asia/Kolkata.",
    )
    delivery = models.CharField(max_length=10, choices=Delivery, default=Delivery.ONLINE)
    location = models.CharField(
        max_length=200, blank=True, help_text="Venue address; required for classroom batches."
    )
    # Assigned through enquiries.services.trainers, which checks every session against the
    # trainer's other sessions, availability and leave under the trainer's lock.
    trainer = models.ForeignKey(
        "Trainer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        help_text="Checked session by session against the trainer's other sessions, weekly "
        "availability and leave.",
    )
    joining_details = models.TextField(
        blank=True,
        help_text="The meeting link, or the classroom's address and how to find the room. "
        "Only learners with a confirmed seat see it (their email, private page and calendar "
        "file); never shown on public pages.",
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of seats; leave empty for unlimited."
    )
    min_participants = models.PositiveIntegerField(
        "minimum participants",
        null=True,
        blank=True,
        help_text="Confirmed seats needed for the batch to run; empty = no minimum.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.SCHEDULED)
    is_published = models.BooleanField(
        "published", default=True, help_text="Unpublished batches are hidden from the site."
    )

    # The seat ledger: written only by the seat service (enquiries.services.seats), inside the
    # transaction that holds this row's lock and changes the seats; a plain save() leaves them
    # alone, and the database refuses any write that would overbook.
    seats_taken = models.PositiveIntegerField("confirmed seats", default=0, editable=False)
    seats_held = models.PositiveIntegerField("seats held by offers", default=0, editable=False)
    waiting_count = models.PositiveIntegerField("people waiting", default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BatchQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", *LEDGER_FIELDS])

    class Meta:
        ordering = ["start_date", "track", "session_start"]
        verbose_name_plural = "batches"
        indexes = [
            models.Index(fields=["start_date", "status"]),
            # A course's next batches (its page, the catalog's "next batch"), in date order.
            models.Index(fields=["course", "start_date"], name="batch_course_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="batch_ends_after_start",
                violation_error_message="A batch cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(session_end__gt=F("session_start")),
                name="batch_session_ends_after_start",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="batch_capacity_positive",
                violation_error_message="Capacity must be at least one seat, or empty.",
            ),
            models.CheckConstraint(
                condition=Q(min_participants__isnull=True)
                | Q(capacity__isnull=True)
                | Q(min_participants__lte=F("capacity")),
                name="batch_minimum_within_capacity",
                violation_error_message="The minimum cannot be more than the capacity.",
            ),
            models.UniqueConstraint(
                fields=["course", "track", "start_date", "session_start"],
                name="batch_unique_per_course_track_start",
                violation_error_message=(
                    "This course already has a batch on this track starting at that date and time."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(delivery="classroom") | ~Q(location=""),
                name="batch_classroom_has_location",
                violation_error_message="A classroom batch needs a location.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=SEATS_IN_USE),
                name="batch_seats_within_capacity",
                violation_error_message=(
                    "The capacity cannot be below the confirmed seats plus open offers."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(seats_taken=0, seats_held=0, waiting_count=0),
                name="batch_cancelled_holds_no_seats",
                violation_error_message=(
                    "Cancel a batch with “Cancel batches…”: it releases the seats and "
                    "waiting list and tells each person."
                ),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.course} · {self.get_track_display()} · "
            f"{self.start_date:%a %d %b %Y}–{self.end_date:%a %d %b %Y}"
        )

    def save(self, *args, **kwargs):
        # The ledger is the seat service's: any other save writes every field but those, so a
        # form loaded before a seat changed cannot put back the old counts.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in LEDGER_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The time zone name is checked by the field's validator.
        errors = {}
        known_track = self.track in self.Track.values
        if self.start_date and known_track and self.start_date.weekday() not in self.weekdays:
            errors["start_date"] = (
                "A weekday batch must start on a day from Monday to Friday."
                if self.track == self.Track.WEEKDAY
                else "A weekend batch must start on a Saturday or Sunday."
            )
        in_use = self.seats_taken + self.seats_held
        if self.capacity is not None and self.capacity < in_use:
            errors["capacity"] = (
                f"This batch has {self.seats_taken} confirmed "
                f"seat{'s' if self.seats_taken != 1 else ''} and {self.seats_held} open "
                f"offer{'s' if self.seats_held != 1 else ''}, so its capacity cannot go below "
                f"{in_use}. Cancel or move seats first."
            )
        if errors:
            raise ValidationError(errors)

    # Derived values, computed from the stored wall-clock times and zone.

    @property
    def month(self) -> dt.date:
        return self.start_date.replace(day=1)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def first_session_starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start_date, self.session_start, tzinfo=self.zone)

    @property
    def time_zone_abbreviation(self) -> str:
        """The zone's abbreviation on the first day, e.g. IST, CET or CEST."""
        return self.first_session_starts_at.strftime("%Z")

    @property
    def session_times_label(self) -> str:
        return f"{self.session_start:%H:%M}–{self.session_end:%H:%M} {self.time_zone_abbreviation}"

    @property
    def days_label(self) -> str:
        return self.Track(self.track).days_label

    def session_days(self) -> list[dt.date]:
        """Every date the batch meets: its track's weekdays from start to end date."""
        weekdays = self.weekdays
        days, day = [], self.start_date
        while day <= self.end_date:
            if day.weekday() in weekdays:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def sessions(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """Each session as (start, end) in UTC: the wall-clock times in the batch's zone on
        each session day, so a daylight-saving change moves the UTC times, not the local ones."""
        zone = self.zone
        return [
            (
                dt.datetime.combine(day, self.session_start, tzinfo=zone).astimezone(dt.UTC),
                dt.datetime.combine(day, self.session_end, tzinfo=zone).astimezone(dt.UTC),
            )
            for day in self.session_days()
        ]

    @property
    def weekdays(self) -> tuple[int, ...]:
        return self.Track(self.track).weekdays

    # Seats, from the ledger on this row (SEATS_IN_USE and the queryset methods say the same
    # in SQL).

    @property
    def seats_left(self) -> int | None:
        """Free seats once open offers count; None for an unlimited batch."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken - self.seats_held, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def has_few_seats_left(self) -> bool:
        """Free seats, but few: the public pages' "Few seats left" badge."""
        seats_left = self.seats_left
        return seats_left is not None and 0 < seats_left <= self.FEW_SEATS

    @property
    def is_guaranteed(self) -> bool:
        """Enough confirmed seats to run."""
        return self.min_participants is not None and self.seats_taken >= self.min_participants

    @property
    def is_under_minimum(self) -> bool:
        return self.min_participants is not None and self.seats_taken < self.min_participants

    def closed_reason(self, *, today: dt.date | None = None) -> str | None:
        """Why this batch takes no enquiries, in words a learner understands; None if open."""
        today = today or timezone.localdate()
        if self.status == self.Status.CANCELLED:
            return "This batch has been cancelled."
        if not (self.is_published and self.course.is_published):
            return "This batch is not open for enquiries."
        if self.start_date < today:
            return "This batch has already started."
        return None


# Trainers: who teaches, when they can, and when they are away. Whether a trainer may take a
# session (no overlap with their other sessions, inside their availability, not on leave) is
# decided by enquiries.services.trainers, which also sees one-on-one plan sessions.


def new_calendar_token() -> str:
    return secrets.token_urlsafe(30)


class Trainer(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="Asia/Kolkata",
        validators=[validate_time_zone],
        help_text="IANA zone of the trainer's availability, e.g. Europe/London.",
    )
    courses = models.ManyToManyField(
        Course, blank=True, related_name="trainers", help_text="The courses they teach."
    )
    bio = models.CharField(
        "short bio",
        max_length=300,
        blank=True,
        help_text="One or two sentences shown beside their batches on the course page.",
    )
    calendar_token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class TrainerAvailability(models.Model):
    """A weekly window the trainer can teach in, as wall-clock times in their own zone."""

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start_time = models.TimeField(help_text="The trainer's wall-clock time.")
    end_time = models.TimeField(help_text="The trainer's wall-clock time.")

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = "weekly availability"
        verbose_name_plural = "weekly availability"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="trainer_availability_ends_after_start",
                violation_error_message="An availability window must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6),
                name="trainer_availability_weekday",
                violation_error_message="Choose a day of the week.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TrainerLeave(models.Model):
    """Days the trainer is away (dates in their own zone, both included)."""

    trainer = models.ForeignKey(Trainer, on_delete=models.CASCADE, related_name="leave")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name = "leave"
        verbose_name_plural = "leave"
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="trainer_leave_ends_after_start",
                violation_error_message="Leave cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{date_format(self.first_day, 'D j M Y')}–{date_format(self.last_day, 'D j M Y')}"
