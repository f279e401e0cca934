"""Values from AWS and from other machines' records cannot forge log lines: the stderr log
handler and the error line escape control characters (`\\n`, `\\r`, `\\t`, `\\u{1b}`, ...), so
every line r53hook writes to stderr starts with `r53hook: ` and a value carrying
"\\n[fake] ..." shows up escaped inside the one line that quotes it.
"""

from __future__ import annotations

import pytest

from harness import World

LOCK_NAME = "deploy._r53hook-lock.example.com."
FAKE = "r53hook: error: [fake] the lock was released"


def plant_lock(aws: World, value: str) -> None:
    aws.change({"Action": "CREATE", "ResourceRecordSet": {
        "Name": LOCK_NAME, "Type": "TXT", "TTL": 1, "ResourceRecords": [{"Value": value}]}})


def assert_every_line_is_ours(stderr: str) -> None:
    assert stderr, "nothing on stderr"
    for line in stderr.splitlines():
        assert line.startswith("r53hook: ") and not line.startswith(FAKE), repr(stderr)
    assert not any(c in stderr for c in "\r\x1b\x9b"), repr(stderr)


@pytest.mark.parametrize("value, shown", [
    (f'"r53hook-lock owner=evil\n{FAKE} token=0123 lease=30 seq=1"', f"evil\\n{FAKE}"),
    # A CR cannot be planted through the XML API (the parser turns it into LF); U+2028 can.
    (f'"r53hook-lock owner=evil\u2028{FAKE} token=0123 lease=30 seq=1"', f"evil\\u{{2028}}{FAKE}"),
    # ESC cannot travel in XML 1.0; its C1 twin CSI can, and terminals obey it the same way.
    ('"r53hook-lock owner=\x9b2Kevil token=0123 lease=30 seq=1"', "\\u{9b}2Kevil"),
    (f'"hand-made\n{FAKE}"', f"hand-made\\n{FAKE}"),
], ids=["newline-in-owner", "line-separator-in-owner", "control-sequence-in-owner", "newline-in-other-value"])
def test_a_lock_value_with_control_characters_is_shown_escaped(aws: World, value: str, shown: str):
    plant_lock(aws, value)
    run = aws.run("lock", "deploy", "--no-wait", "--", "true", name=False)
    assert run.code == 75, run.describe()
    assert_every_line_is_ours(run.stderr)
    assert shown in run.stderr, repr(run.stderr)


def test_a_waiters_log_lines_escape_the_value_it_takes_over(aws: World):
    # An unknown value unchanged for the waiter's own lease (3 s) is taken over; the waiter says
    # so through the log handler, quoting the value.
    plant_lock(aws, f'"r53hook-lock owner=evil\n{FAKE} token=0123 lease=30 seq=1"')
    run = aws.run("lock", "deploy", "--lease", "3", "--wait-timeout", "20", "--", "true", name=False)
    assert run.code == 0, run.describe()
    assert_every_line_is_ours(run.stderr)
    quoting = [line for line in run.stderr.splitlines() if "evil" in line]
    assert quoting and all(f"evil\\n{FAKE}" in line for line in quoting), run.stderr
    assert any("taking it over" in line for line in quoting), run.stderr
