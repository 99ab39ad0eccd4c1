"""Diary numbers stay unique and gapless when registrars work at the same time."""

import threading

import pytest
from django.db import connection

from diarium.registry.models import Case

from . import factories as f


@pytest.mark.django_db(transaction=True)
def test_eight_threads_register_fifty_cases_each_without_gaps():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.registrar(org)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(50):
                f.case(registrar, ks, title=f"Ärende {n}-{i}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    seqs = sorted(Case.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 401))
    assert Case.objects.values("diary_number").distinct().count() == 400
