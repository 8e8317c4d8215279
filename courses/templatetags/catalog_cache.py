"""Fragments of the public pages kept between requests, for as long as the catalog's version.

    {% load catalog_cache %}
    {% catalog_fragment "batch-row" batch.pk %} … {% endcatalog_fragment %}
    {% catalog_fragment "schedule-listing" request.get_full_path shared %} … {% endcatalog_… %}

A fragment is kept per name and values given, per catalog version (courses.versions), per
zone the viewer picked and per day in it (courses.page_cache.PageKey) and per release, so a
write anywhere renders it afresh on the next request. Outside a public page (no version on
the request), or with BATCHWISE_FRAGMENT_CACHE off, it is rendered each time.

A small fragment shared by many pages (a batch's row on the home page, the schedule and a
course page) is kept in this process's memory (the "fragments" cache). A page's whole
content, `shared`, goes to the shared cache (Redis in production) with its own eviction: it
is large, one per URL, and every worker can use it. Its view hands the template lazy values
(SimpleLazyObject), so while the fragment is kept the page runs no query for it.
"""

import contextlib
import hashlib

from django import template
from django.conf import settings
from django.core.cache import caches
from django.template.base import FilterExpression, NodeList, Parser, Token
from redis.exceptions import RedisError

from ..page_cache import release

register = template.Library()


class CatalogFragmentNode(template.Node):
    def __init__(
        self, nodelist: NodeList, name: str, vary_on: list[FilterExpression], *, shared: bool
    ):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.cache_alias = "default" if shared else "fragments"

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        page_variant = getattr(request, "catalog_page_variant", None)
        if page_variant is None or not settings.BATCHWISE_FRAGMENT_CACHE:
            return self.nodelist.render(context)
        parts = [
            self.name,
            release(),
            page_variant,
            *(str(v.resolve(context)) for v in self.vary_on),
        ]
        key = "fragment:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        fragments = caches[self.cache_alias]
        try:
            html = fragments.get(key)
        except RedisError:  # the shared cache is unreachable: rendered, as with no cache
            return self.nodelist.render(context)
        if html is None:
            html = self.nodelist.render(context)
            with contextlib.suppress(RedisError):
                fragments.set(key, html, timeout=settings.BATCHWISE_PAGE_CACHE_SECONDS)
        return html


@register.tag
def catalog_fragment(parser: Parser, token: Token) -> CatalogFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("catalog_fragment needs a name")
    shared = bits[-1] == "shared"
    if shared:
        bits.pop()
    nodelist = parser.parse(("endcatalog_fragment",))
    parser.delete_first_token()
    return CatalogFragmentNode(
        nodelist,
        bits[1].strip("\"'"),
        [parser.compile_filter(bit) for bit in bits[2:]],
        shared=shared,
    )
