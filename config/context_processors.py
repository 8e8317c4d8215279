import re

from django.conf import settings
from django.templatetags.static import static

from courses.brand import stylesheet_url


def site(request):
    """The provider's name, logo, colour and contact details, for base.html (docs/design.md)."""
    phone = settings.BATCHWISE_CONTACT_PHONE
    return {
        "site_name": settings.SITE_NAME,
        "site_logo_url": settings.BATCHWISE_LOGO_URL or static("batchwise/favicon.svg"),
        "brand_stylesheet_url": stylesheet_url(),
        "contact": {
            "email": settings.BATCHWISE_CONTACT_EMAIL,
            "phone": phone,
            # tel: links take digits and a leading +, not the spaces people read.
            "phone_uri": "tel:" + re.sub(r"[^\d+]", "", phone) if phone else "",
            "address": settings.BATCHWISE_CONTACT_ADDRESS,
        },
    }
