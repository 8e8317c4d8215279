from django.urls import path

from . import views, views_feeds
from .views_preferences import set_viewer_zone

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/", views.course_list, name="list"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("schedule/", views.schedule, name="schedule"),
    path("preferences/time-zone/", set_viewer_zone, name="viewer_zone"),
    # Calendar files (.ics): one batch, a course's upcoming batches, the (filtered) schedule.
    path("schedule/batches/<int:pk>.ics", views_feeds.batch_calendar, name="batch_calendar"),
    path("schedule/calendar.ics", views_feeds.schedule_calendar, name="schedule_calendar"),
    path("courses/<slug:slug>/calendar.ics", views_feeds.course_calendar, name="course_calendar"),
    path("articles/", views.article_list, name="articles"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("about/", views.about, name="about"),
]
