"""Log lines for journald and shippers, for every command: with JOURNAL_STREAM naming stderr,
each line starts with its syslog priority (<3> error, <4> warning, <6> info, <7> debug); with
--log-format json (or R53HOOK_LOG_FORMAT=json), each line is one JSON object."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from harness import World


def run_to_file(aws: World, tmp_path: Path, *args: str, **env: str) -> tuple[int, list[str], Path]:
    """Runs r53hook with stderr on a file; JOURNAL_STREAM may be set to that file's dev:inode."""
    err = tmp_path / "stderr"
    with err.open("w") as handle:
        stat = os.fstat(handle.fileno())
        full_env = aws.env(**env)
        if full_env.get("JOURNAL_STREAM") == "this":
            full_env["JOURNAL_STREAM"] = f"{stat.st_dev}:{stat.st_ino}"
        proc = subprocess.run([str(aws.binary), *args], env=full_env, stderr=handle, stdout=subprocess.DEVNULL,
                              timeout=60, cwd=tmp_path)
    return proc.returncode, err.read_text().splitlines(), err


def test_under_the_journal_every_line_carries_its_priority(aws: World, tmp_path: Path):
    code, lines, _ = run_to_file(aws, tmp_path, "start", "--zone-id", aws.zone_id, "--name", "www.example.com",
                                 "--ttl", "1", "--debug", JOURNAL_STREAM="this")
    assert code == 0, lines
    assert lines and all(line[:3] in ("<6>", "<7>", "<5>", "<4>") for line in lines), lines
    assert any(line.startswith("<6>r53hook: registered") for line in lines), lines
    assert any(line.startswith("<7>r53hook: debug: ") for line in lines), lines
    code, lines, _ = run_to_file(aws, tmp_path, "stop", "--zone-id", "nonsense!", "--name", "www.example.com",
                                 JOURNAL_STREAM="this")
    assert code == 64 or code == 78, lines
    assert lines[-1].startswith("<3>r53hook: error: "), lines


def test_journal_stream_naming_another_file_changes_nothing(aws: World, tmp_path: Path):
    code, lines, _ = run_to_file(aws, tmp_path, "start", "--zone-id", aws.zone_id, "--name", "www.example.com",
                                 "--ttl", "1", JOURNAL_STREAM="1:2")
    assert code == 0 and all(line.startswith("r53hook: ") for line in lines), lines


def test_log_format_json_writes_one_object_per_line_errors_included(aws: World, tmp_path: Path):
    code, lines, _ = run_to_file(aws, tmp_path, "start", "--zone-id", aws.zone_id, "--name", "www.example.com",
                                 "--ttl", "1", "--log-format", "json")
    assert code == 0, lines
    objects = [json.loads(line) for line in lines]
    assert objects and all({"time", "level", "message"} <= set(o) for o in objects), objects
    assert any(o["message"].startswith("registered") and o["level"] == "info" for o in objects), objects
    code, lines, _ = run_to_file(aws, tmp_path, "status", "--zone-id", aws.zone_id, "--name", "www.example.com",
                                 "--set-identifier", "bad id", R53HOOK_LOG_FORMAT="json")
    assert code == 64, lines
    last = json.loads(lines[-1])
    assert last["level"] == "error" and "set-identifier" in last["message"], last
