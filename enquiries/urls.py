from django.urls import path

from . import views

app_name = "enquiries"

urlpatterns = [
    path("courses/<slug:slug>/enquire/", views.enquire, name="enquire"),
    path("enquiries/thanks/", views.enquiry_received, name="received"),
]
