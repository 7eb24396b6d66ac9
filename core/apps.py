from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Masar core"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.urls import register_converter

        from . import cache, checks  # noqa: F401 - checks registers itself
        from .converters import DatabaseIdConverter

        register_converter(DatabaseIdConverter, "id")  # `<id:pk>` in every app's URLs

        request_started.connect(cache.request_finished, dispatch_uid="core.cache.request_started")
        request_finished.connect(cache.request_finished, dispatch_uid="core.cache.request_finished")
