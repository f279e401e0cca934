"""What the shipped files say r53hook does must be true: start and reload never UPSERT.

Every batch r53hook sends is a compare-and-swap ([DELETE the exact old record, CREATE the
new]; README "registry marks", etc/iam-policy.json allows only CREATE and DELETE), so the init
script, the systemd units and the README may name UPSERT only to say r53hook does not use it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [ROOT / "init.d" / "r53hook", *sorted((ROOT / "systemd").rglob("*.service")),
           *sorted((ROOT / "systemd").rglob("*.conf"))]


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_init_script_and_units_never_say_r53hook_upserts(path: Path):
    said = [line for line in path.read_text().splitlines() if "UPSERT" in line.upper()]
    assert said == [], f"{path.relative_to(ROOT)} says r53hook UPSERTs"


def test_readme_names_upsert_only_as_what_r53hook_never_does():
    said = [line for line in (ROOT / "README.md").read_text().splitlines() if "UPSERT" in line]
    assert said, "the README no longer explains that batches are compare-and-swap"
    for line in said:
        assert "blind UPSERT" in line.replace("`", ""), line
