import pytest
from django.conf import settings
from django.core.cache import cache, caches
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


@pytest.fixture(autouse=True)
def _empty_cache():
    # The rate limits count in the cache (this process's memory in the tests): each test
    # starts with no submissions counted.
    cache.clear()
    caches["fragments"].clear()
    yield
    cache.clear()
    caches["fragments"].clear()


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
