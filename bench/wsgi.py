"""The WSGI application the load benchmark runs: the product's, with bench/urls.py as the
URLconf when DIBIAO_BENCH_BASELINE=1 (it adds the baseline page to the product's URLs)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dibiao.settings")
application = get_wsgi_application()
if os.environ.get("DIBIAO_BENCH_BASELINE") == "1":
    settings.ROOT_URLCONF = "bench.urls"
