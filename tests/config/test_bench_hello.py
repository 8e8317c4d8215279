"""The benchmark's hello-world view exists only when BATCHWISE_BENCH_HELLO turns it on."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import config.urls


@pytest.fixture
def urls_reloaded():
    """Re-reads config/urls.py under the test's settings; the default URLs are back after."""

    def reload() -> None:
        importlib.reload(config.urls)
        clear_url_caches()

    yield reload
    reload()


@pytest.mark.django_db
def test_hello_world_is_not_served_by_default(client):
    response = client.get("/__hello__/")

    assert response.status_code == 404
    assert b"Hello, world" not in response.content


@pytest.mark.django_db
def test_hello_world_is_served_when_the_bench_turns_it_on(client, urls_reloaded):
    with override_settings(BATCHWISE_BENCH_HELLO=True):
        urls_reloaded()
        response = client.get("/__hello__/")

    assert response.status_code == 200
    assert response.content == b"Hello, world"
