"""Fixtures of the stack tests: the running stack, HTTP clients through the
balancer, the primary database, the mail sink and the bucket.

DIARIUM_STACK_SHORT=1 runs only the tests marked `short` (CI); the load test
then runs 10 s per phase instead of 30 s.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack as stackmod  # noqa: E402  (stack/stack.py)
from helpers import Report  # noqa: E402

SHORT = os.environ.get("DIARIUM_STACK_SHORT", "") not in ("", "0")
REPORT = Report()


ORDER = ("test_journeys.py", "test_faults.py", "test_load.py")


def pytest_collection_modifyitems(config, items):
    # The journeys first (a working stack), then the faults, then the load figures.
    items.sort(key=lambda item: ORDER.index(item.path.name) if item.path.name in ORDER else len(ORDER))
    if not SHORT:
        return
    skip = pytest.mark.skip(reason="full form only (DIARIUM_STACK_SHORT=1)")
    for item in items:
        if "short" not in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    REPORT.print(terminalreporter)


@pytest.fixture(scope="session")
def report():
    return REPORT


@pytest.fixture(scope="session")
def stack():
    if not stackmod.RUN_DIR.joinpath("stack.json").exists():
        pytest.exit(f"no stack in {stackmod.RUN_DIR}: run `python stack/stack.py up` (make stack-test does)", 2)
    return stackmod.Stack.load()


@pytest.fixture(scope="session")
def parts(stack):
    return stackmod.Services(stack)


@pytest.fixture(scope="session")
def db(stack):
    from helpers import Database

    database = Database(stack)
    yield database
    database.close()


@pytest.fixture(scope="session")
def registrar(stack):
    """The demo's registrar, logged in through the balancer, with an API token."""
    from helpers import Registrar

    return Registrar.login(stack)


@pytest.fixture(scope="session")
def mail(stack):
    from helpers import Mailbox

    return Mailbox(stack.path("mail"))


@pytest.fixture(scope="session")
def bucket(stack):
    from helpers import Bucket

    return Bucket(stack)


@pytest.fixture
def healthy(stack, parts):
    """Every part running and both app servers in the balancer, before and after a fault test."""
    from helpers import wait_all_up

    wait_all_up(stack, parts)
    yield
    wait_all_up(stack, parts)

