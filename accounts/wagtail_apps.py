"""Wagtail's users app with Masar's user forms, as an app config of its own module: accounts/apps.py
must hold one AppConfig only, or Django would not pick AccountsConfig for "accounts" (and its
ready() would never connect the signed-in user's invalidation)."""

from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with the user forms of accounts/wagtail_users.py (Masar's two names)."""

    user_viewset = "accounts.wagtail_users.UserViewSet"
