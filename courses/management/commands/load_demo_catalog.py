"""`manage.py load_demo_catalog`: the demo catalog alone (courses.demo), without activity."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from courses.demo import load_catalog


class Command(BaseCommand):
    help = (
        "Fill in the demo catalog (categories, courses, their content and next batches): "
        "create what is missing, leave what exists as it is."
    )

    def handle(self, *args, **options):
        load_catalog(today=timezone.localdate(), stdout=self.stdout)
