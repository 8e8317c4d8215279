"""config/gunicorn.conf.py as production runs it, with two changes for the benchmark:

- no access log, so the numbers are the application's, not the log's;
- workers are never recycled (max_requests 0): at thousands of requests a second, production's
  one restart per ~1,000 requests would measure worker start-up, and the RSS read after the run
  would be a fresh worker's, not one that served the whole bench.
"""

import runpy
from pathlib import Path

_config = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"
_production = runpy.run_path(str(_config))
globals().update({name: value for name, value in _production.items() if not name.startswith("_")})

accesslog = None
max_requests = 0
