"""General enquiries from the contact page: a kind of their own, the only one without a course."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_seat_ledger"),
        ("enquiries", "0012_outgoing_email_claimed_at_message_id"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="enquiry",
            name="course",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enquiries",
                to="courses.course",
            ),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("batch", "Batch"),
                    ("course", "Course (no batch chosen)"),
                    ("one_on_one", "One-on-one training"),
                    ("waitlist", "Waiting list of a full batch"),
                    ("general", "General enquiry (contact page)"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="historicalenquiry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("batch", "Batch"),
                    ("course", "Course (no batch chosen)"),
                    ("one_on_one", "One-on-one training"),
                    ("waitlist", "Waiting list of a full batch"),
                    ("general", "General enquiry (contact page)"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="enquiry",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "general"), ("course__isnull", False), _connector="OR"),
                name="enquiry_course_unless_general",
                violation_error_message="Choose the course this enquiry is about.",
            ),
        ),
    ]
