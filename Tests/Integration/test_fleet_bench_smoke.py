"""scripts/fleet-bench on a small fleet (6 instances, 3 stopping): the script still runs against
the current binary, and what does not depend on timing holds at fleet level: every instance's
start and stop succeeds, `start --create-first` reads nothing before its change, and the scale-in
removes exactly the stopped instances' records. The figures themselves belong to the full
benchmark (README, Fleet scale), never to a test."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from harness import BINARY

ROOT = Path(__file__).resolve().parents[2]


def test_fleet_bench_runs_and_create_first_reads_nothing(tmp_path: Path):
    figures = tmp_path / "figures.json"
    run = subprocess.run(
        [str(ROOT / "scripts/fleet-bench"), "--instances", "6", "--stop", "3", "--propagation", "1", "--ttl", "1",
         "--deadline", "60", "--only", "storm,create-first,scale-in", "--binary", str(BINARY), "--json", str(figures)],
        capture_output=True, text=True, timeout=240, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    storm, create_first, scale_in = json.loads(figures.read_text())
    assert storm["failures"] == 0 and create_first["failures"] == 0, run.stdout
    assert storm["by_kind"]["ChangeResourceRecordSets"]["served"] == 6
    # The set and the mark in one read each (issue 11); with --zone-id and the address given the
    # zone is not read.
    assert storm["by_kind"]["ListResourceRecordSets"]["served"] == 6
    assert "GetHostedZone" not in storm["by_kind"], storm["by_kind"]
    assert create_first["by_kind"]["ChangeResourceRecordSets"]["served"] == 6
    assert "ListResourceRecordSets" not in create_first["by_kind"], create_first["by_kind"]
    assert scale_in["by_kind"]["ChangeResourceRecordSets"]["served"] == 3
    assert scale_in["by_kind"]["ListResourceRecordSets"]["served"] == 3  # none empties the name
    assert "GetHostedZone" not in scale_in["by_kind"], scale_in["by_kind"]
    assert scale_in["beyond_max_s"] is not None
    assert "every record gone" in run.stdout
