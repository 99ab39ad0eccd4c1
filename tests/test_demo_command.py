"""`diarium demo` as a command: on an empty database, without the demo already
loaded for the module (tests/conftest.py `demo` loads it once per module)."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from diarium.accounts.models import Organisation, User
from diarium.decisions.models import DecisionRecipient
from diarium.plans.models import FollowUpRequest, FollowUpRound
from diarium.registry import selectors
from diarium.remiss.models import RemissRecipient, RemissRound

from .conftest import DEMO_TASKS as DB_TASKS


def _main_case():
    return selectors.case_get_by_number(organisation=Organisation.objects.get(slug="alingsas"), diary_number="2017.676 KS")


def _round():
    return RemissRound.objects.get(case=_main_case())


def _local_date(value):
    return timezone.localtime(value).date()


# On one database of CI's two: it loads the demo a second time (half a minute), and the demo's
# database paths are tested on both by the `demo` fixture's tests.
@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections like a real one
def test_the_demo_prints_its_generated_password_and_a_worker_started_after_it_sends_no_mail_for_2015_to_2018(
        monkeypatch, settings):
    # One load of the demo for both (it is the suite's slowest set-up): the password it made and the
    # address are printed, and then a worker started on the loaded demo sends nothing of the past.
    settings.TASKS = DB_TASKS
    monkeypatch.delenv("DIARIUM_DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    password = re.search(r"Password: (\S+)", text).group(1)
    assert User.objects.get(username="admin").check_password(password)
    assert User.objects.get(username="registrator").check_password(password)

    round_ = _round()
    assert mail.outbox == []  # loading sends nothing
    sent = {_local_date(r.sent_at) for r in round_.recipients.all()}
    assert sent == {dt.date(2018, 3, 5)}
    excerpts = DecisionRecipient.objects.exclude(email="")
    before = {r.pk: (r.state, r.sent_at) for r in excerpts}
    assert {state for state, _ in before.values()} == {DecisionRecipient.State.SENT}
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="diarium.remiss.tasks.deliver")
    assert queued.count() == round_.recipients.count()  # remiss_send queued one letter each
    # decision_dispatch queued one excerpt per recipient with an address; no notice went
    # to the politicians (they have no e-mail addresses in the demo).
    assert DBTaskResult.objects.filter(task_path="diarium.decisions.tasks.deliver_excerpt").count() == len(before)
    assert not DBTaskResult.objects.filter(task_path="diarium.decisions.tasks.send_notice").exists()
    call_command("worker", "--batch", verbosity=0)
    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0  # the worker ran them all
    # The queued letters find the round closed; no reminders either. Only the present reaches the
    # case officer (the demo lives in the present; issue 21): the desk's reminder of the due date
    # past its day, and (late in the evening, its due time near) of the request he is to decide.
    present = ("Komplettering av ansökan om markanvisning", "Begäran om att få ta del av handling")
    assert {tuple(m.to) for m in mail.outbox} == {("goran.westerlund@alingsas.example",)}
    assert all(any(text in m.body for text in present) for m in mail.outbox)
    assert any(present[0] in m.body for m in mail.outbox)
    assert {(r.dispatch, r.reminder_count) for r in round_.recipients.all()} == {(RemissRecipient.Dispatch.SENT, 0)}
    # The queued excerpts find themselves sent, on their historic day.
    assert {r.pk: (r.state, r.sent_at) for r in excerpts} == before
    assert max(_local_date(sent_at) for _, sent_at in before.values()) == dt.date(2018, 11, 5)
    # The follow-up requests of 2019 and 2020 went out on the day each round opened; the queued
    # tasks find the rounds closed and send nothing, and no reminders go out.
    requests = FollowUpRequest.objects.select_related("round")
    assert DBTaskResult.objects.filter(task_path="diarium.plans.tasks.send_request").count() == requests.count() > 0
    assert {r.round.status for r in requests} == {FollowUpRound.Status.CLOSED}
    assert all(_local_date(r.sent_at) == _local_date(r.round.created_at) for r in requests)
    assert {(r.reminder_count, r.reminded_before_at, r.send_error) for r in requests} == {(0, None, "")}
