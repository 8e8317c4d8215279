import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Admin tests log users in; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.com", password="correct horse battery"
    )
    client.force_login(user)
    return client
