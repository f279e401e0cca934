"""Helpers to run the real r53hook binary against the project's local AWS (localaws/).

The fixtures built on them are in conftest.py; tests import names from here, which gathers
them by concern:

- world.py: `World`, the per-test local AWS state and the binary run against it; one local AWS
  process serves the whole session (`start_localaws()`, through localaws/launcher.py);
- runner.py: where the binary is (`BINARY`), `Run`, the test zone and name, `measure()`;
- marks.py: the registry marks (`MarkPattern`, `mark_name`, `mark_words`, ...);
- fleet.py: load balancers (`World.fleet`) and `Later`.
"""

from __future__ import annotations

from fleet import DRAINING_TEXT, Fleet, Later
from marks import MARK_KEYS, MARK_PREFIX, MarkPattern, is_mark_name, mark_name, mark_words
from runner import BINARY, MEASUREMENTS, NAME, PATH_ENV, REPO, ZONE, Run, measure
from world import DEFAULT_INSYNC, LocalAWSProcess, World, start_localaws

__all__ = [
    "BINARY", "DEFAULT_INSYNC", "DRAINING_TEXT", "MARK_KEYS", "MARK_PREFIX", "MEASUREMENTS", "NAME", "PATH_ENV",
    "REPO", "ZONE", "Fleet", "Later", "LocalAWSProcess", "MarkPattern", "Run", "World", "is_mark_name",
    "mark_name", "mark_words", "measure", "start_localaws",
]
