"""What a newcomer's `make run` shows strangers: translated error pages, never Django's debug
pages; links that stay on the site; addresses that use the port it serves on."""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def dev_settings(**env) -> dict:
    """DEBUG, SITE_URL and MASAR_SERVE_MEDIA as `make run` (lms.settings.dev) sets them."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SITE_URL", "PORT"}}
    environment.update(DJANGO_SETTINGS_MODULE="lms.settings.dev", **env)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SITE_URL, s.MASAR_SERVE_MEDIA]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return dict(zip(["debug", "site_url", "serve_media"], json.loads(out.stdout.strip().splitlines()[-1]), strict=True))


@pytest.mark.slow
def test_make_run_serves_no_debug_pages_unless_asked():
    assert dev_settings()["debug"] is False
    assert dev_settings(DEBUG="1")["debug"] is True
    assert dev_settings()["serve_media"] is True


@pytest.mark.slow
def test_certificates_point_at_the_port_make_run_serves_on():
    assert dev_settings(PORT="9000")["site_url"] == "http://127.0.0.1:9000"
    assert dev_settings()["site_url"] == "http://127.0.0.1:8000"
    assert dev_settings(PORT="9000", SITE_URL="https://masar.example/")["site_url"] == "https://masar.example"


@pytest.mark.parametrize(("lang", "title"), [("en", "Bad request"), ("ar", "طلب غير صالح")])
def test_a_bad_request_gets_a_translated_page_without_paths(client, lang, title):
    # A Host header that is not allowed raises DisallowedHost: a 400.
    response = client.get(f"/{lang}/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert title in response.text
    assert "Traceback" not in response.text and str(settings.BASE_DIR) not in response.text


def test_a_404_does_not_list_the_url_patterns(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" not in response.text and "Using the URLconf" not in response.text


@pytest.mark.parametrize("path", ["//evil.com/x", "/\\evil.com/x", "//evil.com/en/", "/%2F%2Fevil.com/x"])
def test_the_language_switch_of_a_404_links_to_this_site_only(client, path):
    response = client.get("/", PATH_INFO=path)  # as a server passes it (the client would parse a host)
    assert response.status_code == 404
    nav = re.search(r'<nav class="lang-switch".*?</nav>', response.text, re.S).group(0)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs, nav
    for href in hrefs:
        assert href.startswith("/") and not href.startswith("//") and "\\" not in href, href


def test_a_bad_host_header_is_not_logged_with_a_traceback(client):
    """What reaches the console (the root logger's handlers): no DisallowedHost traceback."""
    seen = []

    class Catch(logging.Handler):
        def emit(self, record):
            seen.append(record)

    root, catch = logging.getLogger(), Catch()
    root.addHandler(catch)
    try:
        assert client.get("/en/", HTTP_HOST="evil.example").status_code == 400
    finally:
        root.removeHandler(catch)
    assert not [record for record in seen if record.name.startswith("django.security")]
