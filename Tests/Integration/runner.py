"""Running the real r53hook binary: where it is, the record name the tests use, one run's
outcome (`Run`), and the figures tests measure for the terminal summary.

The binary runs from an EMPTY environment plus PATH and HOME=tmp_path (World.env() in
world.py), so the developer's ~/.aws, AWS_* variables or proxies never leak in.

Binary: $R53HOOK_TEST_BINARY, default .build/debug/r53hook (build it first:
`swift build`). A missing binary fails every test that needs it, on purpose: CI
builds before it tests.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("R53HOOK_TEST_BINARY") or REPO / ".build" / "debug" / "r53hook")
if not BINARY.is_absolute():
    BINARY = REPO / BINARY

# The zone and the record name `World.run` passes (--zone-id of ZONE, --name NAME).
ZONE = "example.com"
NAME = "www.example.com"
PATH_ENV = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")


@dataclass
class Run:
    argv: list[str]
    code: int
    stdout: str
    stderr: str
    started: float  # time.time() when the process was started
    ended: float  # time.time() when it exited
    elapsed: float  # monotonic wall time
    env: dict[str, str] = field(repr=False, default_factory=dict)

    def describe(self) -> str:
        shown = {k: v for k, v in self.env.items() if "SECRET" not in k and "TOKEN" not in k}
        return (f"argv: {self.argv}\nenv: {shown}\nexit: {self.code} after {self.elapsed:.2f} s\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_binary(argv: list[str], env: dict[str, str], cwd: Path, timeout: float) -> Run:
    """Run argv to completion (stdin empty); a run past `timeout` is killed and fails the test."""
    started = time.time()
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd=cwd)
    except subprocess.TimeoutExpired as exc:  # run() has killed it
        timed_out = exc
    else:
        timed_out = None
    if timed_out is not None:
        out, err = (x.decode(errors="replace") if isinstance(x, bytes) else (x or "")
                    for x in (timed_out.stdout, timed_out.stderr))
        pytest.fail(f"{argv} did not exit within {timeout} s\nstdout:\n{out}\nstderr:\n{err}", pytrace=False)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr, started, time.time(), time.monotonic() - t0, env)


MEASUREMENTS: dict[str, str] = {}


def measure(name: str, value: str) -> None:
    """Record a figure to show in the terminal summary (e.g. stop's own overhead)."""
    MEASUREMENTS[name] = value
