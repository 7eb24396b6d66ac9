from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Masar core"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.urls import register_converter

        from . import caching, checks  # noqa: F401 - checks registers itself
        from .converters import DatabaseIdConverter

        register_converter(DatabaseIdConverter, "id")  # `<id:pk>` in every app's URLs

        # What the caches read for one request (the content version, the user's entries) ends with it.
        request_started.connect(caching.request_started, dispatch_uid="core.caching.request_started")
        request_finished.connect(caching.request_finished, dispatch_uid="core.caching.request_finished")
