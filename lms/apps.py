from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Masar"

    def ready(self):
        # The database file's folder and the filesystem broker's (settings.MASAR_FOLDERS) exist
        # before any connection is opened or task queued, in every process Django starts.
        for folder in settings.MASAR_FOLDERS:
            Path(folder).mkdir(parents=True, exist_ok=True)
