"""Template tags for the <head>: canonical address, page metadata and structured data.

{% capture page_title %}{% block title %}…{% endblock %}{% endcapture %}
    Renders its content once (blocks inside still take the child template's override)
    and stores it, stripped, in a variable: base.html writes each page's title and
    description once and reuses them in <title>, the meta description and OpenGraph.
{% canonical_url %}
    The absolute address of this page without its query string.
{% canonical_url category=selected_category.slug page=page.number %}
    …with the given parameters (empty ones and page 1 are left out).
{% course_structured_data course months %} / {% home_structured_data %}
    The page's JSON-LD data blocks (courses/structured_data.py).
"""

from urllib.parse import urlencode

from django import template
from django.utils.safestring import SafeString, mark_safe

from courses import structured_data

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, variable: str):
        self.nodelist = nodelist
        self.variable = variable

    def render(self, context) -> str:
        # The content was rendered with autoescaping, so it is safe to output as it is.
        context[self.variable] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("Usage: {% capture variable %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


@register.simple_tag(takes_context=True)
def canonical_url(context, **params) -> str:
    """The page's canonical address: absolute, on the host and scheme of the request.

    Only the parameters a template passes are kept; tracking (utm_*), search text and
    anything else in the address bar never are. Outside a request (the 500 page) it is "".
    """
    request = context.get("request")
    if request is None:
        return ""
    kept = {
        name: value
        for name, value in params.items()
        if value not in (None, "") and not (name == "page" and str(value) == "1")
    }
    query = f"?{urlencode(kept)}" if kept else ""
    return request.build_absolute_uri(request.path) + query


@register.simple_tag(takes_context=True)
def course_structured_data(context, course, months, faqs=()) -> SafeString:
    """JSON-LD for the course page, from the batches and FAQs the page already shows."""
    request = context["request"]
    batches = [batch for month in months for batch in month.batches]
    return structured_data.render_json_ld(
        structured_data.course_page_json_ld(
            course=course, batches=batches, absolute_url=request.build_absolute_uri, faqs=faqs
        )
    )


@register.simple_tag(takes_context=True)
def article_structured_data(context, article) -> SafeString:
    return structured_data.render_json_ld(
        structured_data.article_page_json_ld(
            article=article, absolute_url=context["request"].build_absolute_uri
        )
    )


@register.simple_tag(takes_context=True)
def home_structured_data(context) -> SafeString:
    return structured_data.render_json_ld(
        structured_data.home_page_json_ld(absolute_url=context["request"].build_absolute_uri)
    )
