"""Static files as production serves them (issue 15, "Weight"): the base settings' storage writes
hashed copies (`{% static %}` names them), and WhiteNoise serves a hashed file with a cache of
years, marked immutable, while a name without its hash gets only the short default cache.

Collected here from lms/static alone (the stylesheet, its fonts, the scripts): seconds, not the
minutes of every app's files (the Wagtail admin's)."""

import re

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client

from lms.settings import base

HASHED = re.compile(r"^/static/css/masar\.[0-9a-f]{12}\.css$")


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = base.STORAGES  # the production storage (lms.settings.test swaps it for speed)
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def test_the_production_storage_is_whitenoise_s_hashed_and_compressed_one():
    assert base.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in base.MIDDLEWARE


def test_static_urls_are_hashed_and_served_with_a_cache_of_years(production_static):
    url = Template("{% load static %}{% static 'css/masar.css' %}").render(Context())
    assert HASHED.match(url), url
    hashed_css = (production_static / url.removeprefix("/static/")).read_text(encoding="utf-8")
    # The stylesheet names its fonts by their hashed names too, so a new font is a new URL.
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', hashed_css)
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2$", font) for font in fonts), fonts

    client = Client()  # made here: its WhiteNoise reads the collected files
    response = client.get(url)
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in cache and "public" in cache, cache
    assert b"".join(response.streaming_content).decode("utf-8") == hashed_css

    # The same file under its plain name: served, but cached briefly (it may change).
    plain = client.get("/static/css/masar.css")
    assert plain.status_code == 200
    assert "immutable" not in plain.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", plain.headers["Cache-Control"]).group(1)) < 24 * 3600
