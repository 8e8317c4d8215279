"""The time trap beside the honeypot: each public form carries when it was shown, signed.

A person reads a form before sending it; a bot posts at once, or without loading the form at
all. A POST with no stamp, a forged one, or one sent sooner than BATCHWISE_FORM_MIN_SECONDS
after the form was shown is stored as spam, silently, like a filled honeypot. A stamp older
than BATCHWISE_FORM_MAX_SECONDS is no sign of a bot (a tab left open overnight): the form is
shown again with a fresh stamp, what was typed kept, and asks to be sent again.
"""

import enum
import time

from django.conf import settings
from django.core import signing

SALT = "batchwise.forms.shown-at"
FIELD = "shown_at"


class Verdict(enum.Enum):
    PERSON = "person"
    SPAM = "spam"
    STALE = "stale"


class _Signer(signing.TimestampSigner):
    def age(self, stamp: str) -> float:
        """Seconds since the stamp was made; raises BadSignature for a forged stamp."""
        _, made = signing.Signer.unsign(self, stamp).rsplit(self.sep, 1)
        return time.time() - signing.b62_decode(made)


_signer = _Signer(salt=SALT)


def stamp(*, age: float = 0) -> str:
    """A stamp for a form shown `age` seconds ago: now, unless it was read already."""
    shown_at = signing.b62_encode(int(time.time() - age))
    return signing.Signer.sign(_signer, f"form{_signer.sep}{shown_at}")


def verdict(value: str | None) -> Verdict:
    if not value:
        return Verdict.SPAM
    try:
        age = _signer.age(value)
    except (signing.BadSignature, ValueError):
        return Verdict.SPAM
    if age < settings.BATCHWISE_FORM_MIN_SECONDS:
        return Verdict.SPAM
    if age > settings.BATCHWISE_FORM_MAX_SECONDS:
        return Verdict.STALE
    return Verdict.PERSON
