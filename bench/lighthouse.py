"""Lighthouse scores of the public pages, on a server run as production runs it.

    make lighthouse            (or: .venv/bin/python bench/lighthouse.py)

A fresh SQLite database with the demo data, DJANGO_DEBUG off, collected static files and
gunicorn with config/gunicorn.conf.py on a spare port (LIGHTHOUSE_PORT, default 8765), then
Lighthouse (node_modules, 12.x) in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium)
with its mobile and desktop presets on each page. Prints the four category scores per page and
preset and writes each report, JSON and HTML, to build/lighthouse/.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from serving import PYTHON, ROOT, manage, wait_until_up

OUT = ROOT / "build" / "lighthouse"
LIGHTHOUSE = str(ROOT / "node_modules" / ".bin" / "lighthouse")
PORT = int(os.environ.get("LIGHTHOUSE_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
PRESETS = ("mobile", "desktop")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

ENV = os.environ | {
    "DJANGO_DEBUG": "",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": f"sqlite:///{OUT / 'db.sqlite3'}",
    "BATCHWISE_SITE_URL": BASE,
    "REDIS_URL": "",
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": "2",
    "GUNICORN_LOG_LEVEL": "warning",
    "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
}


def port_is_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def pages() -> dict[str, str]:
    batch = manage(
        ENV,
        "shell",
        "-c",
        "from courses.models import Batch; print(Batch.objects.open_for_enquiry()"
        ".filter(course__slug='deep-learning').with_room_for(1).order_by('start_date')[0].pk)",
    ).strip()
    return {
        "home": "/",
        "courses": "/courses/",
        "schedule": "/schedule/",
        "course": "/courses/deep-learning/",
        "enquiry": f"/courses/deep-learning/enquire/?batch={batch}",
    }


def lighthouse(name: str, path: str, preset: str) -> dict[str, int]:
    report = OUT / f"{name}-{preset}"
    command = [
        LIGHTHOUSE,
        f"{BASE}{path}",
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        "--output=html",
        f"--output-path={report}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    # Chromium now and then fails to record a page load's trace (NO_NAVSTART): a run that
    # measured nothing is tried again, up to three times.
    for _ in range(3):
        result = subprocess.run(command, env=ENV, capture_output=True, text=True)
        if not result.returncode:
            break
    else:
        sys.exit(f"Lighthouse failed on {path} ({preset}):\n{result.stderr}")
    data = json.loads(Path(f"{report}.report.json").read_text())
    return {key: round(data["categories"][key]["score"] * 100) for key in CATEGORIES}


def main() -> None:
    if not Path(LIGHTHOUSE).exists():
        sys.exit("Lighthouse is not installed: run `make install`.")
    if not shutil.which(ENV["CHROME_PATH"]):
        sys.exit(f"No Chrome at {ENV['CHROME_PATH']}: install chromium or set CHROME_PATH.")
    if not port_is_free():
        sys.exit(f"Port {PORT} is in use: set LIGHTHOUSE_PORT to a free one.")
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    manage(ENV, "migrate", "--no-input")
    manage(ENV, "load_demo")
    manage(ENV, "collectstatic", "--no-input", "--clear")
    # The requests Lighthouse makes go to a file, not between the scores.
    gunicorn = ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    server = subprocess.Popen(
        [PYTHON, "-m", *gunicorn, "--access-logfile", str(OUT / "access.log")],
        cwd=ROOT,
        env=ENV,
    )
    try:
        wait_until_up(server, BASE)
        urls = pages()
        print(f"{'page':<10} {'preset':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
        for name, path in urls.items():
            for preset in PRESETS:
                scores = lighthouse(name, path, preset)
                print(f"{name:<10} {preset:<8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"Reports: {OUT.relative_to(ROOT)}/<page>-<preset>.report.html (and .json)")


if __name__ == "__main__":
    main()
