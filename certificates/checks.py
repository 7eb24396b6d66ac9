"""System checks of the credential signing keys (certificates/keys.py)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from . import keys


@register(Tags.security, deploy=True)
def credential_key_configured(app_configs, **kwargs):
    """Production signs credentials with a key it was given: the one `make run` writes under var/ is
    for one machine, and losing it would make every credential unverifiable."""
    if settings.DEBUG:
        return []
    if not keys.is_configured_explicitly():
        return [
            Warning(
                "No credential signing key is configured (CREDENTIAL_KEY_FILE or CREDENTIAL_KEY_PEM).",
                hint="Set CREDENTIAL_KEY_FILE to a path on persistent storage and run `manage.py credential_keys "
                "generate`, which writes a new key there (keep a backup: credentials signed with a lost key cannot "
                "be signed again), or set CREDENTIAL_KEY_PEM. See the README.",
                id="certificates.W001",
            )
        ]
    try:
        keys.current_key()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="certificates.E001")]
    return []
