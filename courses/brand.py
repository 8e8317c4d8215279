"""A provider's brand colour, applied at run time through Bootstrap's custom properties.

The built stylesheet has the default brand (courses/assets/scss/_brand.scss). With
BATCHWISE_BRAND_COLOR set, every page also links /brand.css: a few custom properties derived
from that colour (the colour, its hover and active shades, and a link colour for each colour
scheme that keeps WCAG AA contrast), which the stylesheet's primary components read. A
stylesheet, not an inline style, so the strict CSP stays; its URL names the colour, so it is
cached for a year and a new colour is a new URL.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

type RGB = tuple[int, int, int]

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
# The backgrounds links sit on: the light scheme's tertiary background (#f8f9fa, its lowest
# contrast) and the dark scheme's (#2b3035).
LIGHT_BACKGROUND: RGB = (248, 249, 250)
DARK_BACKGROUND: RGB = (43, 48, 53)
AA = 4.5


def parse(colour: str) -> RGB:
    if not HEX_COLOUR.fullmatch(colour):
        raise ValueError(f"{colour!r} is not a colour written #rrggbb")
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def mix(rgb: RGB, other: RGB, weight: float) -> RGB:
    """`weight` of `other` into `rgb`, as Sass's mix(): Bootstrap's shade and tint."""
    return (
        round(rgb[0] + (other[0] - rgb[0]) * weight),
        round(rgb[1] + (other[1] - rgb[1]) * weight),
        round(rgb[2] + (other[2] - rgb[2]) * weight),
    )


def luminance(rgb: RGB) -> float:
    """Relative luminance, as WCAG 2 defines it."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: RGB, two: RGB) -> float:
    lighter, darker = sorted((luminance(one), luminance(two)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(rgb: RGB, background: RGB, *, towards: RGB) -> RGB:
    """`rgb` moved towards black or white, in 5% steps, until it has AA contrast."""
    step = 0
    colour = rgb
    while contrast(colour, background) < AA and step < 20:
        step += 1
        colour = mix(rgb, towards, step / 20)
    return colour


def custom_properties(colour: str) -> str:
    """The stylesheet that applies `colour` as the primary colour, in both colour schemes."""
    rgb = parse(colour)
    light_link = readable_on(rgb, LIGHT_BACKGROUND, towards=BLACK)
    dark_link = readable_on(mix(rgb, WHITE, 0.4), DARK_BACKGROUND, towards=WHITE)

    def link(prefix: str, value: RGB, hover: RGB, emphasis: RGB) -> str:
        return (
            f"{prefix}--bs-link-color:{to_hex(value)};"
            f"--bs-link-color-rgb:{','.join(map(str, value))};"
            f"--bs-link-hover-color:{to_hex(hover)};"
            f"--bs-link-hover-color-rgb:{','.join(map(str, hover))};"
            f"--bs-primary-text-emphasis:{to_hex(emphasis)}}}"
        )

    return (
        f":root{{--bs-primary:{colour.lower()};--bs-primary-rgb:{','.join(map(str, rgb))};"
        f"--bw-primary-hover:{to_hex(mix(rgb, BLACK, 0.15))};"
        f"--bw-primary-active:{to_hex(mix(rgb, BLACK, 0.2))};"
        f"--bs-primary-bg-subtle:{to_hex(mix(rgb, WHITE, 0.8))};"
        f"--bs-primary-border-subtle:{to_hex(mix(rgb, WHITE, 0.6))}}}\n"
        + link(":root{", light_link, mix(light_link, BLACK, 0.2), mix(rgb, BLACK, 0.6))
        + "\n@media (prefers-color-scheme: dark){"
        + link(":root{", dark_link, mix(dark_link, WHITE, 0.2), mix(rgb, WHITE, 0.4))
        + f":root{{--bs-primary-bg-subtle:{to_hex(mix(rgb, BLACK, 0.8))};"
        f"--bs-primary-border-subtle:{to_hex(mix(rgb, BLACK, 0.6))}}}}}\n"
    )


def check_configuration() -> None:
    """A brand colour that is not #rrggbb, or that white text (buttons, the navigation bar)
    cannot be read on, stops start-up: it would make every page fail WCAG AA."""
    colour = settings.BATCHWISE_BRAND_COLOR
    if not colour:
        return
    try:
        rgb = parse(colour)
    except ValueError as error:
        raise ImproperlyConfigured(f"BATCHWISE_BRAND_COLOR: {error}, e.g. #0f766e.") from None
    ratio = contrast(rgb, WHITE)
    if ratio < AA:
        darker = to_hex(readable_on(rgb, WHITE, towards=BLACK))
        raise ImproperlyConfigured(
            f"BATCHWISE_BRAND_COLOR {colour}: white text on it (buttons, the navigation bar) "
            f"has a contrast of {ratio:.1f}:1, below WCAG AA's {AA}:1. The same hue darker, "
            f"{darker}, has enough."
        )


def stylesheet_url() -> str:
    """Where the pages find the provider's colour; empty when the built default applies."""
    colour = settings.BATCHWISE_BRAND_COLOR
    return f"{reverse('brand_css')}?v={colour[1:].lower()}" if colour else ""


@require_safe
def brand_css(request: HttpRequest) -> HttpResponse:
    if not settings.BATCHWISE_BRAND_COLOR:
        raise Http404("No brand colour is set.")
    response = HttpResponse(
        custom_properties(settings.BATCHWISE_BRAND_COLOR), content_type="text/css; charset=utf-8"
    )
    # The URL carries the colour (stylesheet_url), so a changed colour is never served stale.
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response
