"""Schemathesis over the whole OpenAPI schema of the JSON API, in-process (the
WSGI app, no network): for every operation, requests generated from the schema
(valid ones, and invalid ones that must be refused) as an anonymous caller and
with a registrar's API token, on a register with something behind every kind of
path id. Every answer must be no 5xx, a status code the operation documents,
with the documented content type, headers and body.

Deterministic (derandomize) and bounded by the number of examples per
operation, so that the module takes about a minute on one core on SQLite. The
number of operations and requests is printed (pytest -s) and recorded as the
test's properties.
"""

from __future__ import annotations

import logging

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .api_support import rich_world, token_for, world  # noqa: F401

# Whether every operation answers as its schema says is a property of the API, not of the database
# under it: the API's database paths are tested on both by the API tests (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database(on="postgresql")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
# Examples per operation: (caller, generation mode) -> count.
EXAMPLES = {
    ("registrar", GenerationMode.POSITIVE): 6,
    ("registrar", GenerationMode.NEGATIVE): 2,
    ("anonymous", GenerationMode.POSITIVE): 2,
    ("anonymous", GenerationMode.NEGATIVE): 1,
}


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, called in the test's thread and transaction.
    Like Django's test client, it must not close the connection at the end of
    each request (that would end the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # thousands of expected 4xx warnings
    django_app = get_wsgi_application()

    def app(environ, start_response):
        # Each request in a savepoint, kept when it succeeds: on PostgreSQL one
        # failed query would otherwise abort the test's transaction and every
        # later request would fail with it, hiding which one failed first.
        savepoint = transaction.savepoint()
        response = django_app(environ, start_response)
        try:
            transaction.savepoint_commit(savepoint)
        except DatabaseError:
            transaction.savepoint_rollback(savepoint)
        return response

    try:
        yield app
    finally:
        logger.setLevel(level)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def known_ids(w) -> dict[str, list]:
    """Path parameter -> ids of rows that exist, drawn about half the time so that
    requests reach the code behind the lookup."""
    return {
        "case_id": [w.case.pk], "document_id": [w.public.pk, w.secret.pk, w.private.pk],
        "file_id": [w.public_file.pk, w.secret_file.pk], "organ_id": [w.ks.pk, w.bun.pk],
        "round_id": [w.round.pk], "recipient_id": [w.recipient.pk], "meeting_id": [w.meeting.pk],
        "item_id": [w.item.pk], "decision_id": [w.decision.pk], "plan_id": [w.plan.pk],
        "focus_area_id": [w.area.pk], "goal_id": [w.goal.pk], "indicator_id": [w.indicator.pk],
        "action_id": [w.action.pk], "request_id": [w.copy_request.pk], "number": [1],
    }


@pytest.mark.parametrize("who, mode", list(EXAMPLES), ids=lambda v: getattr(v, "value", v))
def test_every_operation_answers_as_its_schema_says(wsgi_app, rich_world, who, mode, record_property):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    headers = {"Authorization": f"Bearer {token_for(rich_world.registrar)}"} if who == "registrar" else {}
    ids = known_ids(rich_world)
    failures: list[str] = []
    unsatisfiable: list[str] = []
    operations = requests = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES[who, mode], derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), print_blob=False)
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def exercise(case, data):
            nonlocal requests
            if mode is GenerationMode.POSITIVE:
                for name in list(case.path_parameters or {}):
                    if name in ids and data.draw(st.booleans()):
                        case.path_parameters[name] = data.draw(st.sampled_from(ids[name]))
            requests += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            exercise()
        except Unsatisfiable:
            # Nothing invalid to send (e.g. a free-text path parameter in negative mode).
            unsatisfiable.append(operation.label)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 (each failing operation is reported)
            failures.append(f"{operation.label}: {exc}")

    print(f"\nschemathesis {who}/{mode.value}: {operations} operations, {requests} requests"
          + (f"; nothing to generate for {', '.join(unsatisfiable)}" if unsatisfiable else ""))
    record_property("operations", operations)
    record_property("requests", requests)
    assert operations > 90 and len(unsatisfiable) < 5
    assert not failures, "\n\n".join(failures)
