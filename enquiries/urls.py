from django.urls import path, register_converter

from .views import public as views
from .views.digest import digest_unsubscribe
from .views.one_on_one import request_one_on_one, training_plan, training_plan_calendar
from .views.trainers import trainer_calendar


class PrivateTokenConverter:
    """A private link's token: URL-safe base64 (secrets.token_urlsafe). Anything else, a NUL
    byte included, matches no URL, so it is a 404 before any query."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PrivateTokenConverter, "private_token")

app_name = "enquiries"

urlpatterns = [
    path("courses/<slug:slug>/enquire/", views.enquire, name="enquire"),
    path("contact/", views.contact, name="contact"),
    path("enquiries/thanks/", views.enquiry_received, name="received"),
    path("courses/<slug:slug>/waiting-list/", views.join_waitlist, name="waitlist_join"),
    path("waiting-list/emailed/", views.waitlist_emailed, name="waitlist_emailed"),
    path("waiting-list/<private_token:token>/", views.waitlist_place, name="waitlist_place"),
    path("waiting-list/<private_token:token>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("waiting-list/<private_token:token>/accept/", views.offer_accept, name="offer_accept"),
    path("courses/<slug:slug>/interest/", views.interest, name="interest"),
    path(
        "interest/<private_token:token>/unsubscribe/",
        views.interest_unsubscribe,
        name="interest_unsubscribe",
    ),
    path("courses/<slug:slug>/one-on-one/", request_one_on_one, name="one_on_one"),
    path("training-plan/<private_token:token>/", training_plan, name="training_plan"),
    path(
        "training-plan/<private_token:token>/calendar.ics",
        training_plan_calendar,
        name="training_plan_calendar",
    ),
    path("trainers/<private_token:token>/calendar.ics", trainer_calendar, name="trainer_calendar"),
    path(
        "emails/follow-up-digest/unsubscribe/<str:token>/",
        digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
