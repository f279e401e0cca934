"""Route 53 misbehaving as it does in real life: throttling (5 requests/s per
account), PriorRequestNotComplete, 5xx, dropped connections, being unreachable.
Every retryable fault must end in success; an unreachable Route 53 in exit 69 at
the deadline, not before and not long after."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from harness import World

FLEET = 6


def route53_statuses(aws: World) -> list[int]:
    return [e[3] for e in aws.stats()["timeline"] if e[1] == "route53"]


def test_a_throttled_fleet_booting_at_once_all_register(aws: World):
    aws.faults(throttle_rps=5)
    procs = [aws.popen("start", "--set-identifier", f"fleet-{i}", "--address", f"198.51.100.{i}")
             for i in range(1, FLEET + 1)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert code == 0, err
    stats = aws.stats()
    assert stats["throttled"] > 0, "the burst never hit the 5 requests/s limit: the test proves nothing"
    assert 400 in route53_statuses(aws)
    aws.clear_faults()
    # Every member's record and its registry mark (marks sort after the records' name).
    records = aws.records()
    assert len(records) == 2 * FLEET, records
    by_set = lambda rs: sorted(rs, key=lambda r: r["SetIdentifier"])  # noqa: E731
    assert by_set(records[:FLEET]) == [
        aws.expected(set_id=f"fleet-{i}", value=f"198.51.100.{i}") for i in range(1, FLEET + 1)]
    assert by_set(records[FLEET:]) == [
        aws.expected_mark(set_id=f"fleet-{i}", value=f"198.51.100.{i}") for i in range(1, FLEET + 1)]
    assert any("Throttling" in err or "Rate exceeded" in err for _c, _o, err in results)


def test_throttled_past_the_deadline_is_temporary(aws: World):
    # One request every 5 s: a start (3+ requests) cannot finish in 3 s.
    aws.faults(throttle_rps=0.2)
    run = aws.run("start", "--deadline", "3")
    assert run.code == 75, run.describe()
    assert run.elapsed <= 5.0
    assert "throttl" in run.stderr.lower() and "--deadline" in run.stderr
    aws.clear_faults()
    assert aws.records() == []


def test_prior_request_not_complete_is_retried(aws: World):
    aws.faults(prior_request_not_complete=2)
    run = aws.run("start")
    assert run.code == 0, run.describe()
    assert aws.route53_calls()["ChangeResourceRecordSets"] == 3  # two refused, one accepted
    assert "PriorRequestNotComplete" in run.stderr
    assert aws.records() == aws.pair()


def test_5xx_answers_are_retried(aws: World):
    aws.faults(error_5xx=3)
    run = aws.run("start")
    assert run.code == 0, run.describe()
    assert sorted(s for s in route53_statuses(aws) if s >= 500) == [500, 500, 503]
    assert aws.records() == aws.pair()


def test_dropped_connections_are_retried(aws: World):
    aws.faults(drop_connections=2)
    run = aws.run("start")
    assert run.code == 0, run.describe()
    assert route53_statuses(aws).count(0) == 2  # 0: closed without an answer
    assert aws.records() == aws.pair()


def test_stop_gets_through_faults_too(aws: World):
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    aws.clear_stats()
    aws.faults(prior_request_not_complete=1, error_5xx=2, drop_connections=1)
    run = aws.run("stop", "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.route53_calls()["ChangeResourceRecordSets"] >= 2
    assert aws.records() == []


def test_route53_down_is_unreachable_at_the_deadline(aws: World):
    aws.faults(route53_down=True)
    run = aws.run("start", "--deadline", "3")
    assert run.code == 69, run.describe()
    assert run.elapsed <= 3 + 2.0, run.describe()
    assert "Route 53" in run.stderr and "deadline" in run.stderr
    aws.clear_faults()
    assert aws.records() == []


def test_route53_down_keeps_trying_until_the_deadline(aws: World):
    aws.faults(route53_down=True)
    # Four at once (no extra wall time): the backoff is random, so one run proves little.
    deadline = 4
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: aws.run("start", "--deadline", str(deadline)), range(4)))
    for run in runs:
        assert run.code == 69, run.describe()
    elapsed = sorted(round(r.elapsed, 2) for r in runs)
    assert all(deadline - 0.5 <= e <= deadline + 2.0 for e in elapsed), f"exited after {elapsed} s"


def test_route53_back_before_the_deadline_succeeds(aws: World):
    aws.faults(route53_down=True)
    proc = aws.popen("start", "--deadline", "30")
    time.sleep(1.5)
    aws.clear_faults()
    code = proc.wait(timeout=60)
    _out, err = proc.communicate()
    assert code == 0, err
    assert "Empty reply" in err or "retrying" in err
    assert aws.records() == aws.pair()
