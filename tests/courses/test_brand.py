"""A provider's identity: name, logo, brand colour (/brand.css) and contact details."""

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from courses import brand

PAGE = "/privacy/"


def footer(response) -> str:
    return response.content.decode().split("<footer", 1)[1]


@pytest.mark.django_db
def test_the_footer_links_the_contact_details_from_settings(client, settings):
    settings.BATCHWISE_CONTACT_EMAIL = "learn@acme.example"
    settings.BATCHWISE_CONTACT_PHONE = "+91 20 1234 5678"
    settings.BATCHWISE_CONTACT_ADDRESS = "4 MG Road, Pune"

    html = footer(client.get(PAGE))

    assert '<a href="mailto:learn@acme.example">learn@acme.example</a>' in html
    assert '<a href="tel:+912012345678">+91 20 1234 5678</a>' in html
    assert "4 MG Road, Pune" in html
    assert 'href="/privacy/"' in html and "zone-picker" in html


@pytest.mark.django_db
def test_a_contact_detail_left_empty_is_left_out(client, settings):
    settings.BATCHWISE_CONTACT_EMAIL = ""
    settings.BATCHWISE_CONTACT_PHONE = "+91 20 1234 5678"
    settings.BATCHWISE_CONTACT_ADDRESS = ""

    html = footer(client.get(PAGE))

    assert "mailto:" not in html
    assert 'href="tel:+912012345678"' in html


@pytest.mark.django_db
def test_the_navigation_shows_the_site_name_and_logo(client, settings):
    settings.SITE_NAME = "Acme Academy"
    settings.BATCHWISE_LOGO_URL = "/media/acme-logo.svg"

    html = client.get(PAGE).content.decode()

    assert re.search(
        r'class="navbar-brand[^"]*"[^>]*><img src="/media/acme-logo.svg" alt="" '
        r'width="32" height="32">Acme Academy</a>',
        html,
    )


@pytest.mark.django_db
def test_without_a_logo_setting_the_bundled_mark_is_shown(client, settings):
    settings.BATCHWISE_LOGO_URL = ""

    html = client.get(PAGE).content.decode()

    assert re.search(r'<img src="/static/batchwise/favicon\.[0-9a-f]+\.svg" alt=""', html)


@pytest.mark.django_db
def test_without_a_brand_colour_no_brand_stylesheet_is_linked_or_served(client, settings):
    settings.BATCHWISE_BRAND_COLOR = ""

    assert "brand.css" not in client.get(PAGE).content.decode()
    assert client.get("/brand.css").status_code == 404


@pytest.mark.django_db
def test_a_brand_colour_is_served_as_a_cacheable_stylesheet_every_page_links(client, settings):
    settings.BATCHWISE_BRAND_COLOR = "#6D28D9"

    html = client.get(PAGE).content.decode()
    assert '<link rel="stylesheet" href="/brand.css?v=6d28d9">' in html

    response = client.get("/brand.css?v=6d28d9")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )
    css = response.content.decode()
    assert "--bs-primary:#6d28d9;--bs-primary-rgb:109,40,217;" in css
    assert "@media (prefers-color-scheme: dark)" in css


def link_colours(css: str) -> list[brand.RGB]:
    return [brand.parse(hex_) for hex_ in re.findall(r"--bs-link-color:(#[0-9a-f]{6})", css)]


@pytest.mark.parametrize("colour", ["#0f766e", "#6d28d9", "#1d4ed8", "#b45309", "#000000"])
def test_the_link_colour_keeps_aa_contrast_in_both_colour_schemes(colour):
    light, dark = link_colours(brand.custom_properties(colour))

    assert brand.contrast(light, brand.LIGHT_BACKGROUND) >= brand.AA
    assert brand.contrast(dark, brand.DARK_BACKGROUND) >= brand.AA


def test_a_brand_colour_not_written_as_hex_stops_start_up(settings):
    settings.BATCHWISE_BRAND_COLOR = "teal"

    with pytest.raises(ImproperlyConfigured, match="'teal' is not a colour written #rrggbb"):
        brand.check_configuration()


def test_a_brand_colour_too_light_for_white_text_stops_start_up_naming_a_darker_one(settings):
    settings.BATCHWISE_BRAND_COLOR = "#facc15"

    with pytest.raises(ImproperlyConfigured, match=r"1\.\d:1, below WCAG AA") as raised:
        brand.check_configuration()

    darker = re.search(r"darker, (#[0-9a-f]{6})", str(raised.value))
    assert darker
    assert brand.contrast(brand.parse(darker.group(1)), brand.WHITE) >= brand.AA


def test_a_readable_brand_colour_passes_the_start_up_check(settings):
    settings.BATCHWISE_BRAND_COLOR = "#0f766e"

    brand.check_configuration()


def csp_image_sources(**environ: str) -> list[str]:
    """The CSP's img-src that config/settings.py builds from this environment."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(' '.join(map(str, settings.SECURE_CSP['img-src'])))"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env | environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_an_off_site_logo_is_allowed_by_the_csp_and_nothing_else_is():
    assert csp_image_sources(BATCHWISE_LOGO_URL="https://cdn.acme.example/logo.svg") == [
        "'self'",
        "data:",
        "https://cdn.acme.example",
    ]
    assert csp_image_sources(BATCHWISE_LOGO_URL="/media/logo.svg") == ["'self'", "data:"]
