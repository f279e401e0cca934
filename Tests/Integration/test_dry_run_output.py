"""`--dry-run` plans are printed in one place: start, stop and cycle write them alike to
standard output (the batch as XML, each other step as a `then:` line), and change nothing."""

from __future__ import annotations

from harness import World


def test_cycle_dry_run_prints_its_plan_on_stdout_like_stop(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    before = aws.records()
    stop = aws.run("stop", "--dry-run", "--drain-extra", "0")
    assert stop.code == 0, stop.describe()
    cycle = aws.run("cycle", "--dry-run", "--", "systemctl", "restart", "myapp", R53HOOK_DRAIN_EXTRA="0")
    assert cycle.code == 0, cycle.describe()
    # The same leave plan, then the command: on stdout, not mixed into the log on stderr.
    assert cycle.stdout.startswith(stop.stdout), (stop.stdout, cycle.stdout)
    assert cycle.stdout.rstrip().endswith("then: run systemctl restart myapp, then rejoin when it succeeds")
    assert "<Action>DELETE</Action>" in cycle.stdout
    assert "dry run:" not in cycle.stderr
    assert aws.records() == before
