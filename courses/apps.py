from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import brand, rate_limits, versions


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses and batches"

    def ready(self) -> None:
        rate_limits.check_configuration()  # a mistyped limit stops start-up, not a request
        brand.check_configuration()
        # Every write to this app's tables gives the public pages a new version.
        for model in self.get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(versions.catalog_changed_receiver, sender=model)
