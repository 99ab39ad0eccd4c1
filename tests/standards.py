"""Where the official schemas and shapes the tests validate against live: the
workspace's shared/standards folder beside the checkout, or DIARIUM_STANDARDS."""

import os
from pathlib import Path

import pytest


def standards_dir() -> Path:
    candidates = [Path(os.environ["DIARIUM_STANDARDS"])] if os.environ.get("DIARIUM_STANDARDS") else []
    candidates += [Path(__file__).resolve().parents[2] / "shared" / "standards", Path("/work/shared/standards")]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.fail("The OParl schemas and DCAT shapes were not found: set DIARIUM_STANDARDS to shared/standards.")
