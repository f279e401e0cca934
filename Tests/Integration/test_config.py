"""Where settings come from: flag, then environment, then --config file, then default.

The config file is the one the init script sources and systemd reads as an
EnvironmentFile: R53HOOK_* keys for r53hook, AWS_* keys applied as environment
defaults (the real environment wins).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import NAME, World


def write(aws: World, text: str, name: str = "r53hook.conf") -> Path:
    path = aws.tmp / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "flag, env, file, weight",
    [
        ("40", "30", "20", 40),
        (None, "30", "20", 30),
        (None, None, "20", 20),
        (None, None, None, 10),
    ],
    ids=["flag-wins", "env-beats-file", "file-beats-default", "default"],
)
def test_precedence_flag_env_file_default(aws: World, flag: str | None, env: str | None, file: str | None,
                                          weight: int):
    conf = write(aws, f"R53HOOK_WEIGHT={file}\n" if file else "# nothing\n")
    args = ["--config", str(conf), "--no-wait"] + (["--weight", flag] if flag else [])
    run = aws.run("start", *args, R53HOOK_WEIGHT=env)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(weight=weight)


def test_everything_from_the_file_including_aws_endpoints(aws: World):
    # The environment holds only PATH and HOME: zone, name, endpoint and IMDS all come from the file,
    # written as a shell would accept it (comments, export, quotes).
    conf = write(aws, f"""# r53hook settings
export R53HOOK_ZONE_ID={aws.zone_id}
R53HOOK_NAME="{NAME}"
R53HOOK_TTL='45'
R53HOOK_WEIGHT=12   # a trailing comment
R53HOOK_NO_WAIT=true

AWS_ENDPOINT_URL={aws.endpoint}
AWS_EC2_METADATA_SERVICE_ENDPOINT={aws.instance['imds_endpoint']}
""")
    env = {"PATH": aws.env()["PATH"], "HOME": str(aws.home)}
    run = aws.run("start", "--config", str(conf), env=env, zone=False, name=False)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(ttl=45, weight=12)
    assert "GetChange" not in aws.route53_calls()  # R53HOOK_NO_WAIT=true from the file


def test_aws_endpoint_only_in_the_file(aws: World):
    conf = write(aws, f"AWS_ENDPOINT_URL={aws.endpoint}\n")
    run = aws.run("start", "--config", str(conf), "--no-wait", AWS_ENDPOINT_URL=None)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_environment_beats_aws_keys_in_the_file(aws: World):
    # A file endpoint nobody listens on: the environment's (working) one must be used.
    conf = write(aws, "AWS_ENDPOINT_URL=http://127.0.0.1:9\nAWS_ENDPOINT_URL_ROUTE_53=http://127.0.0.1:9\n")
    run = aws.run("start", "--config", str(conf), "--no-wait", "--deadline", "5",
                  AWS_ENDPOINT_URL_ROUTE_53=aws.endpoint)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_route53_specific_endpoint_beats_the_general_one(aws: World):
    run = aws.run("start", "--no-wait", "--deadline", "5", AWS_ENDPOINT_URL="http://127.0.0.1:9",
                  AWS_ENDPOINT_URL_ROUTE_53=aws.endpoint)
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()


def test_config_file_named_by_environment(aws: World):
    conf = write(aws, "R53HOOK_WEIGHT=33\nR53HOOK_SET_IDENTIFIER=from-file\n")
    run = aws.run("start", "--no-wait", R53HOOK_CONFIG=str(conf))
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair(weight=33, set_id="from-file")


def test_stop_reads_drain_extra_from_the_file(aws: World):
    assert aws.run("start", "--ttl", "1", "--no-wait").code == 0
    conf = write(aws, "R53HOOK_DRAIN_EXTRA=0\n")
    run = aws.run("stop", "--config", str(conf))
    assert run.code == 0, run.describe()
    assert "draining for 1 s (TTL 1 s + 0 s extra)" in run.stderr
    assert run.elapsed < 4.0


def test_unknown_r53hook_key_in_the_file_is_refused_before_any_call(aws: World):
    conf = write(aws, "R53HOOK_WEIGHT=10\nR53HOOK_WIEGHT=20\n")
    run = aws.run("start", "--config", str(conf))
    assert run.code == 78, run.describe()
    assert "R53HOOK_WIEGHT" in run.stderr and f"{conf}:2" in run.stderr
    stats = aws.stats()
    assert stats["timeline"] == [] and stats["requests"] == {"imds": 0}


def test_missing_config_file_is_a_configuration_error(aws: World):
    run = aws.run("start", "--config", str(aws.tmp / "absent.conf"))
    assert run.code == 78, run.describe()
    assert "absent.conf" in run.stderr
    assert aws.stats()["timeline"] == []


def test_shell_expansion_in_the_file_is_refused(aws: World):
    # The init script would expand it, systemd would not: refuse rather than differ.
    conf = write(aws, "R53HOOK_NAME=www.$DOMAIN\n")
    run = aws.run("start", "--config", str(conf), name=False)
    assert run.code == 78, run.describe()
    assert f"{conf}:1" in run.stderr
    assert aws.stats()["timeline"] == []
