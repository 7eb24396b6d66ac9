"""The signed-in user of each request: read from the database, with their cached entries.

The user row is read from the database on every request, as Django does: deactivation, a new
role or organization and a password change take effect on the next request whatever wrote them
(a save, a `QuerySet.update()`, Wagtail's bulk actions, raw SQL). A cached copy of the user
would need every write path to clear it, and raw SQL cannot. The read is one primary-key query
(its cost is in BENCHMARKS.md). The user's own entries in the shared cache (a trainee's
progress) are fetched in one round trip as soon as the user is known (lms/cache.py)."""

from django.contrib.auth.backends import ModelBackend

from lms import cache


class UserBackend(ModelBackend):
    """ModelBackend that also fetches the signed-in user's cached entries in one round trip."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            cache.user_entries_fetch(user.pk)
        return user
