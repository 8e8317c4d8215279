"""Fragments of the public pages kept between requests, for as long as the catalog's version.

    {% load catalog_cache %}
    {% catalog_fragment "course-card" course.pk %} … {% endcatalog_fragment %}

A fragment is kept per name and values given, per catalog version (courses.versions), per
zone the viewer picked and per day in it (courses.page_cache.PageKey), in this process's
memory (the "fragments" cache): it is shared by every page and URL that shows it (a batch's
row on the home page, the schedule and its filters), and a write anywhere renders it afresh
on the next request. Outside a public page (no version on the request) it is rendered each
time.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template.base import FilterExpression, NodeList, Parser, Token

register = template.Library()


class CatalogFragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, name: str, vary_on: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        page_variant = getattr(request, "catalog_page_variant", None)
        if page_variant is None:
            return self.nodelist.render(context)
        parts = [self.name, page_variant, *(str(v.resolve(context)) for v in self.vary_on)]
        key = "fragment:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        fragments = caches["fragments"]
        html = fragments.get(key)
        if html is None:
            html = self.nodelist.render(context)
            fragments.set(key, html, timeout=settings.BATCHWISE_PAGE_CACHE_SECONDS)
        return html


@register.tag
def catalog_fragment(parser: Parser, token: Token) -> CatalogFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("catalog_fragment needs a name")
    nodelist = parser.parse(("endcatalog_fragment",))
    parser.delete_first_token()
    return CatalogFragmentNode(
        nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]]
    )
