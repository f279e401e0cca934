"""Start `python3 -m localaws` as a child process and stop it again: the one launcher the
integration tests, scripts/bench.py, scripts/scenario_cycle.py, scripts/lock-contention and
(through `python3 -m localaws.launch`) scripts/demo share.

    with LocalAWSProcess(insync_delay=0.5) as local:
        local.endpoint, local.control_url, local.admin["access_key_id"], local.log_text()

It picks a free port (--port 0), waits for the one JSON line the server prints when it is
ready, and keeps the server's stderr in a log file. Standard library only: no pytest, no
requests, so scripts can use it with nothing else installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

REPO = Path(__file__).resolve().parent.parent


class LaunchError(Exception):
    """The local AWS did not start, or its control API refused a call."""


class LocalAWSProcess:
    """One `python3 -m localaws` child on a free loopback port: its endpoints, admin keys and log.

    The server starts in the constructor; `stop()` (or leaving the `with` block) ends it.
    `log`: the server's stderr; a temporary file removed by `stop()` unless `log_path` was given.
    """

    def __init__(self, *, insync_delay: float = 2.0, throttle_rps: float | None = None,
                 verbose: bool = False, no_auth: bool = False, log_path: Path | None = None,
                 python: str = sys.executable, start_timeout: float = 60) -> None:
        argv = [python, "-m", "localaws", "--port", "0", "--insync-delay", str(insync_delay)]
        if throttle_rps is not None:
            argv += ["--throttle-rps", str(throttle_rps)]
        if verbose:
            argv.append("--verbose")
        if no_auth:
            argv.append("--no-auth")
        self._own_log = log_path is None
        self.log = Path(tempfile.mkstemp(prefix="localaws-", suffix=".log")[1]) if log_path is None else log_path
        self._log_fh = self.log.open("wb")
        self.proc = subprocess.Popen(argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._log_fh)
        line = self._first_line(start_timeout)
        try:
            self.info: dict[str, Any] = json.loads(line) if line else {}
        except ValueError:
            self.info = {}
        if not self.info:
            # Its stdout closes a moment before its exit status can be read: give it that moment.
            try:
                code: int | None = self.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                code = None
            log_tail = self.log_text()[-4000:]
            self.stop()
            what = f"exited with status {code}" if code is not None else f"printed nothing in {start_timeout:g} s"
            shown = f" but printed {line!r}" if line else ""
            raise LaunchError(f"the local AWS (python3 -m localaws) {what}{shown}; is "
                              f"localaws/requirements.txt installed (scripts/setup)? Its stderr:\n{log_tail}")
        self.endpoint: str = self.info["endpoint"]
        self.control_url: str = self.info["control"]
        self.region: str = self.info.get("region", "us-east-1")
        self.admin: dict[str, str] = self.info["admin"]
        # The control API is on loopback: a developer's http_proxy must not catch it.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _first_line(self, timeout: float) -> str:
        """The server's first stdout line, or "" when it exits or says nothing in time."""
        out: list[bytes] = []
        stdout = self.proc.stdout
        assert stdout is not None
        reader = threading.Thread(target=lambda: out.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return out[0].decode(errors="replace").strip() if out else ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """A call to the control API (`/reset`, `/instances`, `/stats`, ...): its JSON answer."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.control_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(req, timeout=60) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise LaunchError(f"control {method} {path}: {exc.code} {exc.read().decode(errors='replace')}") from exc

    def log_size(self) -> int:
        self._log_fh.flush()
        return self.log.stat().st_size

    def log_text(self, since: int = 0) -> str:
        """The server's stderr from byte `since` on."""
        self._log_fh.flush()
        try:
            with self.log.open("rb") as fh:
                fh.seek(since)
                return fh.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; closes (and, when temporary, removes) the log."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if not self._log_fh.closed:
            self._log_fh.close()
            if self._own_log:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.log)

    def __enter__(self) -> LocalAWSProcess:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()



def zone_records(route53: Any, zone_id: str) -> list[dict[str, Any]]:
    """Every record of a zone but the apex NS and SOA, in Route 53's order, read page by page
    with a boto3 Route 53 client (the checks of the integration tests and of the boot test)."""
    out: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"HostedZoneId": zone_id}
    while True:
        page = route53.list_resource_record_sets(**kwargs)
        out += page["ResourceRecordSets"]
        if not page["IsTruncated"]:
            break
        kwargs.update(StartRecordName=page["NextRecordName"], StartRecordType=page["NextRecordType"])
        if "NextRecordIdentifier" in page:
            kwargs["StartRecordIdentifier"] = page["NextRecordIdentifier"]
    return [r for r in out if r["Type"] not in ("NS", "SOA")]
