"""--debug logs every AWS request and response, and never a secret: not the secret
access key, not the session token, not the IMDS session token, not a signature."""

from __future__ import annotations

import re

from harness import World

URLSAFE_56 = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{56}(?![A-Za-z0-9_-])")  # IMDS tokens here


def run_everything(aws: World, **env: str) -> str:
    """start, status and stop with --debug; all their stderr and stdout."""
    out = []
    for command, args in (("start", ["--ttl", "1"]), ("status", []), ("stop", ["--drain-extra", "0"])):
        run = aws.run(command, "--debug", *args, **env)
        assert run.code == 0, run.describe()
        out.append(run.output)
    return "\n".join(out)


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, "a secret leaked into --debug output"
        # Nor a recognisable piece of it (a key split over lines, or truncated).
        for piece in (secret[:16], secret[-16:]):
            assert piece not in text, "part of a secret leaked into --debug output"
    assert not URLSAFE_56.search(text), f"something like an IMDS token: {URLSAFE_56.search(text).group(0)}"
    assert not re.search(r"Signature=[0-9a-f]{64}", text), "a request signature was logged"


def assert_requests_logged(text: str) -> None:
    for action in ("GetHostedZone", "ListResourceRecordSets", "ChangeResourceRecordSets", "GetChange"):
        assert action in text, action
    assert "<ChangeBatch>" in text  # the request body itself
    assert "INSYNC" in text  # and the answers


def test_debug_with_instance_role_credentials_hides_secret_and_token(aws: World):
    creds = aws.role_credentials()  # the same keys IMDS hands the binary
    text = run_everything(aws)
    # The binary signed with these very keys (their id is shown abbreviated).
    assert f"…{creds['AccessKeyId'][-4:]}" in text
    assert_requests_logged(text)
    assert "IMDS PUT /latest/api/token" in text or "api/token" in text
    assert_no_secret(text, creds["SecretAccessKey"], creds["Token"])


def test_debug_with_environment_credentials_hides_secret_and_token(aws: World):
    creds = aws.role_credentials()
    text = run_everything(aws, AWS_ACCESS_KEY_ID=creds["AccessKeyId"], AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
                          AWS_SESSION_TOKEN=creds["Token"])
    assert_requests_logged(text)
    assert_no_secret(text, creds["SecretAccessKey"], creds["Token"])


def test_debug_with_long_term_keys_hides_the_secret(aws: World):
    text = run_everything(aws, AWS_ACCESS_KEY_ID=aws.admin["access_key_id"],
                          AWS_SECRET_ACCESS_KEY=aws.admin["secret_access_key"])
    assert_requests_logged(text)
    assert_no_secret(text, aws.admin["secret_access_key"])


def test_debug_on_refused_credentials_hides_the_secret(aws: World):
    wrong = "Wr0ngSecretWr0ngSecretWr0ngSecretWr0ngSe"
    run = aws.run("start", "--debug", AWS_ACCESS_KEY_ID=aws.admin["access_key_id"], AWS_SECRET_ACCESS_KEY=wrong)
    assert run.code == 77, run.describe()
    assert "GetHostedZone" in run.stderr
    assert_no_secret(run.output, wrong)


def test_debug_from_the_environment_variable(aws: World):
    run = aws.run("start", "--no-wait", R53HOOK_DEBUG="true")
    assert run.code == 0, run.describe()
    assert "ChangeResourceRecordSets" in run.stderr and "debug" in run.stderr
