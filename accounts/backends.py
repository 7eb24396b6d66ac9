"""The signed-in user of each request, read from the shared cache instead of the database.

Django reads the user row on every request of a signed-in visitor. The row changes rarely (a
profile edit, a password change, an administrator's change), so it is kept in the shared cache
(lms/cache.py, which also brings the user's own entries in the same round trip) and cleared
whenever a user is saved or deleted (`user_changed`, connected in AccountsConfig.ready). Django
still checks the session against the password hash of the user it gets, so a password change
signs the other sessions out as before."""

from django.contrib.auth.backends import ModelBackend

from lms import cache


class CachedUserBackend(ModelBackend):
    """ModelBackend whose get_user (once per request) comes from the shared cache."""

    def get_user(self, user_id):
        user = cache.user_read(user_id)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.user_write(user)
        return user if self.user_can_authenticate(user) else None


def user_changed(instance, **kwargs) -> None:
    cache.user_forget(instance.pk)
