"""Local development and `make run`: SQLite and the filesystem broker unless told otherwise.

DEBUG stays off unless DEBUG=1: `make run` is what a newcomer exposes, and Django's debug pages
show file paths, settings and URL patterns. Static files are served by WhiteNoise either way,
and uploaded media by lms/urls.py (MASAR_SERVE_MEDIA)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
MASAR_SERVE_MEDIA = True
