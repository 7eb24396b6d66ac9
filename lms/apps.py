from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Masar"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from . import cache, checks  # noqa: F401 - checks registers itself

        request_started.connect(cache.request_finished, dispatch_uid="lms.cache.request_started")
        request_finished.connect(cache.request_finished, dispatch_uid="lms.cache.request_finished")
