"""The site's URLs plus one view that fails, to see what a server error does."""

from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    return 1 / 0


urlpatterns = [path("broken/", broken), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
