"""Every rule that spans rows lives here; the admin, the views and the shell call it.

intake (Enquire Now, waiting-list join, one-on-one request), pipeline (status, owner, notes),
seats (the seat ledger: enrol, cancel, transfer, offers), cancellation (preview and act),
one_on_one (training plans), privacy (a person's data: export, erasure, retention),
trainers (who teaches a session: the per-session check under the trainer's lock).
"""

from . import cancellation, intake, interest, one_on_one, pipeline, privacy, seats, trainers
from .cancellation import cancel_batch
from .intake import (
    Attribution,
    BatchNotInCourse,
    BatchNotOpen,
    ConsentMissing,
    CourseNotOpen,
    EnquiryRefused,
    clean_text,
    ensure_batch_open,
    find_open_original,
    join_waiting_list,
    submit_enquiry,
)
from .pipeline import (
    ALLOWED_TRANSITIONS,
    SALES_GROUP,
    SCHEDULER_GROUP,
    PipelineError,
    add_note,
    assign,
    change_status,
    check_status_change,
    next_sales_owner,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "SALES_GROUP",
    "SCHEDULER_GROUP",
    "Attribution",
    "BatchNotInCourse",
    "BatchNotOpen",
    "ConsentMissing",
    "CourseNotOpen",
    "EnquiryRefused",
    "PipelineError",
    "add_note",
    "assign",
    "cancel_batch",
    "cancellation",
    "change_status",
    "check_status_change",
    "clean_text",
    "ensure_batch_open",
    "find_open_original",
    "intake",
    "interest",
    "join_waiting_list",
    "next_sales_owner",
    "one_on_one",
    "pipeline",
    "privacy",
    "seats",
    "submit_enquiry",
    "trainers",
]
