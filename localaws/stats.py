"""Request counters and a bounded timeline, for tests that measure request rates."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

TIMELINE_MAX = 10000


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.requests: dict[str, dict[str, int]] = {}
            self.imds = 0
            self.throttled = 0
            self.timeline: deque[list[Any]] = deque(maxlen=TIMELINE_MAX)

    def record(self, service: str, action: str, status: int) -> None:
        with self._lock:
            per = self.requests.setdefault(service, {})
            per[action] = per.get(action, 0) + 1
            self.timeline.append([time.time(), service, action, status])

    def record_throttle(self) -> None:
        with self._lock:
            self.throttled += 1

    def record_imds(self, instance_id: str, path: str, status: int) -> None:
        with self._lock:
            self.imds += 1
            self.timeline.append([time.time(), "imds", path, status])

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            requests: dict[str, Any] = {k: dict(v) for k, v in self.requests.items()}
            requests["imds"] = self.imds
            return {"requests": requests, "throttled": self.throttled, "timeline": list(self.timeline)}
