from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from config.views import hello
from courses.brand import brand_css
from courses.sitemaps import SITEMAPS
from courses.views_feeds import robots_txt
from enquiries.sitemaps import ContactPageSitemap
from enquiries.views.staff import demand_board, demand_invite, staff_calendar, staff_dashboard

admin.site.site_header = "Batchwise back office"
admin.site.site_title = "Batchwise"
admin.site.index_title = "Courses, batches and enquiries"

# The 500 page (a 503 for a database that cannot be reached).
handler500 = "config.views.server_error"

urlpatterns = [
    # Before admin/, whose catch-all would otherwise answer this URL.
    path("admin/dashboard/", staff_dashboard, name="staff-dashboard"),
    path("admin/calendar/", staff_calendar, name="staff-calendar"),
    path("admin/demand/", demand_board, name="staff-demand"),
    path("admin/demand/invite/", demand_invite, name="staff-demand-invite"),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("brand.css", brand_css, name="brand_css"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS | {"contact": ContactPageSitemap}},
        name="sitemap",
    ),
    path("", include("enquiries.urls")),
    path("", include("courses.urls")),
]

# The benchmark's baseline view, served only when BATCHWISE_BENCH_HELLO is set.
if settings.BATCHWISE_BENCH_HELLO:
    urlpatterns.insert(0, path("__hello__/", hello, name="bench-hello"))
