"""The signed-in user of each request, read from the shared cache instead of the database.

Django reads the user row on every request of a signed-in visitor. The row changes rarely (a
profile edit, a password change, an administrator's change), so it is kept in the shared cache
(lms/cache.py) and cleared whenever a user is saved or deleted (`user_changed`, connected in
AccountsConfig.ready). Django still checks the session against the password hash of the user it
gets, so a password change signs the other sessions out as before."""

from django.contrib.auth.backends import ModelBackend

from lms.cache import shared_cache, shared_key, shared_timeout


def _user_key(user_id) -> str:
    return shared_key(f"user:{user_id}")


class CachedUserBackend(ModelBackend):
    """ModelBackend whose get_user (once per request) comes from the shared cache."""

    def get_user(self, user_id):
        key = _user_key(user_id)
        user = shared_cache().get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            shared_cache().set(key, user, shared_timeout())
        return user if self.user_can_authenticate(user) else None


def user_changed(instance, **kwargs) -> None:
    shared_cache().delete(_user_key(instance.pk))
