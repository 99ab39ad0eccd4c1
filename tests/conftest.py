import pytest

from . import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _file_storage(settings, tmp_path):
    """Each test stores files in its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    return tmp_path / "files"


# The usual setting: Alingsås kommun, its executive board and a registrar.
@pytest.fixture
def org():
    return f.organisation()


@pytest.fixture
def ks(org):
    return f.organ(org)


@pytest.fixture
def registrar(org, ks):
    return f.registrar(org)


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run at once in tests, unless a test chooses the database
    queue and runs `diarium worker --batch` itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _no_public_rate_limit(settings):
    """Tests fetch public endpoints far faster than any visitor; the limit itself
    is tested in test_ratelimit.py."""
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "off"


@pytest.fixture(autouse=True)
def _exact_and_unfrozen(settings):
    """OParl lists read afresh on every request (not kept for a few seconds;
    tests of that set it themselves), and no gc.freeze() of the test process on
    its first request (diarium/core/memory.py)."""
    settings.DIARIUM_OPARL_LIST_SECONDS = 0
    settings.DIARIUM_GC_FREEZE = False


@pytest.fixture(autouse=True)
def _search_index_dir(settings, tmp_path):
    """Each test keeps its search index (if it builds one) in its own folder,
    and rebuilds it in-process: the test process may run a live server's
    threads, which a forked producer would copy mid-flight (the producers are
    tested in test_search_indexing.py)."""
    settings.DIARIUM_SEARCH_INDEX_DIR = tmp_path / "search-index"
    settings.DIARIUM_SEARCH_REBUILD_PROCESSES = 0
    return tmp_path / "search-index"


@pytest.fixture
def limiter_clock(monkeypatch):
    """The rate limiter's clock held at the fifth second of the current hour, so
    that a test's requests never straddle the end of a window (a minute's or an
    hour's) and start a new count halfway."""
    import time
    from types import SimpleNamespace

    from diarium.core import ratelimit

    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now - now % 3600 + 5))
