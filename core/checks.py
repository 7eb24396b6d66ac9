"""System checks of the project's own settings."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from .caching import LAYERS, SHARED

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
                hint="Set CACHE_URL (or SHARED_CACHE_URL) to Redis or a filecache:// folder every process can reach.",
                id="masar.W001",
            )
        ]
    return []


@register
def cache_layers_known(app_configs, **kwargs):
    """A misspelt layer in CACHE_LAYERS_OFF would leave the layer on without a word."""
    unknown = sorted(set(getattr(settings, "MASAR_CACHE_LAYERS_OFF", ())) - set(LAYERS))
    if unknown:
        return [
            Error(
                f"Unknown cache layers in CACHE_LAYERS_OFF: {', '.join(unknown)}.",
                hint=f"The layers (core/caching.py): {', '.join(LAYERS)}.",
                id="masar.E002",
            )
        ]
    return []
