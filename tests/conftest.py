import os
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

# The property-based tests (tests/test_fuzz.py). "ci", the default: bounded and derandomized,
# so every run tries the same inputs and a failure replays. "deep" (--hypothesis-profile=deep):
# a long random search, printing what replays a failure it finds.
hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None, print_blob=True
)
hypothesis_settings.register_profile(
    "deep", hypothesis_settings.get_profile("ci"), max_examples=2000, derandomize=False
)
hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Admin tests log users in; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _versions_in_memory():
    """The catalog's version in each test process's memory, as the pages are: the file cache
    the settings give it without Redis would be shared by the parallel test processes."""
    caches_setting = settings.CACHES | {
        "versions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "v"}
    }
    with override_settings(CACHES=caches_setting):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    # The rate limits count in the cache (this process's memory in the tests): each test
    # starts with no submissions counted.
    for alias in ("default", "versions", "fragments"):
        caches[alias].clear()
    yield
    for alias in ("default", "versions", "fragments"):
        caches[alias].clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.com", password="correct horse battery"
    )
    client.force_login(user)
    return client


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files(tmp_path_factory):
    """Serve static files as production does: collected, hashed and compressed.

    With DEBUG off the manifest storage needs collectstatic, so a template naming a missing
    file fails here as it would on a deploy.
    """
    stylesheet = settings.BASE_DIR / "courses" / "static" / "batchwise" / "dist" / "site.css"
    if not stylesheet.exists():
        pytest.exit(f"{stylesheet} is not built: run `make css` (make test does).", returncode=1)
    static_root = tmp_path_factory.mktemp("static_root")
    with override_settings(STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


TEST_REDIS_URL = os.environ.get("BATCHWISE_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@pytest.fixture
def redis_cache(settings):
    """The default cache on the test Redis (db 1) through production's backend, under a key
    prefix of this test's own; the catalog's version is kept there too, as in production."""
    connection = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}.")
    prefix = f"batchwise-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        },
        "fragments": settings.CACHES["fragments"],
    }
    yield prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)
    connection.close()
