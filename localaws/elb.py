"""ELB and ELBv2 health over time (phase 2; phase 1 passes everything to moto)."""

from __future__ import annotations

from typing import Any


class ELBHealth:
    def __init__(self, app: Any):
        self.app = app

    def reset(self) -> None:
        pass

    def intercept(self, service: str, action: str, body: bytes) -> Any:
        return None

    def after(self, service: str, action: str, body: bytes, out: bytes) -> bytes:
        return out
