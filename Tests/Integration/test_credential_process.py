"""credential_process with the real binary: the command runs without a shell, its JSON gives
the credentials, its stderr reaches r53hook's, its output never reaches a log, and every way
for it to fail is a clear error with the right exit code."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from credkit import ROUTE53, user, write_config

from harness import World


def script(aws: World, body: str, name: str = "creds") -> Path:
    path = aws.tmp / "bin dir" / name  # a space in the path: quoted in the profile
    path.parent.mkdir(exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def document(keys: dict[str, str], **extra: object) -> str:
    return json.dumps({"Version": 1, "AccessKeyId": keys["access_key_id"],
                       "SecretAccessKey": keys["secret_access_key"], **extra})


def test_the_process_credentials_are_used_and_never_logged(aws: World):
    keys = user(aws, ROUTE53)
    calls = aws.tmp / "calls"
    path = script(aws, f"echo called >> '{calls}'\necho \"hello from $1 $2\" >&2\ncat <<'EOF'\n{document(keys)}\nEOF\n")
    write_config(aws, f'[profile proc]\ncredential_process = "{path}" --who "web 1"\n')
    run = aws.run("start", "--no-wait", "--debug", AWS_PROFILE="proc")
    assert run.code == 0, run.describe()
    assert aws.records() == aws.pair()
    assert "hello from --who web 1" in run.stderr  # its stderr passes through, arguments split as quoted
    assert keys["secret_access_key"] not in run.output
    assert calls.read_text().count("called") == 1  # static keys (no Expiration): run once


def test_expiring_process_credentials_are_fetched_again(aws: World):
    keys = user(aws, ROUTE53)
    calls = aws.tmp / "calls"
    # Expiring in 5 minutes: inside the mandatory refresh window, so each request asks again.
    path = script(aws, f"echo called >> '{calls}'\n"
                       f"printf '%s' '{document(keys, SessionToken='', Expiration='EXPIRES')}'"
                       " | sed \"s/EXPIRES/$(date -u -d '+5 min' +%Y-%m-%dT%H:%M:%SZ)/\"\n")
    write_config(aws, f'[profile proc]\ncredential_process = "{path}"\n')
    run = aws.run("start", "--no-wait", AWS_PROFILE="proc")
    assert run.code == 0, run.describe()
    assert calls.read_text().count("called") >= 2


def test_a_failing_process_is_access_denied_with_its_own_words(aws: World):
    path = script(aws, "echo 'token expired: run aws sso login' >&2\nexit 3\n")
    write_config(aws, f'[profile proc]\ncredential_process = "{path}" --secret-arg hunter2\n')
    run = aws.run("start", "--no-wait", AWS_PROFILE="proc")
    assert run.code == 77, run.describe()
    assert "token expired: run aws sso login" in run.stderr
    assert "exit code 3" in run.stderr
    assert "hunter2" not in run.stderr  # arguments may hold secrets: only the program is named
    assert aws.records() == []


def test_output_that_is_not_the_format_is_a_configuration_error(aws: World):
    path = script(aws, "echo 'AccessKeyId=AKIAX SecretAccessKey=leaked-secret'\n")
    write_config(aws, f'[profile proc]\ncredential_process = "{path}"\n')
    run = aws.run("start", "--no-wait", AWS_PROFILE="proc")
    assert run.code == 78, run.describe()
    assert "JSON" in run.stderr
    assert "leaked-secret" not in run.output


def test_a_missing_program_is_a_configuration_error(aws: World):
    write_config(aws, "[profile proc]\ncredential_process = ~/bin/creds --x\n")
    run = aws.run("start", "--no-wait", AWS_PROFILE="proc")
    assert run.code == 78, run.describe()
    assert "cannot run credential_process ~/bin/creds" in run.stderr


def test_a_hanging_process_is_killed_at_the_deadline(aws: World):
    path = script(aws, "sleep 30\n")
    write_config(aws, f'[profile proc]\ncredential_process = "{path}"\n')
    run = aws.run("start", "--no-wait", "--deadline", "2", AWS_PROFILE="proc")
    assert run.code == 69, run.describe()
    assert "did not finish" in run.stderr
    assert run.elapsed < 10


def test_a_role_may_take_its_source_credentials_from_a_process(aws: World):
    from credkit import role, sts_calls

    keys = user(aws)
    arn = role(aws, "dns", trusted=keys["arn"])
    path = script(aws, f"cat <<'EOF'\n{document(keys)}\nEOF\n")
    write_config(aws, f'[profile dns]\nrole_arn = {arn}\nsource_profile = proc\n\n'
                      f'[profile proc]\ncredential_process = "{path}"\n')
    run = aws.run("start", "--no-wait", AWS_PROFILE="dns")
    assert run.code == 0, run.describe()
    assert sts_calls(aws) == [200]
    assert aws.records() == aws.pair()
