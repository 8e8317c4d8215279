"""The back office, one module per area. Each calls the services; none holds a rule."""

from . import batches, enquiries, outbox, plans, seats, trainers

__all__ = ["batches", "enquiries", "outbox", "plans", "seats", "trainers"]
