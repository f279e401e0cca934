"""Set identifiers and lock owners are 1-128 printable ASCII characters without `"`, `\\` or
space, refused before any AWS request (a flag: exit 64; the environment or the config file:
78). A C0 control character used to be dropped by the XML writer, so the record was created
under another identifier and `stop` could not find it; CR was normalised away by the receiver.
The message shows the bad value escaped, on one line. The instance id IMDS answers, the
default for both, is checked too.
"""

from __future__ import annotations

import pytest

from harness import World
from registrykit import address_records, mark_records

BAD = [
    ("control-character", "web\x01x", "web\\u{01}x"),
    ("carriage-return", "web\rx", "web\\rx"),
    ("newline", "web\nr53hook: [fake]", "web\\nr53hook: [fake]"),
    ("escape", "web\x1b[31mx", "web\\u{1b}[31mx"),
    ("delete", "web\x7f", "web\\u{7f}"),
    ("quote", 'web"1', 'web"1'),
    ("backslash", "web\\1", "web\\1"),
    ("space", "web 1", "web 1"),
    ("non-ascii", "wéb", "wéb"),
    ("noncharacter", "web\ufffe", "web"),
    ("129-characters", "x" * 129, "x" * 129),
]


def assert_no_request(aws: World) -> None:
    stats = aws.stats()
    assert stats["timeline"] == [], stats["timeline"]
    assert stats["requests"] == {"imds": 0}, stats["requests"]


def assert_one_escaped_line(stderr: str, shown: str) -> None:
    assert "\r" not in stderr, repr(stderr)
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("r53hook: error: "), repr(stderr)
    assert shown in lines[0], repr(stderr)


@pytest.mark.parametrize("command", ["start", "stop"])
@pytest.mark.parametrize("value, shown", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_set_identifier_flag_is_a_usage_error_before_any_request(aws: World, command: str, value: str, shown: str):
    run = aws.run(command, "--set-identifier", value)
    assert run.code == 64, run.describe()
    assert "--set-identifier" in run.stderr
    assert_one_escaped_line(run.stderr, shown)
    assert_no_request(aws)
    assert aws.records() == []


@pytest.mark.parametrize("value, shown", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_set_identifier_in_the_environment_is_a_configuration_error(aws: World, value: str, shown: str):
    run = aws.run("start", R53HOOK_SET_IDENTIFIER=value)
    assert run.code == 78, run.describe()
    assert "R53HOOK_SET_IDENTIFIER" in run.stderr and "environment" in run.stderr, run.stderr
    assert_one_escaped_line(run.stderr, shown)
    assert_no_request(aws)


@pytest.mark.parametrize("value", ['web"1', "web\\1", "x" * 129], ids=["quote", "backslash", "129-characters"])
def test_bad_set_identifier_in_the_config_file_is_a_configuration_error(aws: World, value: str):
    conf = aws.tmp / "r53hook.conf"
    conf.write_text(f"R53HOOK_SET_IDENTIFIER='{value}'\n")
    run = aws.run("start", "--config", str(conf))
    assert run.code == 78, run.describe()
    assert "R53HOOK_SET_IDENTIFIER" in run.stderr, run.stderr
    assert_no_request(aws)


def test_the_widest_valid_set_identifier_goes_round_trip(aws: World):
    # Every character the rule allows that XML must escape, and the full 128.
    punctuation = "<&>'!#$%()*+,-./:;=?@[]^_`{|}~"
    value = (punctuation + "a0" * 64)[:128]
    run = aws.run("start", "--no-wait", "--ttl", "1", "--set-identifier", value)
    assert run.code == 0, run.describe()
    assert list(address_records(aws)) == [value] and list(mark_records(aws)) == [value]
    run = aws.run("stop", "--set-identifier", value, "--drain-extra", "0")
    assert run.code == 0, run.describe()
    assert aws.records() == []


@pytest.mark.parametrize("value, shown", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_lock_owner_is_a_usage_error_before_any_request(aws: World, value: str, shown: str):
    run = aws.run("lock", "deploy", "--owner", value, "--", "true", name=False)
    assert run.code == 64, run.describe()
    assert "--owner" in run.stderr, run.stderr
    assert "\r" not in run.stderr, repr(run.stderr)
    assert shown in run.stderr, repr(run.stderr)
    assert_no_request(aws)


@pytest.mark.parametrize("junk", ["i-0123\nr53hook: [fake]", 'i-"quoted"', "x" * 200, "not-an-instance"])
def test_junk_instance_id_from_imds_is_refused_as_owner_and_set_identifier(aws: World, junk: str):
    aws.patch_instance(items={"instance-id": junk})
    aws.clear_stats()
    run = aws.run("lock", "deploy", "--", "true", name=False)
    assert run.code == 69, run.describe()
    assert "instance id" in run.stderr and "--owner" in run.stderr, run.stderr
    assert len(run.stderr.splitlines()) == 1, repr(run.stderr)
    assert aws.route53_calls() == {}, aws.route53_calls()

    run = aws.run("start", "--no-wait")
    assert run.code == 69, run.describe()
    assert "instance id" in run.stderr and "--set-identifier" in run.stderr, run.stderr
    assert "ChangeResourceRecordSets" not in aws.route53_calls()
    assert aws.records() == []
