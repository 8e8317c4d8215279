"""Public pages read as written: no space before a full stop, comma or semicolon, which a
template leaves when an include or a tag ends in a newline before the punctuation."""

import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command

from tests.test_html_validity import public_pages

# A space, then punctuation that ends a clause (not ".grad" or ".ics" in a sentence).
SPACE_BEFORE_PUNCTUATION = re.compile(r"\S\s+[.,;](?=\s|$)")
NOT_PROSE = re.compile(r"<(script|style|select|pre)\b.*?</\1>", re.S)


def text_of(html: str) -> str:
    """The page's words as a browser lays them out inline: tags dropped, nothing added."""
    return unescape(re.sub(r"<[^>]+>", "", NOT_PROSE.sub(" ", html)))


def test_text_of_keeps_the_space_a_template_leaves_before_a_full_stop():
    assert SPACE_BEFORE_PUNCTUATION.search(text_of("<p>Mon 16 Mar <time>2026</time>\n.</p>"))
    assert not SPACE_BEFORE_PUNCTUATION.search(text_of("<p>Ends <time>2026</time>.</p>"))


@pytest.mark.django_db
def test_no_public_page_has_a_space_before_punctuation(client):
    call_command("load_demo", stdout=StringIO())

    stray = {
        name: [
            text[max(0, m.start() - 40) : m.end()] for m in SPACE_BEFORE_PUNCTUATION.finditer(text)
        ]
        for name, html in public_pages(client).items()
        if SPACE_BEFORE_PUNCTUATION.search(text := text_of(html))
    }

    assert stray == {}
