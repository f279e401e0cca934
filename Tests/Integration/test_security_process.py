"""The command run by `lock` and `cycle` (security issue, points 1 and 7), with the real binary:

- it runs in a process group of its own, and a lost lock fences the whole group: a grandchild
  that outlives the direct child is gone by the time r53hook exits 75 (SIGTERM, then SIGKILL
  after the grace for one that ignores SIGTERM);
- SIGTERM sent to r53hook reaches the grandchildren too;
- after a normal exit, what `lock`'s command left running is terminated before the lock is
  released; `cycle` leaves it (a restart may start a daemon);
- the command sees no descriptor of r53hook's above 2 (libcurl's sockets);
- the AWS keys, session token and container token are not in its environment unless
  --pass-aws-credentials (or R53HOOK_PASS_AWS_CREDENTIALS) is given.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

from harness import World, measure
from lockkit import LockProc, wait_until

LOCK = "fence"
# Besides the keys: r53hook reads neither of these here (no container endpoint is set).
OTHER_SECRETS = {
    "AWS_SECURITY_TOKEN": "legacy-token-for-the-test",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-token-for-the-test",
}
WITHHELD = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", *OTHER_SECRETS)


def alive(pid: int) -> bool:
    """Whether the process exists and has not exited (a zombie waiting for its reaper is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


def secrets(aws: World) -> dict[str, str]:
    """The instance role's temporary keys (with a session token the local AWS checks), and the rest."""
    creds = aws.role_credentials()
    return {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["Token"], **OTHER_SECRETS}


def grandchild(pidfile: Path) -> int:
    return int(wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 15, "the grandchild's pid"))


def env(aws: World, **extra: str | None) -> dict[str, str]:
    """The admin keys unless `extra` gives others."""
    keys: dict[str, str | None] = {"AWS_ACCESS_KEY_ID": aws.admin["access_key_id"],
                                   "AWS_SECRET_ACCESS_KEY": aws.admin["secret_access_key"]}
    keys.update(extra)
    return aws.env(**keys)


def start_lock(aws: World, binary: Path, command: list[str], *, lease: int = 30, label: str = "holder",
               extra: tuple[str, ...] = (), **env_extra: str | None) -> LockProc:
    return LockProc(binary, aws.zone_id, LOCK, command, env=env(aws, **env_extra), workdir=aws.tmp,
                    lease=lease, owner=label, extra=extra, label=label)


def lock_rrset(aws: World) -> dict | None:
    for rr in aws.records():
        if rr["Name"].startswith(f"{LOCK}._r53hook-lock.") and rr["Type"] == "TXT":
            return rr
    return None


def finish(p: LockProc, timeout: float = 60) -> int:
    try:
        return p.wait(timeout)
    finally:
        p.kill()


# --------------------------------------------------------------------- 1. the process group


def survived(pid: int) -> bool:
    """Whether `pid` still runs; it is killed if so, so a failing test leaves nothing behind."""
    if not alive(pid):
        return False
    os.kill(pid, signal.SIGKILL)
    return True


def lose_the_lock(aws: World, binary: Path, script: str, lease: int) -> tuple[LockProc, int, bool, float]:
    """Runs `sh -c SCRIPT` under the lock (SCRIPT writes its grandchild's pid to $PIDFILE), deletes the
    lock record, and returns r53hook, its exit code, whether the grandchild survived it, and the seconds
    from the delete to r53hook's exit."""
    pidfile = aws.tmp / "grandchild.pid"
    p = start_lock(aws, binary, ["sh", "-c", script.replace("$PIDFILE", f'"{pidfile}"')], lease=lease)
    sleeper = grandchild(pidfile)
    rr = wait_until(lambda: lock_rrset(aws), 10, "the lock record")
    aws.change({"Action": "DELETE", "ResourceRecordSet": rr})
    deleted = time.monotonic()
    code = finish(p)
    return p, code, survived(sleeper), p.ended - deleted


def test_a_lost_lock_kills_the_grandchild_before_exiting_75(aws: World, binary: Path):
    lease = 6
    p, code, left, took = lose_the_lock(aws, binary, "sleep 40 & echo $! > $PIDFILE; wait", lease)
    assert code == 75, p.describe()
    assert not left, f"the grandchild still ran after the lock was lost\n{p.describe()}"
    # Found lost within lease/3 (+ a request).
    assert took <= lease / 3 + 2.0, f"exited {took:.2f} s after the delete"
    measure("lock: exit 75 with the group fenced after the record was deleted (lease 6)", f"{took:.2f} s")


