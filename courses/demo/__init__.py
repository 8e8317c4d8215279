"""Demo data: the catalog, its course-page content and the loader `manage.py load_demo` uses."""

from .catalog import Slot, batch_start, load_catalog
from .content import CONTENT_MODELS, load_content

__all__ = ["CONTENT_MODELS", "Slot", "batch_start", "load_catalog", "load_content"]
