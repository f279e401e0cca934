"""Invalid input is refused with a clear message, exit 64 (a flag) or 78 (environment
or config file), before any request reaches AWS or the instance metadata service."""

from __future__ import annotations

import pytest

from harness import World

LONG_ID = "x" * 129

# (id, argv after the command, environment, file lines, expected code, words the message must hold)
# The zone and name given by default are --zone-id ZONE --name www.example.com; ZONE
# and NONAME in argv switch them off.
FLAG_CASES = [
    ("weight-256", ["--weight", "256"], "--weight", "256"),
    ("weight-negative", ["--weight=-1"], "--weight", "-1"),
    ("weight-not-a-number", ["--weight", "ten"], "--weight", "ten"),
    ("ttl-negative", ["--ttl=-1"], "--ttl", "-1"),
    ("ttl-not-a-number", ["--ttl", "1m"], "--ttl", "1m"),
    ("type-mx", ["--type", "MX"], "--type", "MX"),
    ("address-not-an-ip", ["--address", "not-an-ip"], "--address", "not-an-ip"),
    ("address-bad-octet", ["--address", "300.1.2.3"], "--address", "300.1.2.3"),
    ("address-ipv6-in-a", ["--address", "2001:db8::1"], "--address", "2001:db8::1"),
    ("address-ipv4-in-aaaa", ["--type", "AAAA", "--address", "192.0.2.1"], "--address", "192.0.2.1"),
    ("set-identifier-too-long", ["--set-identifier", LONG_ID], "--set-identifier", LONG_ID),
    ("health-check-id-bad", ["--health-check-id", "no such/check"], "--health-check-id", "no such/check"),
    ("deadline-zero", ["--deadline", "0"], "--deadline", "0"),
    ("zone-id-malformed", ["ZONE", "--zone-id", "not a zone"], "--zone-id", "not a zone"),
    ("name-outside-zone", ["ZONE", "--zone-name", "example.com", "--name", "www.example.org", "NONAME"],
     "--name", "www.example.org"),
    ("name-empty-label", ["NONAME", "--name", "www..example.com"], "--name", "www..example.com"),
    ("no-name", ["NONAME"], "--name", ""),
    ("no-zone", ["ZONE"], "--zone-id", "--zone-name"),
    ("zone-id-and-zone-name", ["--zone-name", "example.com"], "--zone-id", "--zone-name"),
    ("private-zone-with-zone-id", ["--private-zone"], "--private-zone", "--zone-id"),
]

# The flags that only start uses, which stop accepts and ignores.
STOP_IGNORES = {"--weight", "--ttl", "--address", "--health-check-id"}

ENV_CASES = [
    ("weight-256", {"R53HOOK_WEIGHT": "256"}, "256"),
    ("ttl-negative", {"R53HOOK_TTL": "-1"}, "-1"),
    ("type-mx", {"R53HOOK_TYPE": "MX"}, "MX"),
    ("address-not-an-ip", {"R53HOOK_ADDRESS": "not-an-ip"}, "not-an-ip"),
    ("bool-not-a-bool", {"R53HOOK_NO_WAIT": "maybe"}, "maybe"),
    ("name-outside-zone", {"R53HOOK_ZONE_NAME": "example.com", "R53HOOK_NAME": "www.example.org"}, "www.example.org"),
    ("zone-id-and-zone-name", {"R53HOOK_ZONE_ID": "Z0TEST", "R53HOOK_ZONE_NAME": "example.com"}, "R53HOOK_ZONE_NAME"),
]


def assert_no_request(aws: World) -> None:
    stats = aws.stats()
    assert stats["timeline"] == [], stats["timeline"]
    assert stats["requests"] == {"imds": 0}, stats["requests"]


def split(argv: list[str]) -> tuple[list[str], bool, bool]:
    zone = "ZONE" not in argv
    name = "NONAME" not in argv
    return [a for a in argv if a not in ("ZONE", "NONAME")], zone, name


