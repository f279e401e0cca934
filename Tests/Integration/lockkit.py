"""Helpers for the `r53hook lock` tests (test_lock.py) and scripts/lock-contention.

Standard library only, so scripts/lock-contention can import it without pytest or boto3:
anything that talks to AWS is passed in (a boto3 Route 53 client, the World of harness.py).

- COMMAND: the command run under the lock (written to a file by write_command()). It records
  what it does as lines in an O_APPEND log, with CLOCK_MONOTONIC times (one clock for every
  process of the machine, so times of different processes compare):
    enter LABEL PID T DEPTH  on entry; DEPTH is how many critical sections were already open,
                             read and raised under an fcntl lock on a shared counter file
    exit LABEL PID T         on leaving (the counter is lowered after this line is written)
    term LABEL PID T         SIGTERM arrived;  int ...: SIGINT arrived
    beat LABEL PID T         every --beat seconds while it runs
  and exits with --code (default 0), or 143/130 on SIGTERM/SIGINT unless --ignore-term.
- LockProc: one `r53hook lock` process with its output in files.
- critical_sections() / overlaps(): the intervals in a log and every pair that overlaps.
- lock_value(): the lock's TXT record, parsed.
- Blackhole: a TCP forwarder in front of the local AWS that can be cut, so that one process
  (and only that one) loses Route 53 while the others keep it.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ZONE = "example.com"

COMMAND = r'''
import fcntl, os, signal, sys, time

def arg(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default

log = arg("--log")
label = arg("--label", "-")
hold = float(arg("--hold", "0"))
beat = float(arg("--beat", "0"))
code = int(arg("--code", "0"))
counter = arg("--counter")
ignore_term = "--ignore-term" in sys.argv
pid = os.getpid()

def note(kind, extra=""):
    line = "%s %s %d %.6f%s\n" % (kind, label, pid, time.monotonic(), extra)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)

def bump(delta):
    if not counter:
        return 0
    fd = os.open(counter, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.read(fd, 64).strip()
        depth = int(raw or b"0")
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, str(depth + delta).encode())
        return depth
    finally:
        os.close(fd)

def leave(status):
    note("exit")
    bump(-1)
    os._exit(status)

def on_signal(number, _frame):
    note("term" if number == signal.SIGTERM else "int")
    if not ignore_term:
        leave(128 + number)

signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)
depth = bump(+1)
note("enter", " %d" % depth)
end = time.monotonic() + hold
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    time.sleep(min(left, beat) if beat > 0 else left)
    if beat > 0:
        note("beat")
leave(code)
'''


def write_command(directory: Path) -> Path:
    path = Path(directory) / "lockcmd.py"
    path.write_text(COMMAND)
    return path


def command(script: Path, log: Path, *, label: str = "-", hold: float = 0.05, beat: float = 0,
            code: int = 0, counter: Path | None = None, ignore_term: bool = False,
            python: str = "python3") -> list[str]:
    """The argv of the recording command."""
    argv = [python, str(script), "--log", str(log), "--label", label, "--hold", str(hold), "--code", str(code)]
    if beat:
        argv += ["--beat", str(beat)]
    if counter is not None:
        argv += ["--counter", str(counter)]
    if ignore_term:
        argv.append("--ignore-term")
    return argv


# --------------------------------------------------------------------- reading the log


@dataclass
class Event:
    kind: str
    label: str
    pid: int
    t: float
    depth: int | None = None


def events(log: Path) -> list[Event]:
    out: list[Event] = []
    if not Path(log).exists():
        return out
    for line in Path(log).read_text().splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        depth = int(parts[4]) if len(parts) > 4 else None
        out.append(Event(parts[0], parts[1], int(parts[2]), float(parts[3]), depth))
    return out


def first(log: Path, kind: str, label: str | None = None) -> Event | None:
    for e in events(log):
        if e.kind == kind and (label is None or e.label == label):
            return e
    return None


@dataclass
class Section:
    label: str
    pid: int
    enter: float
    exit: float | None  # None: never left (killed)
    depth: int


def critical_sections(log: Path) -> list[Section]:
    """Every enter with its exit (by pid); a section without exit ends at +inf."""
    open_: dict[int, Section] = {}
    done: list[Section] = []
    for e in events(log):
        if e.kind == "enter":
            open_[e.pid] = Section(e.label, e.pid, e.t, None, e.depth or 0)
        elif e.kind == "exit" and e.pid in open_:
            s = open_.pop(e.pid)
            s.exit = e.t
            done.append(s)
    return sorted(done + list(open_.values()), key=lambda s: s.enter)


def overlaps(sections: Sequence[Section]) -> list[tuple[Section, Section]]:
    """Pairs of sections that were open at the same time (by the times, or by the counter)."""
    out: list[tuple[Section, Section]] = []
    ordered = sorted(sections, key=lambda s: s.enter)
    for i, a in enumerate(ordered):
        a_end = a.exit if a.exit is not None else float("inf")
        for b in ordered[i + 1:]:
            if b.enter >= a_end:
                break
            out.append((a, b))
    flagged = {id(s) for pair in out for s in pair}
    for s in ordered:
        if s.depth and id(s) not in flagged:
            out.append((s, s))  # the counter saw another section open: count it even if times agree
    return out


# --------------------------------------------------------------------- the lock record


def record_name(lock: str, zone: str = ZONE) -> str:
    return f"{lock}._r53hook-lock.{zone.rstrip('.')}."


def parse_value(txt: str) -> dict[str, Any]:
    """'"r53hook-lock owner=a token=t lease=3 seq=2"' -> {owner, token, lease, seq}."""
    words = txt.strip('"').split()
    assert words and words[0] == "r53hook-lock", txt
    fields = dict(w.split("=", 1) for w in words[1:] if "=" in w)
    return {"owner": fields.get("owner"), "token": fields.get("token"),
            "lease": int(fields["lease"]), "seq": int(fields.get("seq", "0"))}


def lock_rrset(r53: Any, zone_id: str, lock: str, zone: str = ZONE) -> dict[str, Any] | None:
    """The lock's record set as Route 53 lists it (for an exact DELETE), or None."""
    name = record_name(lock, zone)
    page = r53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=name, StartRecordType="TXT",
                                         MaxItems="1")
    for rr in page["ResourceRecordSets"]:
        if rr["Name"] == name and rr["Type"] == "TXT":
            return rr
    return None


