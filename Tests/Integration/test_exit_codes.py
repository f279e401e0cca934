"""Exit codes of the failure paths that exist today, and the words of their remedies: every
path exits with the code the table in --help documents (never 1, which the table does not have
and which swift-argument-parser gives any error it does not know), and a message names only
flags that the running command has (`role` and `sweep` wait for their lock within --deadline;
only `lock` has --wait-timeout)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from harness import World
from runner import Run

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
COMMANDS = "start|stop|status|cycle|lock|heartbeat|members|role|sweep"
OTHER_COMMANDS_FLAG = re.compile(rf"\brun ({COMMANDS}) (--[a-z][a-z0-9-]*)")
HELD_LEASE = 3600  # a holder that stays fresh for the whole test


class StubIMDS:
    """A metadata service on loopback that refuses session tokens with `token_status` (as an
    IMDS without IMDSv2 would) and answers every GET with `answer`."""

    def __init__(self, token_status: int, answer: str = "i-0123456789abcdef0"):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:  # noqa: N802
                stub.requests.append(("PUT", self.path))
                self.send_response(token_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802
                stub.requests.append(("GET", self.path))
                body = answer.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.requests: list[tuple[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub_imds() -> Iterator[StubIMDS]:
    stub = StubIMDS(token_status=403)
    yield stub
    stub.close()


_help_cache: dict[str, str] = {}


def command_help(aws: World, command: str) -> str:
    if command not in _help_cache:
        _help_cache[command] = aws.run(command, "--help", zone=False, name=False).stdout
    return _help_cache[command]


def assert_exit(aws: World, run: Run, command: str, code: int) -> None:
    """The documented code (never 1), one `r53hook: error:` line, and only flags the command has."""
    assert run.code == code, run.describe()
    assert run.code != 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("r53hook: error: ")]
    assert len(errors) == 1, run.describe()
    text = errors[0]
    # A capability the command lacks is named with the command that has it: "run start --adopt".
    for other, flag in OTHER_COMMANDS_FLAG.findall(text):
        assert flag in command_help(aws, other), f"{other} has no {flag}: {text}"
    help_text = command_help(aws, command)
    for flag in FLAG.findall(OTHER_COMMANDS_FLAG.sub("", text)):
        assert flag in help_text, f"{command} has no {flag}, yet its message names it: {text}"


def hold_lock(aws: World, lock: str) -> None:
    """Another machine holds `lock` with a lease longer than any wait here."""
    value = f'"r53hook-lock owner=i-0ther token=theirs lease={HELD_LEASE} seq=0"'
    aws.change({"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"{lock}._r53hook-lock.example.com.", "Type": "TXT", "TTL": 1,
        "ResourceRecords": [{"Value": value}]}})


# --------------------------------------------------------------------- IMDS


def test_imds_unreachable_is_69_and_names_the_commands_own_identity_flag(aws: World):
    aws.patch_instance(imds="down")
    start = aws.run("start", "--deadline", "10")
    assert_exit(aws, start, "start", 69)
    assert "--set-identifier" in start.stderr and "--address" in start.stderr
    lock = aws.run("lock", "deploy", "--", "true", name=False)
    assert_exit(aws, lock, "lock", 69)
    assert "--owner" in lock.stderr and "--address" not in lock.stderr and "--set-identifier" not in lock.stderr


def test_imds_refusing_session_tokens_is_69_and_offers_imdsv1(aws: World, stub_imds: StubIMDS):
    endpoint = f"http://127.0.0.1:{stub_imds.port}"
    start = aws.run("start", AWS_EC2_METADATA_SERVICE_ENDPOINT=endpoint)
    assert_exit(aws, start, "start", 69)
    assert "IMDS refused a session token (HTTP 403)" in start.stderr
    assert "run start --imds-v1" in start.stderr
    lock = aws.run("lock", "deploy", "--", "true", name=False, AWS_EC2_METADATA_SERVICE_ENDPOINT=endpoint)
    assert_exit(aws, lock, "lock", 69)
    assert "run lock --imds-v1" in lock.stderr
    # Only the token was asked for: no IMDSv1 GET without leave.
    assert all(method == "PUT" for method, _path in stub_imds.requests), stub_imds.requests


def test_a_transport_error_no_retry_can_mend_from_imds_is_69_not_1(aws: World, stub_imds: StubIMDS):
    # https to a plain-http server: TLS fails, which is never retried; it used to escape as exit 1.
    endpoint = f"https://127.0.0.1:{stub_imds.port}"
    # lock asks IMDS for its owner before any AWS call: nothing caught the error there.
    lock = aws.run("lock", "deploy", "--", "true", name=False, AWS_EC2_METADATA_SERVICE_ENDPOINT=endpoint)
    assert_exit(aws, lock, "lock", 69)
    assert "r53hook: debug:" not in lock.stderr
    # --debug shows the error underneath.
    debug = aws.run("lock", "deploy", "--debug", "--", "true", name=False, AWS_EC2_METADATA_SERVICE_ENDPOINT=endpoint)
    assert_exit(aws, debug, "lock", 69)
    assert "r53hook: debug: caused by AWSKit.HTTPTransportError: " in debug.stderr, debug.describe()
    run = aws.run("start", AWS_EC2_METADATA_SERVICE_ENDPOINT=endpoint)
    assert_exit(aws, run, "start", 69)
    # Said of IMDS, where it happened, not of the Route 53 call that needed credentials.
    assert f"IMDS at {endpoint}" in run.stderr and "SSL" in run.stderr
    assert aws.records() == []


def test_a_transport_error_no_retry_can_mend_from_container_credentials_is_69_not_1(aws: World, stub_imds: StubIMDS):
    run = aws.run("start", "--set-identifier", "web-1", "--address", "192.0.2.10",
                  AWS_CONTAINER_CREDENTIALS_FULL_URI=f"https://127.0.0.1:{stub_imds.port}/creds")
    assert_exit(aws, run, "start", 69)
    assert "container credentials endpoint" in run.stderr
    assert aws.records() == []


# --------------------------------------------------------------------- AWS


def test_denied_access_is_77(aws: World):
    run = aws.run("start", AWS_ACCESS_KEY_ID=aws.admin["access_key_id"], AWS_SECRET_ACCESS_KEY="w" * 40)
    assert_exit(aws, run, "start", 77)


def test_throttling_past_the_deadline_is_75_and_names_the_deadline(aws: World):
    aws.faults(throttle_rps=0.2)
    run = aws.run("start", "--deadline", "3")
    aws.clear_faults()
    assert_exit(aws, run, "start", 75)
    assert "kept throttling" in run.stderr and "raise --deadline" in run.stderr


def test_an_unknown_zone_is_78_and_names_the_zone_flag(aws: World):
    run = aws.run("status", "--zone-id", "ZNOSUCHZONE0000", zone=False)
    assert_exit(aws, run, "status", 78)
    assert "check --zone-id" in run.stderr


# --------------------------------------------------------------------- locks


def test_lock_no_wait_on_a_held_lock_is_75_and_says_how_to_wait(aws: World):
    hold_lock(aws, "deploy")
    run = aws.run("lock", "deploy", "--no-wait", "--", "true", name=False)
    assert_exit(aws, run, "lock", 75)
    assert "held by i-0ther" in run.stderr and "run without --no-wait" in run.stderr


def test_lock_wait_timeout_is_75_and_names_wait_timeout(aws: World):
    hold_lock(aws, "deploy")
    run = aws.run("lock", "deploy", "--wait-timeout", "1", "--", "true", name=False)
    assert_exit(aws, run, "lock", 75)
    assert "raise --wait-timeout" in run.stderr


def test_role_waiting_past_the_deadline_names_the_deadline_not_wait_timeout(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    hold_lock(aws, "role-consul-www-example-com-a")  # role-GROUP-NAME.TYPE, as a lock name
    run = aws.run("role", "--group", "consul", "--servers", "3", "--deadline", "3")
    assert_exit(aws, run, "role", 75)
    assert "still held by i-0ther" in run.stderr, run.describe()
    assert "raise --deadline" in run.stderr and "--wait-timeout" not in run.stderr


def test_sweep_waiting_past_the_deadline_names_the_deadline_not_wait_timeout(aws: World):
    assert aws.run("start", "--no-wait").code == 0
    hold_lock(aws, "sweep-www-example-com-a")  # sweep-NAME.TYPE, as a lock name
    run = aws.run("sweep", "--deadline", "3", AWS_REGION=aws.fleet.region)
    assert_exit(aws, run, "sweep", 75)
    assert "still held by i-0ther" in run.stderr, run.describe()
    assert "raise --deadline" in run.stderr and "--wait-timeout" not in run.stderr


# --------------------------------------------------------------------- records


def test_an_unmarked_record_is_78_for_start_and_stop_and_names_start_adopt(aws: World):
    aws.change({"Action": "CREATE", "ResourceRecordSet": aws.expected()})
    start = aws.run("start", "--no-wait")
    assert_exit(aws, start, "start", 78)
    assert "run start --adopt" in start.stderr
    stop = aws.run("stop")
    assert_exit(aws, stop, "stop", 78)
    # stop has no --adopt: the remedy says which command has it.
    assert "run start --adopt" in stop.stderr


def test_a_missing_record_name_is_a_usage_error_64(aws: World):
    run = aws.run("start", name=False)
    assert_exit(aws, run, "start", 64)
    assert "--name" in run.stderr
