"""Every command's --help, compared with the text committed under Tests/Integration/help/, so
that a change to what an operator reads is made on purpose and shows in review as a diff.

After changing an option or its help on purpose, write the new texts and commit them:
  R53HOOK_UPDATE_HELP=1 python3 -m pytest Tests/Integration/test_help.py
The binary runs without a terminal and without COLUMNS, so swift-argument-parser wraps at its
default width and the text is the same on every machine.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import pytest

from harness import BINARY

SNAPSHOTS = Path(__file__).resolve().parent / "help"
COMMANDS = ["r53hook", "start", "stop", "status", "cycle", "lock", "heartbeat", "members", "role", "sweep", "watch"]
UPDATE = os.environ.get("R53HOOK_UPDATE_HELP") == "1"


def help_text(command: str) -> str:
    argv = [str(BINARY), "--help"] if command == "r53hook" else [str(BINARY), command, "--help"]
    run = subprocess.run(argv, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=30,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"{argv} exited {run.returncode}:\n{run.stderr}"
    assert run.stderr == "", run.stderr
    return run.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_the_committed_text(command: str):
    snapshot = SNAPSHOTS / f"{command}.txt"
    text = help_text(command)
    if UPDATE:
        snapshot.write_text(text)
    assert snapshot.exists(), f"no {snapshot.relative_to(SNAPSHOTS.parent)}: write it with R53HOOK_UPDATE_HELP=1"
    expected = snapshot.read_text()
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), text.splitlines(keepends=True),
                                            f"committed {snapshot.name}", f"{command} --help now"))
        pytest.fail(f"{command} --help changed. If on purpose, run R53HOOK_UPDATE_HELP=1 python3 -m pytest "
                    f"Tests/Integration/test_help.py and commit the texts:\n{diff}", pytrace=False)


def test_every_command_has_a_snapshot_and_no_snapshot_is_stale():
    listed = help_text("r53hook")
    for command in COMMANDS[1:]:
        assert f"\n  {command} " in listed, f"{command} is not in the root help's subcommand list"
    on_disk = {path.stem for path in SNAPSHOTS.glob("*.txt")}
    assert on_disk == set(COMMANDS), f"snapshots without a command or commands without one: {on_disk ^ set(COMMANDS)}"