def lock_value(r53: Any, zone_id: str, lock: str, zone: str = ZONE) -> dict[str, Any] | None:
    rr = lock_rrset(r53, zone_id, lock, zone)
    return parse_value(rr["ResourceRecords"][0]["Value"]) if rr else None


# --------------------------------------------------------------------- running r53hook lock


class LockProc:
    """`r53hook lock --zone-id Z --owner O --lease L [extra] NAME -- COMMAND` in the background."""

    def __init__(self, binary: Path | str, zone_id: str, lock: str, cmd: Sequence[str], *, env: dict[str, str],
                 workdir: Path, lease: int = 3, owner: str | None = "tester", extra: Iterable[str] = (),
                 label: str = "r53hook"):
        self.argv = [str(binary), "lock", "--zone-id", zone_id, "--lease", str(lease)]
        if owner:
            self.argv += ["--owner", owner]
        self.argv += [*extra, lock, "--", *cmd]
        self.label = label
        self.out_path = Path(workdir) / f"{label}-{os.getpid()}-{id(self)}.out"
        self.err_path = self.out_path.with_suffix(".err")
        self._out = self.out_path.open("wb")
        self._err = self.err_path.open("wb")
        self.started = time.monotonic()
        # Its own session: killpg() ends r53hook and its command together, like a machine dying.
        self.proc = subprocess.Popen(self.argv, env=env, stdin=subprocess.DEVNULL, stdout=self._out,
                                     stderr=self._err, cwd=workdir, start_new_session=True)
        self.ended: float | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def poll(self) -> int | None:
        code = self.proc.poll()
        if code is not None and self.ended is None:
            self.ended = time.monotonic()
        return code

    def wait(self, timeout: float = 60) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.label} did not exit within {timeout} s\n{self.describe()}") from None
        if self.ended is None:
            self.ended = time.monotonic()
        self._out.close()
        self._err.close()
        return code

    def send(self, sig: int) -> float:
        t = time.monotonic()
        self.proc.send_signal(sig)
        return t

    def killpg(self) -> float:
        """SIGKILL to r53hook and its command at once; returns the monotonic time it was sent."""
        t = time.monotonic()
        kill_session(self.proc.pid)
        return t

    def kill(self) -> None:
        """Clean-up: end the session if anything of it is left."""
        kill_session(self.proc.pid)
        self.proc.wait()
        for f in (self._out, self._err):
            if not f.closed:
                f.close()

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def describe(self) -> str:
        code = self.proc.poll()
        return (f"[{self.label}] argv: {self.argv}\nexit: {code} after {self.elapsed:.2f} s\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}")


