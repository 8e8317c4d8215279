from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = "Enquiries"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from courses.models import Batch

        from .services import interest

        # Every path that publishes a batch saves it: tell the interest list after commit.
        post_save.connect(interest.batch_saved, sender=Batch, dispatch_uid="interest-list")
