"""The public pages of enquiries that belong in /sitemap.xml (beside courses.sitemaps)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class ContactPageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["enquiries:contact"]

    def location(self, item: str) -> str:
        return reverse(item)