def kill_session(session: int) -> None:
    """SIGKILL to every process of a session: r53hook (started as its leader) and its command,
    which runs in a process group of its own, so killpg(r53hook) alone would miss it."""
    groups = {session}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if len(fields) > 3 and int(fields[3]) == session:
            groups.add(int(fields[2]))
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------- a cuttable path to AWS


class Blackhole:
    """A TCP forwarder to host:port. `cut()` closes every open connection and answers new ones
    by closing them at once (what `route53_down` does, but for the clients of this forwarder
    only); `restore()` forwards again. `answer_delay` (seconds) holds the first chunk of every
    answer that long: requests arrive (and changes apply) at once, answers come late, as over a
    slow network. `swallow_answers` = N: the next N answers are dropped and their connections
    closed, after the server has done what was asked (a reset at the worst moment).
    `requests` lists when each request it forwarded started: one client's request rate. Use as a context manager."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._down = False
        self._stop = False
        self.answer_delay = 0.0
        self.swallow_answers = 0
        self.requests: list[float] = []  # when each request went through (monotonic)
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                down = self._down
            if down or self._stop:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._conns += [client, upstream]
            t = threading.Thread(target=self._pump, args=(client, upstream), daemon=True)
            t.start()
            self._threads.append(t)

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        answer_due = False  # a request went up: the first chunk back is its answer
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 0.2)
                if self._down or self._stop:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    if s is a:
                        if not answer_due:
                            with self._lock:
                                self.requests.append(time.monotonic())
                        answer_due = True
                    elif answer_due:
                        answer_due = False
                        with self._lock:
                            swallow = self.swallow_answers > 0
                            if swallow:
                                self.swallow_answers -= 1
                        if swallow:
                            return  # the request was served; its answer is lost with the connection
                        if self.answer_delay:
                            time.sleep(self.answer_delay)
                            if self._down or self._stop:
                                return
                    peers[s].sendall(data)
        except OSError:
            return
        finally:
            _close(a)
            _close(b)
            with self._lock:
                for s in (a, b):
                    if s in self._conns:
                        self._conns.remove(s)

    def cut(self) -> None:
        with self._lock:
            self._down = True
            conns, self._conns = self._conns, []
        for s in conns:
            _close(s)

    def restore(self) -> None:
        with self._lock:
            self._down = False

    def close(self) -> None:
        self._stop = True
        self.cut()
        _close(self.listener)
        self._acceptor.join(timeout=2)
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> Blackhole:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass


# --------------------------------------------------------------------- request rates


def route53_requests(timeline: Iterable[Sequence[Any]], start: float, end: float,
                     keep: Callable[[str, int], bool] = lambda action, status: True) -> list[Sequence[Any]]:
    """Route 53 entries of a /_localaws/stats timeline ([time.time(), service, action, status])
    between two time.time() values that `keep(action, status)` accepts."""
    return [e for e in timeline if e[1] == "route53" and start <= e[0] <= end and keep(e[2], e[3])]
