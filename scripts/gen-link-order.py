#!/usr/bin/env python3
"""gen-link-order: list the functions `r53hook watch` runs, for scripts/build-release's link order.

Usage: scripts/gen-link-order.py [--seconds N] [--output FILE] [BINARY]

Why: the kernel maps a program's file pages in 64 KiB windows around each page it touches
(fault-around), so a daemon whose few hot functions are scattered over 13 MiB of machine code
keeps most of that code resident. scripts/build-release links the functions named here first, one
after the other, so `watch` at rest touches a few contiguous MiB instead (scripts/bench measures
it). A stale list costs memory, never correctness: a function missing from it is linked after the
listed ones, and a name that no longer exists is ignored.

How: runs BINARY (default: the unstripped binary that scripts/build-release builds) under
valgrind's callgrind as `r53hook watch` against a local AWS for N seconds (default 45; joining,
polling IMDS, the spot and scheduled-event checks, heartbeats every 10 s with --expiry 20), then
sends SIGTERM (leaving and draining, so the stop path is listed too), and writes every function
of the binary that ran, as its mangled symbol name, sorted, one per line, to FILE (default
packaging/link-order.txt). Needs valgrind. Takes about 2 minutes.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402

from localaws.launcher import LocalAWSProcess  # noqa: E402

DEFAULT_OUTPUT = ROOT / "packaging" / "link-order.txt"
# callgrind's profile names each object (ob=) and function (fn=) once as "(id) name", then by
# "(id)" alone; cob=/cfn= (the callee's) define names the same way.
NAME_LINE = re.compile(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?")


def executed_functions(profile: Path, binary_name: str) -> list[str]:
    """The functions of the object named binary_name that callgrind saw run."""
    objects: dict[str, str] = {}
    functions: dict[str, str] = {}
    current_object = ""
    found: set[str] = set()
    with profile.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            match = NAME_LINE.match(line.rstrip("\n"))
            if not match:
                continue
            kind, ident, name = match.groups()
            table = objects if kind.endswith("ob") else functions
            if name:
                table[ident] = name
            if kind == "ob":
                current_object = objects.get(ident, "")
            elif kind == "fn" and Path(current_object).name == binary_name:
                symbol = functions.get(ident, "")
                # "name'2" is callgrind's mark for a recursion level; "0x..." a function without a
                # symbol; "(below main)" callgrind's own name for what runs before main.
                symbol = re.sub(r"'\d+$", "", symbol)
                if symbol and not symbol.startswith(("0x", "(")):
                    found.add(symbol)
    return sorted(found)


def profile_watch(binary: Path, seconds: int, workdir: Path) -> Path:
    """Run watch under callgrind against a fresh local AWS; return the profile's path."""
    # valgrind 3.19 cannot read the DWARF 5 that swiftc writes; the symbol table is all it needs.
    copy = workdir / "r53hook"
    subprocess.run(["strip", "--strip-debug", "-o", str(copy), str(binary)], check=True)
    profile = workdir / "callgrind.out"
    with LocalAWSProcess(insync_delay=0) as local:
        instance = local.control("POST", "/instances", {})
        env = bench.base_env()
        admin_env = dict(env, AWS_ACCESS_KEY_ID=local.admin["access_key_id"],
                         AWS_SECRET_ACCESS_KEY=local.admin["secret_access_key"], AWS_DEFAULT_REGION="us-east-1",
                         AWS_PAGER="")
        created = subprocess.run(
            [bench.find_aws(), "--endpoint-url", local.endpoint, "route53", "create-hosted-zone", "--name",
             bench.ZONE, "--caller-reference", f"link-order-{time.time()}", "--query", "HostedZone.Id",
             "--output", "text"],
            env=admin_env, stdout=subprocess.PIPE, text=True, check=True)
        zone_id = created.stdout.strip().rsplit("/", 1)[-1]
        hook_env = dict(env, AWS_EC2_METADATA_SERVICE_ENDPOINT=instance["imds_endpoint"],
                        AWS_ENDPOINT_URL=local.endpoint, RUNTIME_DIRECTORY=str(workdir))
        cmd = ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={profile}", str(copy),
               "watch", "--zone-id", zone_id, "--name", bench.NAME, "--ttl", "1", "--expiry", "20"]
        print(f"gen-link-order: profiling `r53hook watch` under callgrind for {seconds} s", flush=True)
        proc = subprocess.Popen(cmd, env=hook_env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(seconds)
        if proc.poll() is not None:
            raise SystemExit(f"gen-link-order: watch exited {proc.returncode} early:\n{proc.stderr.read()[-3000:]}")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            raise SystemExit(f"gen-link-order: watch exited {proc.returncode} after SIGTERM:\n{err[-3000:]}")
        if "joined" not in err:
            raise SystemExit("gen-link-order: watch never joined, so the profile is not of watch at rest:\n"
                             + err[-3000:])
    return profile


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts/gen-link-order.py", description=__doc__.split("\n\n")[0])
    p.add_argument("binary", nargs="?", help="unstripped r53hook (default: build it with scripts/build-release)")
    p.add_argument("--seconds", type=int, default=45, help="how long watch runs under callgrind (default 45)")
    p.add_argument("--output", default=str(DEFAULT_OUTPUT),
                   help=f"where to write the list (default {DEFAULT_OUTPUT.relative_to(ROOT)})")
    args = p.parse_args(argv)
    if not shutil.which("valgrind"):
        raise SystemExit("gen-link-order: valgrind is not installed (apt-get install valgrind)")
    if args.binary:
        binary = Path(args.binary).resolve()
    else:
        built = subprocess.run([str(ROOT / "scripts" / "build-release")], stdout=subprocess.PIPE, text=True, check=True)
        binary = Path(built.stdout.strip().splitlines()[-1])
    with tempfile.TemporaryDirectory(prefix="link-order-") as tmp:
        profile = profile_watch(binary, args.seconds, Path(tmp))
        names = executed_functions(profile, "r53hook")
    if len(names) < 1000:
        raise SystemExit(f"gen-link-order: only {len(names)} functions ran; is {binary} unstripped?")
    Path(args.output).write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"gen-link-order: {len(names)} functions written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
