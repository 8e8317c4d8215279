from django.urls import path

from . import views

app_name = "enquiries"

urlpatterns = [
    path("courses/<slug:slug>/enquire/", views.enquire, name="enquire"),
    path("enquiries/thanks/", views.enquiry_received, name="received"),
    path("courses/<slug:slug>/waiting-list/", views.join_waitlist, name="waitlist_join"),
    path("waiting-list/<str:token>/", views.waitlist_place, name="waitlist_place"),
    path("waiting-list/<str:token>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("waiting-list/<str:token>/accept/", views.offer_accept, name="offer_accept"),
]
