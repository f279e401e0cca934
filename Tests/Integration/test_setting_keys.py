"""The options that had no environment or config-file key now have one (issue 8), read with
the same precedence and checked by the same rules as every other setting; and each command
accepts the flags it accepted before, ignoring with a warning those it does not use."""

from __future__ import annotations

import pytest
from test_registry import UNMARKED

from harness import World


def test_adopt_from_the_config_file_takes_over_an_unmarked_record(aws: World):
    theirs = aws.expected()
    aws.change({"Action": "CREATE", "ResourceRecordSet": theirs})
    refused = aws.run("start", "--no-wait")
    assert refused.code == 78 and UNMARKED in refused.stderr, refused.describe()
    conf = aws.tmp / "adopt.conf"
    conf.write_text("R53HOOK_ADOPT=true\n")
    run = aws.run("start", "--no-wait", "--config", str(conf))
    assert run.code == 0, run.describe()
    assert len(aws.records()) == 2, aws.records()  # the record and now its mark


@pytest.mark.parametrize(
    "command, key, value, extra",
    [
        ("start", "R53HOOK_ADOPT", "maybe", []),
        ("members", "R53HOOK_EXPIRY", "0", []),
        ("sweep", "R53HOOK_MAX_FRACTION", "2", []),
        ("role", "R53HOOK_ROLE_SERVERS", "101", ["--group", "consul"]),
        ("lock", "R53HOOK_LOCK_LEASE", "2", ["reports", "--", "true"]),
        ("lock", "R53HOOK_LOCK_WAIT_TIMEOUT", "soon", ["reports", "--", "true"]),
    ],
)
def test_a_bad_value_of_a_new_key_is_a_configuration_error_naming_it(aws: World, command: str, key: str, value: str,
                                                                     extra: list[str]):
    name = command != "lock"
    run = aws.run(command, *extra, name=name, **{key: value})
    assert run.code == 78, run.describe()
    assert f"invalid {key} in the environment '{value}'" in run.stderr, run.stderr
    assert aws.stats()["timeline"] == []


def test_the_flag_beats_the_environment_for_a_new_key(aws: World):
    run = aws.run("members", "--expiry", "30", R53HOOK_EXPIRY="0")
    assert run.code == 0, run.describe()


def test_role_reads_its_group_and_servers_from_the_environment(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    run = aws.run("role", R53HOOK_ROLE_GROUP="consul", R53HOOK_ROLE_SERVERS="3")
    assert run.code == 0, run.describe()
    assert run.stdout.split()[0] == "bootstrap", run.stdout


def test_role_without_a_group_says_how_to_give_it(aws: World):
    run = aws.run("role", "--servers", "3")
    assert run.code == 64, run.describe()
    assert "--group NAME (or R53HOOK_ROLE_GROUP)" in run.stderr, run.stderr


@pytest.mark.parametrize(
    "command, args", [("status", ["--min-healthy", "2", "--hold-file", "/x"]), ("members", ["--elb", "web"])]
)
def test_a_flag_the_command_does_not_use_is_accepted_and_named_as_ignored(aws: World, command: str, args: list[str]):
    run = aws.run(command, *args)
    assert run.code == 0, run.describe()
    for flag in args[::2]:
        assert f"{flag} has no effect on {command}; it is ignored" in run.stderr, run.stderr
