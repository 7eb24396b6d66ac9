"""The HR dashboard with dates off the calendar, and CSV cells that would be formulas (issue 12, items 9 and 13)."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from certificates.models import Certificate
from certificates.storage import private_storage
from core import spreadsheet
from hr import services
from hr.models import Export
from tests.certificates.factories import issued
from tests.factories import HRFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/en/hr/", "/en/hr/trainees.csv"])
@pytest.mark.parametrize(
    "dates",
    [{"date_to": "0001-01-01"}, {"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}, {"date_to": "1999-12-31"}],
)
def test_a_date_off_the_calendar_is_a_form_error_not_a_500(client, organization, trainee, course, url, dates):
    issued(trainee, course)
    client.force_login(HRFactory(organization=organization))
    client.raise_request_exception = False
    response = client.get(url, dates, follow=True)
    assert response.status_code == 200
    if url.endswith(".csv"):  # no unfiltered file: back to the dashboard, which says what is wrong
        assert response.redirect_chain[0][0].startswith("/en/hr/?")
        assert "Correct the filters first: nothing was exported." in response.text
        assert "Enter a date between 2000-01-01 and 2099-12-31." in response.text
    else:
        assert "Enter a date between 2000-01-01 and 2099-12-31." in response.text
        # The bad filter is ignored: the chart ends this week and the trainee is still listed.
        assert len(response.context["weeks"]) == 12 and len(response.context["rows"]) == 1


def test_a_zip_export_with_a_bad_date_is_refused_with_the_filters_kept(client, organization):
    client.force_login(HRFactory(organization=organization))
    response = client.post("/en/hr/exports/", {"date_to": "0001-01-01", "q": "Layla"}, follow=True)
    assert not Export.objects.exists()
    assert "Correct the filters first: nothing was exported." in response.text
    assert response.redirect_chain[0][0] == "/en/hr/?date_to=0001-01-01&q=Layla"


def test_the_date_error_is_in_arabic_on_the_arabic_dashboard(client, organization):
    client.force_login(HRFactory(organization=organization))
    response = client.get("/ar/hr/", {"date_to": "0001-01-01"})
    assert (
        response.status_code == 200 and "أدخل تاريخًا بين ٢٠٠٠-٠١-٠١ و٢٠٩٩-١٢-٣١." in response.text
    )  # the page's digits


def test_dates_inside_the_range_still_filter(client, organization, trainee, course):
    issued(trainee, course)
    client.force_login(HRFactory(organization=organization))
    response = client.get("/en/hr/", {"date_from": "2000-01-01", "date_to": "2099-12-31"})
    assert response.status_code == 200 and len(response.context["rows"]) == 1
    assert "Enter a date between" not in response.text


CODE = "-2+3+cmd|calc0000"  # token_urlsafe codes may start with "-"


def test_a_certificate_code_starting_with_a_minus_is_no_formula_in_the_hr_csv(client, organization, trainee, course):
    certificate = issued(trainee, course, render=True)
    Certificate.objects.filter(pk=certificate.pk).update(code=CODE)
    client.force_login(HRFactory(organization=organization))
    body = b"".join(client.get("/en/hr/trainees.csv").streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    assert row[header.index("Certificate code")] == "'" + CODE
    assert (row[header.index("Lessons done")], row[header.index("Lessons")]) == ("0", "4")  # numbers stay numbers


def test_a_certificate_code_starting_with_a_minus_is_no_formula_in_the_zip_manifest(organization, trainee, course):
    certificate = issued(trainee, course, render=True)
    Certificate.objects.filter(pk=certificate.pk).update(code=CODE)
    export = services.export_create(user=HRFactory(organization=organization), filters={})
    export = services.export_build(export_id=export.pk)
    with private_storage().open(export.file, "rb") as fh:
        manifest = zipfile.ZipFile(io.BytesIO(fh.read())).read("certificates.csv").decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(manifest)))
    assert row[header.index("code")] == "'" + CODE


def test_every_cell_goes_through_csv_safe():
    assert spreadsheet.csv_safe("-1") == "'-1" and spreadsheet.csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert (
        spreadsheet.csv_safe(0) == "0" and spreadsheet.csv_safe(None) == "" and spreadsheet.csv_safe("ليلى") == "ليلى"
    )
    out = io.StringIO()
    spreadsheet.writer(out).writerow(["=1+1", 7, "+a", "\tb", "ok", -1.5, "-1.5"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "7", "'+a", "'\tb", "ok", "-1.5", "'-1.5"]
    # One writer: no other module of Masar writes CSV by itself.
    base = Path(settings.BASE_DIR)
    apps = ["accounts", "certificates", "content", "core", "courses", "hr", "interviews", "lms", "quizzes"]
    writers = [
        str(path.relative_to(base))
        for app in apps
        for path in (base / app).rglob("*.py")
        if "csv.writer(" in path.read_text(encoding="utf-8") or "csv.DictWriter(" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["core/spreadsheet.py"]
