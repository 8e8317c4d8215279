from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Batchwise back office"
admin.site.site_title = "Batchwise"
admin.site.index_title = "Courses, batches and enquiries"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("enquiries.urls")),
    path("", include("courses.urls")),
]
