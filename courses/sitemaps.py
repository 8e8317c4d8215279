"""Sections of /sitemap.xml (Django's sitemap framework; wired in config/urls.py).

URLs are absolute, on the host and scheme the sitemap was requested with. To add a section,
write a Sitemap class and add it to SITEMAPS; enquiries adds its public pages (the contact
page) in config/urls.py, since courses never names enquiries' URLs.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category, Course


class StaticPagesSitemap(Sitemap):
    """The fixed public pages."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "courses:home",
            "courses:list",
            "courses:schedule",
            "courses:articles",
            "courses:about",
            "courses:privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class CourseSitemap(Sitemap):
    """Every published course page, last modified when the course was last saved."""

    changefreq = "weekly"

    def items(self):
        return Course.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, course: Course):
        return course.updated_at


class CategorySitemap(Sitemap):
    """The catalog filtered to one category (/courses/?category=<slug>), for each category
    with a published course: these listings are canonical pages of their own."""

    changefreq = "weekly"

    def items(self):
        return (
            Category.objects.filter(courses__is_published=True)
            .distinct()
            .order_by("pk")
            .only("slug")
        )


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, article: Article):
        return article.updated_at


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": StaticPagesSitemap,
    "courses": CourseSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
}
