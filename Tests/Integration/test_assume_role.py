"""Assume-role profiles with the real binary: the profile's source credentials call STS
AssumeRole (the local AWS checks the role's trust policy and external id, then enforces the
role's own policy on its credentials), and Route 53 is changed as the role."""

from __future__ import annotations

from credkit import ACCOUNT, ASSUME_ONLY, NOTHING, role, static_keys, sts_calls, user, write_config

from harness import World


def test_a_source_profile_assumes_the_role_that_may_change_route53(aws: World):
    # The user may only assume roles: every Route 53 change below is the role's.
    base = user(aws)
    arn = role(aws, "dns", trusted=base["arn"])
    write_config(aws, f"[profile dns]\nrole_arn = {arn}\nsource_profile = base\nrole_session_name = web-1\n",
                 static_keys("base", base))
    run = aws.run("start", "--ttl", "1", AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(ttl=1)
    assert sts_calls(aws) == [200]
    run = aws.run("stop", "--drain-extra", "0", AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert aws.records() == []


def test_the_source_alone_is_denied_route53(aws: World):
    base = user(aws)
    write_config(aws, "", static_keys("base", base))
    run = aws.run("start", AWS_PROFILE="base")
    assert run.code == 77, run.describe()
    assert aws.records() == []


def test_an_assumed_role_without_route53_permissions_is_denied(aws: World):
    base = user(aws)
    arn = role(aws, "nothing", trusted=base["arn"], policy=NOTHING)
    write_config(aws, f"[profile dns]\nrole_arn = {arn}\nsource_profile = base\n", static_keys("base", base))
    run = aws.run("start", AWS_PROFILE="dns")
    assert run.code == 77, run.describe()
    assert "route53:" in run.stderr
    assert aws.records() == []


def test_the_external_id_must_match_the_trust_policy(aws: World):
    base = user(aws)
    arn = role(aws, "partner", trusted=base["arn"], external_id="ext-42")
    config = "[profile dns]\nrole_arn = {arn}\nsource_profile = base\nexternal_id = {ext}\n"
    write_config(aws, config.format(arn=arn, ext="ext-41"), static_keys("base", base))
    run = aws.run("start", AWS_PROFILE="dns")
    assert run.code == 77, run.describe()
    assert f"cannot assume {arn}" in run.stderr and "external_id" in run.stderr
    assert aws.records() == []
    write_config(aws, config.format(arn=arn, ext="ext-42"), static_keys("base", base))
    run = aws.run("start", AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_credential_source_ec2_instance_metadata_assumes_from_the_instance_role(aws: World):
    inst = aws.create_instance(role_policy=ASSUME_ONLY)
    arn = role(aws, "dns", trusted=f"arn:aws:iam::{ACCOUNT}:role/{inst['role_name']}")
    write_config(aws, f"[profile dns]\nrole_arn = {arn}\ncredential_source = Ec2InstanceMetadata\n")
    run = aws.run("start", "--no-wait", instance=inst, AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(set_id=inst["instance_id"], value=inst["public_ipv4"],
                                     instance=inst["instance_id"])


def test_a_chain_of_roles(aws: World):
    base = user(aws)
    hop = role(aws, "hop", trusted=base["arn"], policy=ASSUME_ONLY)
    dns = role(aws, "dns", trusted=hop)
    write_config(aws, f"[profile dns]\nrole_arn = {dns}\nsource_profile = hop\n\n"
                      f"[profile hop]\nrole_arn = {hop}\nsource_profile = base\n", static_keys("base", base))
    run = aws.run("start", "--no-wait", AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert sts_calls(aws) == [200, 200]
    assert aws.records() == aws.pair()


def test_a_loop_of_source_profiles_is_a_configuration_error(aws: World):
    write_config(aws, f"[profile a]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/a\nsource_profile = b\n\n"
                      f"[profile b]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/b\nsource_profile = a\n")
    run = aws.run("start", "--no-wait", AWS_PROFILE="a")
    assert run.code == 78, run.describe()
    assert "a -> b -> a" in run.stderr
    assert sts_calls(aws) == []


def test_short_sessions_are_refreshed_and_secrets_never_logged(aws: World):
    # 900 s credentials are inside the 15-minute refresh window from the start: every request
    # asks STS again, which is how refreshing shows within one short run.
    base = user(aws)
    arn = role(aws, "dns", trusted=base["arn"])
    write_config(aws, f"[profile dns]\nrole_arn = {arn}\nsource_profile = base\nduration_seconds = 900\n",
                 static_keys("base", base))
    run = aws.run("start", "--debug", AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert len(sts_calls(aws)) >= 2
    assert base["secret_access_key"] not in run.output
    assert "<SecretAccessKey><redacted></SecretAccessKey>" in run.output
    assert "<SessionToken><redacted></SessionToken>" in run.output


def test_the_sts_endpoint_override_is_used(aws: World):
    base = user(aws)
    arn = role(aws, "dns", trusted=base["arn"])
    write_config(aws, f"[profile dns]\nrole_arn = {arn}\nsource_profile = base\n", static_keys("base", base))
    run = aws.run("start", "--no-wait", "--deadline", "3", AWS_PROFILE="dns",
                  AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    assert run.code == 69, run.describe()
    assert "STS" in run.stderr and "127.0.0.1:9" in run.stderr
    assert sts_calls(aws) == []
