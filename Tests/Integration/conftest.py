"""Fixtures for the integration tests: one local AWS for the session, a clean world
per test (reset, with a fresh instance and zone: see harness.py), and the r53hook binary."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import BINARY, MEASUREMENTS, LocalAWSProcess, World, start_localaws


@pytest.fixture(scope="session")
def localaws() -> Iterator[LocalAWSProcess]:
    with start_localaws() as server:
        yield server


@pytest.fixture(scope="session")
def binary() -> Path:
    if not (BINARY.is_file() and os.access(BINARY, os.X_OK)):
        pytest.fail(
            f"r53hook binary not found at {BINARY}: run `swift build` first "
            "(or point R53HOOK_TEST_BINARY at a built binary)",
            pytrace=False,
        )
    return BINARY


# Attach the local AWS log written during a failed test to its report.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    world = getattr(item, "_r53hook_world", None)
    if world is not None and report.failed and not hasattr(report, "wasxfail"):
        text = world.server.log_text(world.log_offset)
        if text:
            report.sections.append(("localaws log (this test)", text[-20000:]))
        if world.runs:
            last = world.runs[-1]
            report.sections.append(("last r53hook run", last.describe()))


@pytest.fixture()
def aws(request: pytest.FixtureRequest, binary: Path, localaws: LocalAWSProcess, tmp_path: Path) -> World:
    world = World(localaws, binary, tmp_path)
    request.node._r53hook_world = world
    return world


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if MEASUREMENTS:
        terminalreporter.section("r53hook measurements")
        for name, value in MEASUREMENTS.items():
            terminalreporter.write_line(f"{name}: {value}")
