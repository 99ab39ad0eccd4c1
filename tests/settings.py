"""The project's settings for the test suite (pyproject.toml: DJANGO_SETTINGS_MODULE).

config/settings.py refuses to start without a secret key (DJANGO_SECRET_KEY or
var/secret_key). Tests get a random one for the run, in the environment, so
processes a test starts use the same key; a key in the environment wins.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-" + secrets.token_urlsafe(50))

from config.settings import *

# No OCR of the many small PDFs tests upload; tests/test_ocr.py turns it on.
DIARIUM_OCR = False
# No public answers kept (a test's clock and data change under it); tests/test_public_cache.py
# turns it on.
DIARIUM_PUBLIC_CACHE_SECONDS = 0
