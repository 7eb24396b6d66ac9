"""System checks of the project's own settings."""

from django.conf import settings
from django.core.checks import Warning, register

from .cache import SHARED

PER_PROCESS_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register
def shared_cache_is_shared(app_configs, **kwargs):
    """The shared cache holds what one process clears for all (a trainee's progress, the signed-in
    user, the content version): a cache of one process would let the others show stale pages."""
    backend = settings.CACHES.get(SHARED, {}).get("BACKEND")
    if backend in PER_PROCESS_BACKENDS:
        return [
            Warning(
                f'The "{SHARED}" cache ({backend}) is not shared between processes.',
                hint="Set CACHE_URL (or PAGE_CACHE_URL) to Redis or a filecache:// folder every process can reach.",
                id="masar.W001",
            )
        ]
    return []
