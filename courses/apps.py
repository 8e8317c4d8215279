from django.apps import AppConfig

from . import brand, rate_limits


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses and batches"

    def ready(self) -> None:
        rate_limits.check_configuration()  # a mistyped limit stops start-up, not a request
        brand.check_configuration()
