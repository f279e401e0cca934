"""scripts/gen-link-order.py and the list it writes (packaging/link-order.txt), which
scripts/build-release uses to link the functions `r53hook watch` runs next to each other.
No binary needed: the profile parser is fed a small callgrind file written here."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIST = REPO / "packaging" / "link-order.txt"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_link_order", REPO / "scripts" / "gen-link-order.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_the_binarys_functions_that_ran_are_listed_once_each(tmp_path: Path):
    # callgrind names an object or function once as "(id) name", then as "(id)" alone; cfn=
    # (a callee) defines names too; "'2" marks a recursion level; "0x..." has no symbol;
    # "(below main)" is callgrind's own.
    profile = tmp_path / "callgrind.out"
    profile.write_text("\n".join([
        "ob=(1) /usr/lib/x86_64-linux-gnu/libc.so.6",
        "fn=(1) malloc",
        "ob=(2) /tmp/link-order-x/r53hook",
        "fn=(2) $s10R53HookCLI12WatchCommandV3runyyYaKF",
        "cfn=(3) $s6AWSKit9AWSClientC4sendyyYaKF",
        "fn=(3)",
        "fn=(4) $s6AWSKit9AWSClientC4sendyyYaKF'2",
        "fn=(5) 0x00000000002322f0",
        "fn=(7) (below main)",
        "ob=(1)",
        "fn=(6) free",
        "ob=(2)",
        "fn=(2)",
    ]) + "\n")
    names = load_generator().executed_functions(profile, "r53hook")
    assert names == ["$s10R53HookCLI12WatchCommandV3runyyYaKF", "$s6AWSKit9AWSClientC4sendyyYaKF"]


def test_the_committed_list_names_watchs_functions_sorted_and_unique():
    names = LIST.read_text(encoding="utf-8").splitlines()
    assert len(names) > 1000, f"only {len(names)} names: regenerate with scripts/gen-link-order.py"
    assert names == sorted(set(names)), "not sorted and unique: regenerate with scripts/gen-link-order.py"
    assert all(name and not re.search(r"\s", name) for name in names), "a name is empty or has a space"
    assert any(name.startswith("$s10R53HookCLI") and "Watch" in name for name in names)


def test_the_release_build_links_in_that_order():
    script = (REPO / "scripts" / "build-release").read_text(encoding="utf-8")
    assert "packaging/link-order.txt" in script
    assert "--section-ordering-file=" in script and "-function-sections" in script
