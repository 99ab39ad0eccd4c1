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


# --- the Alingsås demo, loaded once per test module --------------------------------------
DEMO_PASSWORD = "Demo-Lösen-Alingsås-2017"
DEMO_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as `diarium demo` has it


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """`diarium demo --no-serve` run once for a whole test module, committed to the
    test database, its files in a folder of the module's own; the database is
    emptied again (as after a transactional test) when the module is done.

    Loading the demo draws up some thirty PDF/A documents (about 15 s a load on
    one core); loading it once per module instead of once per test is what keeps
    the demo's tests inside CI's budget. Each test still runs in a transaction
    of its own that is rolled back (pytest-django), so a test that changes the
    demo changes it for itself only."""
    from django.core import mail
    from django.core.management import call_command
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("demo")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(folder / "files")}},
    }
    overrides = dict(
        TASKS=DEMO_TASKS, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], SITE_URL="http://testserver",
        DIARIUM_SEARCH_INDEX_DIR=folder / "search-index", DIARIUM_SEARCH_REBUILD_PROCESSES=0,
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("DIARIUM_DEMO_PASSWORD", DEMO_PASSWORD)
    with django_db_blocker.unblock():
        try:
            from django.conf import settings as django_settings

            with override_settings(STORAGES={**django_settings.STORAGES, **storages}, **overrides):
                mail.outbox = []
                call_command("demo", "--no-serve", verbosity=0)
                assert mail.outbox == []  # loading sends nothing
            yield storages
        finally:
            mp.undo()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(_demo_loaded, db, settings, monkeypatch):
    """The Alingsås demo as `diarium demo` leaves it (see _demo_loaded), for one test."""
    settings.TASKS = DEMO_TASKS
    settings.STORAGES = {**settings.STORAGES, **_demo_loaded}
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", DEMO_PASSWORD)