def test_a_lost_lock_sigkills_a_grandchild_that_ignores_sigterm(aws: World, binary: Path):
    lease = 6  # the grace is lease/6: one second
    # The ignored SIGTERM is inherited by the sleep: only SIGKILL ends either of them.
    p, code, left, took = lose_the_lock(aws, binary, 'trap "" TERM; sleep 40 & echo $! > $PIDFILE; wait', lease)
    assert code == 75, p.describe()
    assert not left, f"the grandchild survived the fence\n{p.describe()}"
    assert "SIGKILL" in p.stderr, p.describe()
    # Found lost within lease/3 (+ a request), then one second of grace.
    assert took <= lease / 3 + 3.0, f"exited {took:.2f} s after the delete"
    measure("lock: exit 75 with a SIGTERM-ignoring group SIGKILLed (lease 6, grace 1 s)", f"{took:.2f} s")


def test_sigterm_to_r53hook_reaches_the_grandchild(aws: World, binary: Path):
    pidfile = aws.tmp / "grandchild.pid"
    p = start_lock(aws, binary, ["sh", "-c", f'sleep 40 & echo $! > "{pidfile}"; wait'])
    sleeper = grandchild(pidfile)
    p.send(signal.SIGTERM)
    code = finish(p)
    left = survived(sleeper)
    assert code == 128 + signal.SIGTERM, p.describe()
    assert not left, f"SIGTERM did not reach the grandchild {sleeper}\n{p.describe()}"
    assert lock_rrset(aws) is None, "the lock was not released"


def test_lock_terminates_what_the_command_left_running_before_releasing(aws: World, binary: Path):
    pidfile = aws.tmp / "daemon.pid"
    p = start_lock(aws, binary, ["sh", "-c", f'sleep 40 & echo $! > "{pidfile}"'])
    code = finish(p)
    sleeper = int(pidfile.read_text())
    left = survived(sleeper)
    assert code == 0, p.describe()
    assert not left, f"the command's background process {sleeper} outlived the lock\n{p.describe()}"
    assert "still running" in p.stderr, p.describe()
    assert lock_rrset(aws) is None


# --------------------------------------------------------------------- 7. descriptors and environment


# Run as the command: writes the descriptors it was started with (found with fstat, which opens
# nothing, unlike listing /proc/self/fd) and its environment, as JSON.
PROBE = r"""
import json, os, sys
fds = []
for fd in range(4096):
    try:
        os.fstat(fd)
        fds.append(fd)
    except OSError:
        pass
json.dump({"fds": fds, "env": dict(os.environ)}, open(sys.argv[1], "w"))
"""


def probe(aws: World) -> tuple[list[str], Path]:
    script, out = aws.tmp / "probe.py", aws.tmp / "probe.json"
    script.write_text(PROBE)
    return [sys.executable, str(script), str(out)], out


def probed(out: Path) -> dict:
    return json.loads(out.read_text())


def test_the_lock_command_gets_no_descriptor_above_2(aws: World, binary: Path):
    command, out = probe(aws)
    # A renewal (lease 3: every second) keeps libcurl busy while the command starts.
    p = start_lock(aws, binary, ["sh", "-c", 'sleep 1.5; exec "$@"', "sh", *command], lease=3)
    assert finish(p) == 0, p.describe()
    assert probed(out)["fds"] == [0, 1, 2]


def test_the_cycle_command_gets_no_descriptor_above_2_nor_the_secrets(aws: World):
    from test_cycle import joined_elb
    elb = joined_elb(aws, draining=None)
    command, out = probe(aws)
    run = aws.hook("cycle", "--elb", elb, "--", *command, **secrets(aws))
    assert run.code == 0, run.describe()
    seen = probed(out)
    assert seen["fds"] == [0, 1, 2]
    assert not [name for name in WITHHELD if name in seen["env"]], sorted(seen["env"])
    assert "R53HOOK_HOLD_FILE" in seen["env"] and "AWS_REGION" in seen["env"]  # the rest passes through


def test_the_lock_command_gets_no_aws_secrets_by_default(aws: World, binary: Path):
    command, out = probe(aws)
    given = secrets(aws)
    p = start_lock(aws, binary, command, **given)
    assert finish(p) == 0, p.describe()
    seen = probed(out)["env"]
    assert not [name for name in WITHHELD if name in seen], sorted(seen)
    assert seen.get("AWS_ENDPOINT_URL") == aws.endpoint  # the rest passes through
    for name in WITHHELD[1:]:
        assert given[name] not in p.stderr + p.stdout


def test_pass_aws_credentials_gives_the_command_the_secrets(aws: World, binary: Path):
    command, out = probe(aws)
    given = secrets(aws)
    p = start_lock(aws, binary, command, extra=("--pass-aws-credentials",), **given)
    assert finish(p) == 0, p.describe()
    seen = probed(out)["env"]
    assert all(seen.get(k) == v for k, v in given.items()), sorted(seen)


