"""Instance metadata: IMDSv2 tokens (required by default, as on new instances), IMDS
unreachable or overloaded, and IMDSv1 only when asked for."""

from __future__ import annotations

from harness import World

TOKEN_PATH = "/latest/api/token"


def imds_log(aws: World) -> list[tuple[str, int]]:
    return [(e[2], e[3]) for e in aws.stats()["timeline"] if e[1] == "imds"]


def test_tokens_required_works_with_a_token_first_and_no_401(aws: World):
    run = aws.run("start")
    assert run.code == 0, run.describe()
    log = imds_log(aws)
    assert log[0] == (TOKEN_PATH, 200), log
    assert all(status == 200 for _path, status in log), log  # no 401: every GET carried the token
    paths = [p for p, _ in log]
    assert paths.count(TOKEN_PATH) == 1, "the token should be fetched once and reused"
    for wanted in ("/latest/meta-data/instance-id", "/latest/meta-data/public-ipv4",
                   f"/latest/meta-data/iam/security-credentials/{aws.instance['role_name']}"):
        assert wanted in paths, wanted
    assert aws.records() == aws.pair()


def test_tokens_optional_with_imds_v1_allowed(aws: World):
    inst = aws.create_instance(tokens="optional")
    run = aws.run("start", "--imds-v1", instance=inst)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(set_id=inst["instance_id"], value=inst["public_ipv4"])
    # v2 is still preferred when the service offers it.
    assert (TOKEN_PATH, 200) in imds_log(aws)


def test_imds_down_is_unreachable_with_a_message_about_imds(aws: World):
    aws.patch_instance(imds="down")
    run = aws.run("start", "--deadline", "10")
    assert run.code == 69, run.describe()
    assert "IMDS" in run.stderr and aws.instance["imds_endpoint"] in run.stderr
    assert run.elapsed < 10 + 2
    assert "ChangeResourceRecordSets" not in aws.route53_calls()


def test_imds_answering_503_twice_then_up_succeeds(aws: World):
    aws.patch_instance(imds_503_count=2)
    run = aws.run("start")
    assert run.code == 0, run.describe()
    statuses = [s for _p, s in imds_log(aws)]
    assert statuses.count(503) == 2, statuses
    assert aws.records() == aws.pair()


def test_imds_503_throughout_is_unreachable(aws: World):
    aws.patch_instance(imds="503")
    run = aws.run("start", "--deadline", "5")
    assert run.code == 69, run.describe()
    assert "IMDS" in run.stderr and "503" in run.stderr
    assert run.elapsed < 5 + 2
