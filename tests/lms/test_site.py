import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db
BASE = Path(settings.BASE_DIR)


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_home_renders_with_language_and_direction(client, demo_course, lang, direction):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in response.text
    assert demo_course[lang].title in response.text


def test_root_redirects_by_browser_language(client, demo_course):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ar").url == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").url == "/en/"


def test_switcher_lands_on_the_same_page_in_the_other_language(client, demo_course):
    response = client.get(demo_course["en"].url)
    link = re.search(r'<a href="([^"]+)" lang="ar" hreflang="ar"', response.text)
    assert link and link.group(1) == demo_course["ar"].url
    back = client.get(link.group(1))
    assert back.status_code == 200 and demo_course["ar"].title in back.text
    assert re.search(rf'<a href="{re.escape(demo_course["en"].url)}" lang="en"', back.text)


def test_switcher_on_an_app_page_keeps_the_path(client, demo_course):
    response = client.get("/ar/accounts/login/")
    assert 'href="/en/accounts/login/"' in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/login/?next=/en/learn/",
        "/ar/quizzes/attempts/12/?q=3",
        "/en/certificates/",
        "/ar/hr/?sort=-activity&page=2",
        "/en/learn/lessons/7/done/",
        "/verify/ABCD-1234/",
        "/healthz",
    ],
)
def test_the_switcher_gives_the_path_django_would_translate(path):
    """Only the language prefix changes (no URL pattern is translated), as translate_url says."""
    from django.urls import translate_url
    from django.utils import translation

    from core.templatetags.masar import other_language_path

    with translation.override(translation.get_language_from_path(path) or "en"):  # as a request of that page
        for code in ("ar", "en"):
            assert other_language_path(path, code) == translate_url(path, code)


def test_the_switcher_of_a_page_path_without_its_page_changes_the_language():
    """A Wagtail path shown without its page (a 404 there): translate_url cannot reverse the
    unnamed pattern that serves pages and would leave the link in the same language; the switch
    goes to the other language's path instead, whose page (or 404) is in that language."""
    from core.templatetags.masar import other_language_path

    assert other_language_path("/en/some-course/a-module/", "ar") == "/ar/some-course/a-module/"
    assert other_language_path("/ar/%D8%AF%D9%88%D8%B1%D8%A9/", "en") == "/en/%D8%AF%D9%88%D8%B1%D8%A9/"
    assert other_language_path("/en/", "ar") == "/ar/" and other_language_path("/en", "ar") == "/ar/"


@pytest.mark.parametrize("path", ["/fr/", "/xx/accounts/login/", "/en/no-such-page/"])
def test_unknown_paths_get_a_translated_404(client, demo_course, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404
    assert "Page not found" in response.text
    ar = client.get("/ar/no-such-page/")
    assert ar.status_code == 404 and "الصفحة غير موجودة" in ar.text


def test_stylesheet_uses_logical_properties_only():
    css = (BASE / "lms/static/css/masar.css").read_text()
    assert not re.search(r"(margin|padding|border)-(left|right)\b|\b(left|right)\s*:|text-align:\s*(left|right)", css)


def test_makemigrations_is_clean():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.slow
def test_deploy_checks_pass_with_production_settings(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = tmp_path / "credential-key.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "x" * 20 + uuid.uuid4().hex + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "masar.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        "MASAR_VAR_DIR": str(BASE / "var"),
        "CREDENTIAL_KEY_FILE": str(key),
    }

    def check(environment):
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=BASE,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    # Without a credential signing key, production is warned.
    without = check({name: value for name, value in env.items() if name != "CREDENTIAL_KEY_FILE"})
    assert without.returncode != 0 and "certificates.W001" in without.stdout + without.stderr


@pytest.mark.worker
def test_a_real_worker_runs_a_task(tmp_path):
    """A Celery worker process (not eager mode) takes a task from the configured broker:
    the filesystem broker by default, Redis when CELERY_BROKER_URL says so (CI)."""
    from lms.tasks import ping

    queue = f"ping-{uuid.uuid4().hex[:8]}"
    out = tmp_path / "pong.txt"
    worker = subprocess.Popen(
        [str(BASE / ".venv/bin/celery"), "-A", "lms", "worker", "-Q", queue, "--pool=solo", "--loglevel=WARNING"],
        cwd=BASE,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        token = uuid.uuid4().hex
        ping.apply_async(args=[token, str(out)], queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not out.exists():
            time.sleep(0.2)
        assert out.exists(), "the worker did not run the task within 60 s"
        assert out.read_text() == token
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def menu(client, lang="en") -> set[str]:
    html = client.get(f"/{lang}/").text
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return {label.strip() for label in re.findall(r">([^<>]+)</a>", nav)}


def test_each_visitor_gets_the_menu_of_their_rights(client, demo_course):
    from django.contrib.auth.models import Permission

    from tests.factories import HRFactory, UserFactory

    everyone = {"Courses", "Search"}
    signed_in = everyone | {"My learning", "My results", "Interview practice", "Certificates"}
    assert menu(client) == everyone
    client.force_login(UserFactory())
    assert menu(client) == signed_in
    client.force_login(HRFactory())
    assert menu(client) == signed_in | {"HR dashboard"}
    marker = UserFactory(role="editor")
    marker.user_permissions.add(Permission.objects.get(codename="mark_answer"))
    client.force_login(marker)
    assert menu(client) == signed_in | {"Marking"}
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert menu(client) == signed_in | {"Marking", "Editor"}
    client.force_login(UserFactory())  # the trainee's menu, shared, never holds someone else's links
    assert menu(client) == signed_in
    assert menu(client, "ar") == {"الدورات", "بحث", "تعلّمي", "نتائجي", "التدريب على المقابلات", "الشهادات"}


def test_a_cache_of_one_process_is_reported(settings):
    from core.checks import shared_cache_is_shared

    assert shared_cache_is_shared(None) == []
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in shared_cache_is_shared(None)] == ["masar.W001"]


@pytest.mark.parametrize("module", ["lms.settings.dev", "lms.settings.production", "lms.settings.test"])
def test_importing_settings_writes_no_folder_and_starting_django_makes_them(tmp_path, module):
    """A tool that only reads the settings (a linter, an IDE) leaves the disk alone; a process
    that starts Django finds its database and broker folders."""
    var = tmp_path / "var"
    env = {"PATH": "/usr/bin:/bin", "MASAR_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": module}
    env["SECRET_KEY"] = "x" * 60  # production refuses to start without one
    env["ALLOWED_HOSTS"] = "example.org"
    code = f"import importlib, os; importlib.import_module({module!r}); print(os.path.exists({str(var)!r}))"
    imported = subprocess.run([sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True)
    assert imported.stdout.strip() == "False", imported.stderr
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=BASE, env=env, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stderr
    assert var.is_dir()