def test_pass_aws_credentials_from_the_environment(aws: World, binary: Path):
    command, out = probe(aws)
    p = start_lock(aws, binary, command, R53HOOK_PASS_AWS_CREDENTIALS="true")
    assert finish(p) == 0, p.describe()
    assert probed(out)["env"].get("AWS_SECRET_ACCESS_KEY") == aws.admin["secret_access_key"]


# --------------------------------------------------------------------- an interactive terminal


def run_in_terminal(aws: World, binary: Path, command: list[str], typed: bytes, *, wait: float = 1.5,
                    timeout: float = 20) -> tuple[int, bytes]:
    """`r53hook lock` as the foreground job of a new terminal (a pty); `typed` is typed into it
    `wait` seconds after the start. Returns the exit code and what the terminal showed."""
    argv = [str(binary), "lock", "--zone-id", aws.zone_id, "--owner", "tty", LOCK, "--", *command]
    pid, master = pty.fork()
    if pid == 0:  # the child: session leader, the pty its controlling terminal, in the foreground
        try:
            os.chdir(aws.tmp)
            os.execve(argv[0], argv, env(aws))
        finally:
            os._exit(127)
    shown = b""
    deadline = time.monotonic() + timeout
    typed_at = time.monotonic() + wait
    try:
        while True:
            if typed and time.monotonic() >= typed_at:
                os.write(master, typed)
                typed = b""
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    chunk = b""
                shown += chunk
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), shown
            if time.monotonic() > deadline:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise AssertionError(f"r53hook did not exit within {timeout} s; the terminal showed:\n"
                                     f"{shown.decode(errors='replace')}")
    finally:
        os.close(master)


def test_an_interactive_command_can_read_the_terminal(aws: World, binary: Path):
    # In a background group it would be stopped by SIGTTIN, and r53hook would wait forever.
    out = aws.tmp / "read.txt"
    code, shown = run_in_terminal(aws, binary, ["sh", "-c", f'read line; echo "got $line" > "{out}"'], b"hello\n")
    assert code == 0, shown.decode(errors="replace")
    assert out.read_text() == "got hello\n"
    assert lock_rrset(aws) is None


def test_ctrl_c_at_the_terminal_ends_the_command_and_r53hook_tidies_up(aws: World, binary: Path):
    pidfile = aws.tmp / "grandchild.pid"
    code, shown = run_in_terminal(aws, binary, ["sh", "-c", f'sleep 40 & echo $! > "{pidfile}"; wait'], b"\x03")
    left = survived(int(pidfile.read_text()))
    assert code == 128 + signal.SIGINT, shown.decode(errors="replace")
    assert b"released lock" in shown, shown.decode(errors="replace")
    assert lock_rrset(aws) is None
    # dash ignores SIGINT in a background job (`&`): the sleep ends as a leftover of the group.
    assert not left, "the grandchild outlived the lock"


class InteractiveShell:
    """bash with job control on a new terminal (a pty), typed into like an operator would."""

    def __init__(self, aws: World):
        self.pid, self.master = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(aws.tmp)
                os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], {**env(aws), "PS1": "$ "})
            finally:
                os._exit(127)
        self.shown = b""

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def read(self) -> None:
        while select.select([self.master], [], [], 0.02)[0]:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.shown += chunk

    def wait_for(self, text: str, timeout: float = 15) -> None:
        def seen() -> bool:
            self.read()
            return text.encode() in self.shown
        wait_until(seen, timeout, f"{text!r} on the terminal; it showed:\n{self.shown.decode(errors='replace')}")

    def close(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.master)


def process_state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2]


def test_ctrl_z_stops_the_command_and_r53hook_as_one_job_and_fg_resumes_both(aws: World, binary: Path):
    pidfile, out = aws.tmp / "command.pid", aws.tmp / "read.txt"
    shell = InteractiveShell(aws)
    try:
        shell.wait_for("$ ")
        shell.type(f"{binary} lock --zone-id {aws.zone_id} --owner tty {LOCK} -- "
                   f"sh -c 'echo $$ > {pidfile}; read line; echo \"got $line\" > {out}'\n")
        command = grandchild(pidfile)
        shell.type("\x1a")
        shell.wait_for("Stopped")
        assert process_state(command) == "T"
        shell.type("fg\n")
        wait_until(lambda: process_state(command) != "T", 10, "the command to be continued")
        shell.type("hello\n")
        wait_until(out.exists, 10, "the command to read the terminal")
        shell.type("echo exit=$?\n")
        shell.wait_for("exit=0")
        assert out.read_text() == "got hello\n"
        assert lock_rrset(aws) is None
    finally:
        shell.close()
