"""Settings for ``make bench`` only: production's settings with what a benchmark on loopback needs.

The environment ``bench/run.py`` sets (``DJANGO_ENV=production``, ``DEBUG=false``, a throwaway
``SECRET_KEY``, loopback PostgreSQL and Redis, ``CONN_MAX_AGE``) makes ``config.settings`` load
its production profile; here we only switch off what cannot work on plain HTTP over loopback
and add the bare reference view (``bench.urls``), which no other settings module routes.
"""

from config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
# Plain HTTP on loopback: no redirect to https, and no HSTS header to send.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Persistent connections come from CONN_MAX_AGE in the environment (with production's health
# checks), as a production deployment runs them.
# Pages link to static files by name; the benchmark never runs collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
