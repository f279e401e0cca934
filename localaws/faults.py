"""Run-time switchable faults for the AWS endpoint, and Route 53's token bucket."""

from __future__ import annotations

import threading
import time
from typing import Any


class TokenBucket:
    """N requests a second, with a burst of N, like Route 53's per-account quota."""

    def __init__(self, rate: float):
        self.rate = float(rate)
        self.capacity = max(1.0, float(rate))
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Faults:
    """Fault settings; every method is thread-safe."""

    def __init__(self, throttle_rps: float | None = None):
        self._lock = threading.Lock()
        self._default_rps = throttle_rps
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.bucket = TokenBucket(self._default_rps) if self._default_rps else None
            self.prior_request_not_complete = 0
            self.error_5xx = 0
            self.errors_sent = 0
            self.slow_ms = 0
            self.drop_connections = 0
            self.route53_down = False
            self.lost_answers = 0

    def update(self, body: dict[str, Any]) -> None:
        with self._lock:
            if "throttle_rps" in body:
                rps = body["throttle_rps"]
                if rps is not None and float(rps) <= 0:
                    raise ValueError("throttle_rps must be > 0 or null")
                self.bucket = TokenBucket(float(rps)) if rps else None
            for key in ("prior_request_not_complete", "error_5xx", "slow_ms", "drop_connections", "lost_answers"):
                if key in body:
                    value = int(body[key] or 0)
                    if value < 0:
                        raise ValueError(f"{key} must be >= 0")
                    setattr(self, key, value)
            if "route53_down" in body:
                self.route53_down = bool(body["route53_down"])
            unknown = set(body) - {
                "throttle_rps", "prior_request_not_complete", "error_5xx", "slow_ms",
                "drop_connections", "route53_down", "lost_answers",
            }
            if unknown:
                raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "throttle_rps": self.bucket.rate if self.bucket else None,
                "prior_request_not_complete": self.prior_request_not_complete,
                "error_5xx": self.error_5xx,
                "slow_ms": self.slow_ms,
                "drop_connections": self.drop_connections,
                "route53_down": self.route53_down,
                "lost_answers": self.lost_answers,
            }

    def take_drop(self) -> bool:
        with self._lock:
            if self.drop_connections > 0:
                self.drop_connections -= 1
                return True
            return False

    def take_lost_answer(self) -> bool:
        """Route 53 applied a change but its answer never arrives: the next N change batches."""
        with self._lock:
            if self.lost_answers > 0:
                self.lost_answers -= 1
                return True
            return False

    def take_5xx(self) -> int | None:
        """500 and 503 in turn while error_5xx lasts."""
        with self._lock:
            if self.error_5xx > 0:
                self.error_5xx -= 1
                self.errors_sent += 1
                return 500 if self.errors_sent % 2 == 1 else 503
            return None

    def take_prior_request(self) -> bool:
        with self._lock:
            if self.prior_request_not_complete > 0:
                self.prior_request_not_complete -= 1
                return True
            return False

    def throttled(self) -> bool:
        with self._lock:
            return self.bucket is not None and not self.bucket.take()
