"""gunicorn's logger, as config/gunicorn.conf.py sets it: private links out of the access log,
and JSON lines when DJANGO_LOG_FORMAT=json, like the application's own log."""

import os

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

from .logs import redact_private_links


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        """Every value the access log format can name, with private tokens replaced: the
        request line (%(r)s), path (%(U)s), query (%(q)s), Referer (%(f)s), headers, environ."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact_private_links(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }

    def setup(self, cfg):
        super().setup(cfg)
        if os.environ.get("DJANGO_LOG_FORMAT", "text") == "json":
            formatter = JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(formatter)
