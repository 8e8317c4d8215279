from django.urls import path

from .views import public as views
from .views.one_on_one import request_one_on_one, training_plan, training_plan_calendar

app_name = "enquiries"

urlpatterns = [
    path("courses/<slug:slug>/enquire/", views.enquire, name="enquire"),
    path("enquiries/thanks/", views.enquiry_received, name="received"),
    path("courses/<slug:slug>/waiting-list/", views.join_waitlist, name="waitlist_join"),
    path("waiting-list/emailed/", views.waitlist_emailed, name="waitlist_emailed"),
    path("waiting-list/<str:token>/", views.waitlist_place, name="waitlist_place"),
    path("waiting-list/<str:token>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("waiting-list/<str:token>/accept/", views.offer_accept, name="offer_accept"),
    path("courses/<slug:slug>/one-on-one/", request_one_on_one, name="one_on_one"),
    path("training-plan/<str:token>/", training_plan, name="training_plan"),
    path(
        "training-plan/<str:token>/calendar.ics",
        training_plan_calendar,
        name="training_plan_calendar",
    ),
]
