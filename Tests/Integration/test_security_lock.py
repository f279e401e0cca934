"""The lock never spins (security audit, point 3): only Route 53's "already exists" refusal of
the lock's CREATE means "held". A CNAME (or anything else) in the way is a configuration error,
exit 78 at once with few requests; a lock refused as held that never reads back is polled at the
normal pace and --wait-timeout / --no-wait still hold.
"""

from __future__ import annotations

from harness import World, measure
from hostilekit import ZONE_ID, HostileAWS
from lockkit import LockProc, record_name

LOCK = "deploy"


def env(aws: World, **extra: str) -> dict[str, str]:
    return aws.env(AWS_ACCESS_KEY_ID=aws.admin["access_key_id"], AWS_SECRET_ACCESS_KEY=aws.admin["secret_access_key"],
                   **extra)


def lock(aws: World, *extra: str, zone_id: str | None = None, name: str = LOCK, **env_extra: str) -> LockProc:
    """r53hook lock NAME -- touch ran: the file `ran` in tmp_path says whether the command ran."""
    return LockProc(aws.binary, zone_id or aws.zone_id, name, ["touch", str(aws.tmp / "ran")],
                    env=env(aws, **env_extra), workdir=aws.tmp, lease=3, owner="tester", extra=extra, label="lock")


def test_a_cname_at_the_lock_name_is_a_configuration_error_at_once(aws: World):
    cname = {"Name": record_name(LOCK), "Type": "CNAME", "TTL": 60,
             "ResourceRecords": [{"Value": "elsewhere.example.net"}]}
    aws.change({"Action": "CREATE", "ResourceRecordSet": cname})
    aws.clear_stats()
    p = lock(aws)
    try:
        code = p.wait(20)  # the audit saw 9,108 changes in 20 s, and no exit
    finally:
        p.kill()
    calls = aws.route53_calls()
    measure("lock: CNAME at the lock name",
            f"exit {code} after {p.ended and p.ended - p.started:.2f} s, Route 53 calls {calls}")
    assert code == 78, p.describe()
    assert p.ended is not None and p.ended - p.started < 5, p.describe()
    assert record_name(LOCK) in p.stderr and "CNAME" in p.stderr and "another lock name" in p.stderr, p.describe()
    assert not (aws.tmp / "ran").exists()
    assert calls.get("ChangeResourceRecordSets") == 1 and sum(calls.values()) <= 3, calls
    assert aws.records() == [cname]


def test_wait_timeout_holds_when_the_lock_is_refused_as_held_but_never_reads_back(aws: World):
    with HostileAWS("held") as hostile:
        p = lock(aws, "--wait-timeout", "3", zone_id=ZONE_ID, name="lock", AWS_ENDPOINT_URL_ROUTE_53=hostile.endpoint)
        try:
            code = p.wait(30)
        finally:
            p.kill()
        creates = hostile.count("ChangeResourceRecordSets")
    elapsed = (p.ended or 0) - p.started
    measure("lock: refused as held, nothing reads back, --wait-timeout 3",
            f"exit {code} after {elapsed:.2f} s, {creates} CREATEs")
    assert code == 75, p.describe()
    assert 3 <= elapsed < 5, p.describe()
    assert "--wait-timeout" in p.stderr and "no lock record" in p.stderr, p.describe()
    # Polls every lease/3 (1 s) ±50%: at most one every 0.5 s, plus the first.
    assert creates <= 8, creates
    assert not (aws.tmp / "ran").exists()


def test_no_wait_holds_when_the_lock_is_refused_as_held_but_never_reads_back(aws: World):
    with HostileAWS("held") as hostile:
        p = lock(aws, "--no-wait", zone_id=ZONE_ID, name="lock", AWS_ENDPOINT_URL_ROUTE_53=hostile.endpoint)
        try:
            code = p.wait(30)
        finally:
            p.kill()
        creates = hostile.count("ChangeResourceRecordSets")
    assert code == 75, p.describe()
    assert "--no-wait" in p.stderr, p.describe()
    assert creates == 2, creates  # one more try in case it was released in between, then give up
    assert not (aws.tmp / "ran").exists()
