"""`r53hook watch` as a running process for the test_watch_*.py files: started with
NOTIFY_SOCKET on an abstract datagram socket that stands in for systemd, so a test sees READY=1,
STATUS= and STOPPING=1 as systemd would, and stopped with SIGTERM as systemd stops it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from typing import Any

from world import World

# Short figures, so the whole watch suite stays within its CI budget.
POLL = "1"


class Notifications:
    """The abstract-namespace socket systemd would own; collects every datagram."""

    def __init__(self) -> None:
        self.name = f"@r53hook-watch-test-{os.getpid()}-{time.monotonic_ns()}"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.name[1:])
        self.messages: list[str] = []

    def drain(self, wait: float = 0.0) -> list[str]:
        """Everything received so far, waiting up to `wait` seconds for the first new one."""
        self.sock.settimeout(wait if wait > 0 else 0.001)
        while True:
            try:
                self.messages.append(self.sock.recv(65536).decode())
            except (TimeoutError, BlockingIOError):
                return self.messages
            self.sock.settimeout(0.001)

    def wait_for(self, field: str, timeout: float) -> float | None:
        """Seconds until a message holds the line `field` (e.g. READY=1), or None."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if any(field in m.split("\n") for m in self.drain(0.2)):
                return time.monotonic() - start
        return None

    def close(self) -> None:
        self.sock.close()


class Watch:
    """One `r53hook watch` process for the world's instance."""

    def __init__(self, world: World, *args: str, instance: dict[str, Any] | None = None, **env: str | None):
        self.world = world
        self.notify = Notifications()
        self.started = time.time()
        self.proc = world.popen("watch", "--poll-interval", POLL, *args, instance=instance,
                                NOTIFY_SOCKET=self.notify.name, **env)
        self.stderr = ""

    def ready(self, timeout: float = 20) -> bool:
        return self.notify.wait_for("READY=1", timeout) is not None

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM, as systemd stops the unit; the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def terminate_at(self, moment: float, timeout: float = 5) -> tuple[int, float]:
        """Waits until `moment` (a time.time() value), then SIGTERM: the exit code, and when it
        came (for deadlines the exit must meet)."""
        time.sleep(max(0.0, moment - time.time()))
        code = self.terminate(timeout)
        return code, time.time()

    def wait(self, timeout: float = 60) -> int:
        try:
            _, self.stderr = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()
            raise
        self.notify.drain()
        self.notify.close()
        return self.proc.returncode

    def kill(self) -> None:
        """Ends a watch a failed test left running; a no-op after `wait`."""
        if self.proc.returncode is None:
            if self.proc.poll() is None:
                self.proc.kill()
            _, self.stderr = self.proc.communicate()
        if self.notify.sock.fileno() >= 0:
            self.notify.close()


def wait_until(condition: Any, timeout: float, step: float = 0.1) -> float | None:
    """Seconds until condition() is true, or None after timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(step)
    return None


def deleted_at(world: World) -> list[float]:
    """When Route 53 accepted each ChangeResourceRecordSets since the stats were cleared."""
    return [e[0] for e in world.stats()["timeline"]
            if e[1:3] == ["route53", "ChangeResourceRecordSets"] and e[3] == 200]
