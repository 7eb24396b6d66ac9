"""In Arabic, in a real browser: sign up, enroll, read, pass the module quizzes, finish the
course, watch the certificate become ready, download the Arabic PDF and verify it."""

import pytest

from tests.e2e.journeys import arabic_journey

pytestmark = pytest.mark.e2e


def test_an_arabic_trainee_goes_from_sign_up_to_a_verified_certificate(live_stack, new_page, journeys):
    page = new_page("ar")
    graduate = arabic_journey(page, live_stack)
    journeys["ar"] = graduate
    # arabic_journey asserts each step; the certificate page polled its status, then updated itself.
    assert graduate.saw_preparing
