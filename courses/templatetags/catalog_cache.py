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

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from ..page_cache import kept

register = template.Library()


class CatalogFragmentNode(template.Node):
    def __init__(
        self, nodelist: NodeList, name: str, vary_on: list[FilterExpression], *, shared: bool
    ):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.shared = shared

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = "\n".join(["fragment", self.name, *(str(v.resolve(context)) for v in self.vary_on)])
        return kept(
            request, name, lambda: self.nodelist.render(context), per_view=True, shared=self.shared
        )


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
