"""gc.freeze() after a serving process's first request (diarium/core/memory.py)."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _after_first_request(freeze: str) -> str:
    code = textwrap.dedent(f"""
        import gc, os
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        os.environ["DIARIUM_GC_FREEZE"] = "{freeze}"
        import django
        django.setup()
        from django.core.signals import request_finished
        before = gc.get_freeze_count()
        request_finished.send(sender=None)
        request_finished.send(sender=None)
        print(before, gc.get_freeze_count())
    """)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=120).stdout.split()


def test_a_serving_process_freezes_what_it_loaded_after_its_first_request():
    before, after = map(int, _after_first_request("true"))
    assert before == 0 and after > 10_000  # Django, the apps and their modules: skipped by later collections


def test_freezing_can_be_turned_off():
    assert _after_first_request("false") == ["0", "0"]
