from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from .backends import install, user_changed

        post_migrate.connect(install, sender=self, dispatch_uid="accounts.user_notifications")
        for signal in (post_save, post_delete):
            signal.connect(
                user_changed, sender=self.get_model("User"), dispatch_uid=f"accounts.user_changed.{id(signal)}"
            )
