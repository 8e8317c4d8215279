"""The documented production environment passes `check --deploy` at warning level.

The environment is read from docs/operations.md itself, so the page and the check cannot
drift apart: whatever is added to the settings (a cache, a lockout) must keep the check clean
with what the page tells a provider to set.
"""

import re
import secrets
import shlex
import subprocess
import sys

from django.conf import settings

OPERATIONS = settings.BASE_DIR / "docs" / "operations.md"
ENV_FILE_HEADER = "# /etc/batchwise/env"
# The documented placeholders, and what the check runs with instead.
PLACEHOLDERS = {
    "<50 or more random characters>": secrets.token_urlsafe(50),
    "<password>": "not-a-real-password",
}


def fenced_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", markdown, flags=re.M | re.S)


def documented_environment() -> dict[str, str]:
    """The NAME=value lines of the environment file shown in docs/operations.md."""
    [block] = [b for b in fenced_blocks(OPERATIONS.read_text()) if b.startswith(ENV_FILE_HEADER)]
    environment = {}
    for line in block.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for placeholder, stand_in in PLACEHOLDERS.items():
            line = line.replace(placeholder, stand_in)
        [assignment] = shlex.split(line)  # quotes as the shell and systemd read them
        name, _, value = assignment.partition("=")
        environment[name] = value
    return environment


def documented_check_output() -> str:
    markdown = OPERATIONS.read_text()
    assert "manage.py check --deploy --fail-level WARNING" in markdown
    [output] = [b for b in fenced_blocks(markdown) if b.startswith("System check identified")]
    return output.strip()


def run_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the documented variables: nothing from the test run (DJANGO_DEBUG, DATABASE_URL…).
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_environment_is_what_a_production_server_needs():
    environment = documented_environment()

    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    assert environment["DJANGO_ADMINS"] == "Ada Lovelace <ada@example.com>, ops@example.com"
    assert "DJANGO_DEBUG" not in environment
    assert "DJANGO_HSTS_PRELOAD" not in environment  # off unless a provider decides


def test_check_deploy_is_clean_with_the_documented_environment():
    result = run_check(documented_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == documented_check_output(), (
        "docs/operations.md shows another output of check --deploy than it gives: "
        f"{result.stdout.strip()!r}"
    )


def test_check_deploy_warns_without_hsts_when_the_site_does_not_redirect_to_https():
    environment = documented_environment()
    del environment["DJANGO_SECURE_SSL_REDIRECT"]

    result = run_check(environment)

    assert result.returncode == 1
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no redirect to HTTPS
