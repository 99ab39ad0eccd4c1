import pytest

from . import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _swedish_after_each_test():
    """LocaleMiddleware leaves a request's language active in the thread: a test that
    asked for English would otherwise hand English to the next test's services."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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


# --- the Alingsås demo, loaded once for each run of tests that use it ----------------------
DEMO_PASSWORD = "Demo-Lösen-Alingsås-2017"
DEMO_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as `diarium demo` has it


class _Demo:
    """`diarium demo --no-serve`, committed to the test database once for a run of
    consecutive tests that use the `demo` fixture, with its files in a folder of
    its own, and emptied again (as after a transactional test) when the next test
    does not use it.

    Loading the demo draws up some thirty PDF/A documents (about 15 s on one
    core); loading it once for the demo's thirty-odd tests instead of once per
    test is what keeps them inside CI's budget. pytest-django runs them one after
    the other (every one is an ordinary, rolled-back test), and each still runs in
    a transaction of its own, so a test that changes the demo changes it for
    itself only."""

    def __init__(self):
        self.blocker = None
        self.folders = None
        self.storages = None

    @property
    def loaded(self) -> bool:
        return self.storages is not None

    def load(self) -> None:
        from django.conf import settings as django_settings
        from django.core import mail
        from django.core.management import call_command
        from django.test import override_settings

        folder = self.folders.mktemp("demo")
        storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                "OPTIONS": {"location": str(folder / "files")}}}
        overrides = dict(
            STORAGES={**django_settings.STORAGES, **storages},
            TASKS=DEMO_TASKS, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], SITE_URL="http://testserver",
            DIARIUM_SEARCH_INDEX_DIR=folder / "search-index", DIARIUM_SEARCH_REBUILD_PROCESSES=0,
        )
        mp = pytest.MonkeyPatch()
        mp.setenv("DIARIUM_DEMO_PASSWORD", DEMO_PASSWORD)
        try:
            with self.blocker.unblock(), override_settings(**overrides):
                mail.outbox = []
                try:
                    call_command("demo", "--no-serve", verbosity=0)
                except BaseException:
                    call_command("flush", interactive=False, verbosity=0)
                    raise
                assert mail.outbox == []  # loading sends nothing
        finally:
            mp.undo()
        self.storages = storages

    def unload(self) -> None:
        from django.core.management import call_command

        with self.blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        self.storages = None


_DEMO = _Demo()


@pytest.fixture(scope="module")
def _demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database is set up (and the demo loaded) before any test's own
    transaction begins."""
    _DEMO.blocker, _DEMO.folders = django_db_blocker, tmp_path_factory
    if not _DEMO.loaded:
        _DEMO.load()


def _uses_demo(item) -> bool:
    """Whether the test uses this module's `demo` (a module may define a `demo`
    of its own, as the search journeys do)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("demo") if info is not None else None
    return bool(definitions) and getattr(definitions[-1].func, "__module__", None) == __name__


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _uses_demo(item) and _DEMO.blocker is not None and not _DEMO.loaded:
        _DEMO.load()  # a demo test after others in the same module that emptied it
    yield
    if _DEMO.loaded and (nextitem is None or not _uses_demo(nextitem)):
        _DEMO.unload()


@pytest.fixture
def demo(_demo_database, db, settings, monkeypatch):
    """The Alingsås demo as `diarium demo` leaves it, for one test (see _Demo)."""
    settings.TASKS = DEMO_TASKS
    settings.STORAGES = {**settings.STORAGES, **_DEMO.storages}
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", DEMO_PASSWORD)


# --- tests that run on one database ---------------------------------------------------------
# `.ci/run` runs the suite on SQLite and on PostgreSQL side by side, on two cores. With
# DIARIUM_TESTS_ONCE set, a test whose subject is not the database runs beside only one of them
# (`_beside`); without it (as `make test` runs by default) every test runs.
# - A test that never opens the database (no `db` fixture or django_db mark, directly or through
#   its fixtures) tests the same code on both: it runs beside PostgreSQL, those of the modules
#   of _FREE_BESIDE_SQLITE beside SQLite.
# - A browser journey tests the pages, whose database paths the other tests take on both: it runs
#   beside SQLite, the embedded default, except the modules of _BROWSER_BESIDE_POSTGRESQL.
# - A test marked `one_database` runs beside SQLite, or beside PostgreSQL with
#   `one_database(on="postgresql")`.
# - A search test on the tantivy engine runs beside SQLite; PostgreSQL's own engine beside it.
# The modules beside each are chosen so the two runs take about as long (measured 2026-12-08:
# journeys 230 s a run, the tantivy half of the search tests 160 s; then SQLite 919 s and
# PostgreSQL 1,003 s, before the database-free reading and secret-key tests moved to SQLite).
_DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                                "live_server", "_django_db_helper"})
_BROWSER_BESIDE_POSTGRESQL = ("test_decisions_journeys.py", "test_search_journeys.py")
_FREE_BESIDE_SQLITE = ("test_reading_", "test_secret_key")


def _database_free(item) -> bool:
    return (item.get_closest_marker("django_db") is None
            and _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ())))


def _beside(item) -> str | None:
    """"sqlite" or "postgresql" for a test that runs beside one of the two, else None (both)."""
    marker = item.get_closest_marker("one_database")
    if marker is not None:
        return "postgresql" if marker.kwargs.get("on") == "postgresql" else "sqlite"
    if "browser" in item.path.parts:
        return "postgresql" if item.path.name in _BROWSER_BESIDE_POSTGRESQL else "sqlite"
    if _database_free(item):
        return "sqlite" if item.path.name.startswith(_FREE_BESIDE_SQLITE) else "postgresql"
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("search_engine") == "tantivy":
        return "sqlite"
    return None


def _demo_tests_first(items) -> None:
    """The tests of every module that use the demo, one after the other at the start (they
    are ordinary rolled-back tests, which pytest-django runs first anyway): the demo is then
    loaded once per run instead of once per module that uses it (about 15 s each)."""
    demo = [item for item in items if _uses_demo(item)]
    if demo:
        chosen = set(map(id, demo))
        items[:] = demo + [item for item in items if id(item) not in chosen]


def pytest_configure(config):
    config.addinivalue_line("markers", "one_database(on='sqlite'): run beside one database of the CI's two "
                                       "(tests/conftest.py)")


def pytest_collection_modifyitems(config, items):
    import os

    from django.conf import settings

    _demo_tests_first(items)
    if not os.environ.get("DIARIUM_TESTS_ONCE"):
        return
    here = "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"
    once = [item for item in items if _beside(item) not in (None, here)]
    if once:
        config.hook.pytest_deselected(items=once)
        chosen = set(map(id, once))
        items[:] = [item for item in items if id(item) not in chosen]
