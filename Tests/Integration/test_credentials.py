"""Credentials: the SDK chain as the binary sees it, and AWS refusing them (exit 77,
nothing changed, a message that says what to fix)."""

from __future__ import annotations

from harness import World

READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["route53:Get*", "route53:List*"], "Resource": "*"}],
}


def test_wrong_secret_is_access_denied_and_changes_nothing(aws: World):
    wrong = "w" * 40
    run = aws.run("start", AWS_ACCESS_KEY_ID=aws.admin["access_key_id"], AWS_SECRET_ACCESS_KEY=wrong)
    assert run.code == 77, run.describe()
    assert "SignatureDoesNotMatch" in run.stderr or "secret" in run.stderr.lower()
    assert wrong not in run.output
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == []


def test_unknown_access_key_is_access_denied(aws: World):
    run = aws.run("start", AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="x" * 40)
    assert run.code == 77, run.describe()
    assert aws.records() == []


def test_missing_permission_names_the_iam_action(aws: World):
    user = aws.control("POST", "/users", {"policy": READ_ONLY})
    run = aws.run("start", AWS_ACCESS_KEY_ID=user["access_key_id"], AWS_SECRET_ACCESS_KEY=user["secret_access_key"])
    assert run.code == 77, run.describe()
    assert "route53:ChangeResourceRecordSets" in run.stderr
    assert aws.records() == []


def test_stop_without_permission_names_the_iam_action_and_keeps_the_record(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    user = aws.control("POST", "/users", {"policy": READ_ONLY})
    run = aws.run("stop", AWS_ACCESS_KEY_ID=user["access_key_id"], AWS_SECRET_ACCESS_KEY=user["secret_access_key"])
    assert run.code == 77, run.describe()
    assert "route53:ChangeResourceRecordSets" in run.stderr
    assert aws.records() == aws.pair()


def test_environment_credentials_beat_the_instance_role(aws: World):
    # IMDS is down: only the environment can supply credentials, and an explicit set
    # identifier and address make IMDS unnecessary altogether (running off EC2).
    aws.patch_instance(imds="down")
    run = aws.run("start", "--set-identifier", "off-ec2", "--address", "192.0.2.44", "--no-wait",
                  AWS_ACCESS_KEY_ID=aws.admin["access_key_id"], AWS_SECRET_ACCESS_KEY=aws.admin["secret_access_key"])
    assert run.code == 0, run.describe()
    # Off EC2 the mark names no instance: "-" (so a sweep never judges it by EC2).
    assert aws.records() == aws.pair(set_id="off-ec2", value="192.0.2.44", instance="-")


def test_shared_credentials_file_and_profile(aws: World):
    aws.patch_instance(imds="down")
    (aws.home / ".aws").mkdir()
    (aws.home / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wrong\n\n"
        f"[deploy]\naws_access_key_id = {aws.admin['access_key_id']}\n"
        f"aws_secret_access_key = {aws.admin['secret_access_key']}\n")
    args = ("--set-identifier", "from-profile", "--address", "192.0.2.45", "--no-wait")
    assert aws.run("start", *args).code == 77  # [default] is wrong
    run = aws.run("start", *args, AWS_PROFILE="deploy")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(set_id="from-profile", value="192.0.2.45", instance="-")


def test_role_credentials_with_session_token_from_the_environment(aws: World):
    creds = aws.role_credentials()
    run = aws.run("start", "--no-wait", AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
                  AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"], AWS_SESSION_TOKEN=creds["Token"])
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_bad_session_token_is_access_denied(aws: World):
    creds = aws.role_credentials()
    run = aws.run("start", AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                  AWS_SESSION_TOKEN="not-the-token")
    assert run.code == 77, run.describe()
    assert aws.records() == []


def test_no_credentials_anywhere_with_imds_unreachable(aws: World):
    # The chain ends at the instance role, and IMDS cannot be reached: 69 (unreachable),
    # with every source the chain tried named.
    aws.patch_instance(imds="down")
    run = aws.run("start", "--set-identifier", "x", "--address", "192.0.2.46", "--deadline", "5")
    assert run.code == 69, run.describe()
    for source in ("credentials", "environment", "shared credentials", "container", "IMDS"):
        assert source in run.stderr, source
    assert aws.route53_calls() == {}


def test_short_lived_role_credentials_are_refreshed_during_the_insync_wait(aws: World):
    # Keys valid for 3 s; INSYNC after 4 s: the GetChange polls after the first
    # keys expired must be signed with new ones (localaws refuses expired tokens).
    inst = aws.create_instance(credentials_ttl=3)
    aws.insync_delay(4.0)
    run = aws.run("start", instance=inst)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(set_id=inst["instance_id"], value=inst["public_ipv4"])
    timeline = aws.stats()["timeline"]
    statuses = [e[3] for e in timeline if e[1] == "route53"]
    assert 403 not in statuses, statuses
    role_path = f"/latest/meta-data/iam/security-credentials/{inst['role_name']}"
    assert sum(1 for e in timeline if e[1:3] == ["imds", role_path]) >= 2, "never refreshed"
