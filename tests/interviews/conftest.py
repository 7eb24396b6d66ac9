import pytest
from django.utils import translation

from tests.factories import HRFactory


@pytest.fixture
def hr_same_org(db, trainee):
    hr = HRFactory()
    trainee.organization = hr.organization
    trainee.save(update_fields=["organization"])
    return hr


@pytest.fixture
def en():
    with translation.override("en"):
        yield


@pytest.fixture
def ar():
    with translation.override("ar"):
        yield
