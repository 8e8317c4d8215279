from django.conf import settings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "contact_email": settings.BATCHWISE_CONTACT_EMAIL,
        "contact_phone": settings.BATCHWISE_CONTACT_PHONE,
        "contact_address": settings.BATCHWISE_CONTACT_ADDRESS,
    }