@pytest.mark.parametrize("command", ["start", "stop"])
@pytest.mark.parametrize("argv, flag, value", [c[1:] for c in FLAG_CASES], ids=[c[0] for c in FLAG_CASES])
def test_bad_flag_is_a_usage_error_before_any_request(aws: World, command: str, argv: list[str], flag: str,
                                                      value: str):
    args, zone, name = split(argv)
    run = aws.run(command, *args, zone=zone, name=name)
    if command == "stop" and flag in STOP_IGNORES:
        # stop deletes the record as it is: what start writes is accepted (so a unit that
        # passes stop start's flags keeps working at shutdown), warned about and ignored.
        assert "has no effect on stop" in run.stderr and flag in run.stderr, run.describe()
        return
    assert run.code == 64, run.describe()
    assert run.stderr.strip(), "no message"
    assert flag in run.stderr and value in run.stderr, run.stderr
    assert_no_request(aws)


def test_bad_drain_extra_is_a_usage_error(aws: World):
    run = aws.run("stop", "--drain-extra=-1")
    assert run.code == 64, run.describe()
    assert "--drain-extra" in run.stderr
    assert_no_request(aws)


@pytest.mark.parametrize("env, value", [c[1:] for c in ENV_CASES], ids=[c[0] for c in ENV_CASES])
def test_bad_environment_value_is_a_configuration_error(aws: World, env: dict[str, str], value: str):
    zone = "R53HOOK_ZONE_NAME" not in env and "R53HOOK_ZONE_ID" not in env
    name = "R53HOOK_NAME" not in env
    run = aws.run("start", zone=zone, name=name, **env)
    assert run.code == 78, run.describe()
    key = next(iter(env)) if len(env) == 1 else "R53HOOK_"
    assert key in run.stderr and value in run.stderr and "environment" in run.stderr, run.stderr
    assert_no_request(aws)


@pytest.mark.parametrize("env, value", [c[1:] for c in ENV_CASES], ids=[c[0] for c in ENV_CASES])
def test_bad_file_value_is_a_configuration_error(aws: World, env: dict[str, str], value: str):
    conf = aws.tmp / "bad.conf"
    conf.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    zone = "R53HOOK_ZONE_NAME" not in env and "R53HOOK_ZONE_ID" not in env
    name = "R53HOOK_NAME" not in env
    run = aws.run("start", "--config", str(conf), zone=zone, name=name)
    assert run.code == 78, run.describe()
    assert value in run.stderr and str(conf) in run.stderr, run.stderr
    assert_no_request(aws)


def test_help_lists_the_exit_codes(binary):
    import subprocess

    out = subprocess.run([str(binary), "--help"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0
    for code in ("0 ", "64", "69", "70", "75", "77", "78"):
        assert f"  {code}" in out.stdout, code


@pytest.mark.parametrize("flag", ["--ttl", "--weight"])
def test_negative_number_after_a_space_is_named_in_the_message(aws: World, flag: str):
    run = aws.run("start", flag, "-1")
    assert run.code == 64, run.describe()
    assert "-1" in run.stderr and "between 0 and" in run.stderr, run.stderr
    assert_no_request(aws)


def test_name_outside_a_zone_given_by_id_is_refused_before_any_change(aws: World):
    # With --zone-id the zone's name is only known from Route 53: one read, then 78.
    run = aws.run("start", "--name", "www.example.org", name=False)
    assert run.code == 78, run.describe()
    assert "www.example.org" in run.stderr and "example.com" in run.stderr
    calls = aws.route53_calls()
    assert "ChangeResourceRecordSets" not in calls, calls
    assert aws.records() == []


def test_unknown_zone_id_is_a_configuration_error(aws: World):
    run = aws.run("start", "--zone-id", "Z0NOSUCHZONE000", zone=False)
    assert run.code == 78, run.describe()
    assert "Z0NOSUCHZONE000" in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()


def test_unknown_zone_name_is_a_configuration_error(aws: World):
    run = aws.run("start", "--zone-name", "example.net", "--name", "www.example.net", zone=False, name=False)
    assert run.code == 78, run.describe()
    assert "example.net" in run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
