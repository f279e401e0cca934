#!/usr/bin/env python3
"""Benchmark `r53hook start` against one `aws route53 change-resource-record-sets` call.

Run through scripts/bench, which documents the options. Both tools run, alternating, against the
same local AWS (started here with --insync-delay 0); each run is one whole process, timed with
time.monotonic() around it, its peak RSS from GNU time's %M (KiB), see measure().

Targets (issue 2): r53hook's median wall time at most a tenth of the CLI's, and its peak RSS at
most 20 MiB (checked against the largest peak of all runs). Missing a target is reported, not an
error: the exit status is 0 unless the measurement itself could not be made or was not valid.

The binary's pages are dropped from the page cache before the runs and again before `watch`, so
they are read from disk as after a boot. A file the linker or a package manager has just written
sits in the page cache in large folios on kernels and filesystems that have them (ext4 since
Linux 6.16, XFS), and a page fault then maps the whole folio: the same binary measured that way
kept 1.0-1.3 MiB more of its own file resident here. --keep-page-cache measures that case.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from localaws.launcher import LaunchError, LocalAWSProcess  # noqa: E402

WALL_RATIO_TARGET = 0.10
RSS_TARGET_MIB = 20.0
# `r53hook watch` polling IMDS with nothing to do (issue 10): a daemon on every instance.
WATCH_RSS_TARGET_MIB = 20.0
WATCH_CPU_TARGET_PERCENT = 0.1
ZONE = "bench.example."
NAME = "www.bench.example."
TTL = 60
SWIFT_FALLBACK = "/opt/swift/usr/bin"


class BenchError(Exception):
    pass


def say(text: str = "") -> None:
    print(text, flush=True)


# ----------------------------------------------------------------------------- environment
def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except (OSError, ValueError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "nproc": usable,
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "loadavg": os.getloadavg(),
    }


def find_swift() -> str:
    swift = shutil.which("swift")
    if swift:
        return swift
    fallback = Path(SWIFT_FALLBACK) / "swift"
    if fallback.exists():
        return str(fallback)
    raise BenchError("swift is not installed (see scripts/setup), or set R53HOOK_BENCH_BINARY to a built r53hook")


def build_release() -> Path:
    """The binary as the packages ship it: scripts/build-release --strip (its link order and
    options change how much of the binary a running watch keeps resident)."""
    find_swift()
    cmd = [str(ROOT / "scripts" / "build-release"), "--strip"]
    say("Building the release binary as shipped: scripts/build-release --strip")
    say("  (a first release build takes about 4-7 minutes on 2 cores; later ones only rebuild what changed)")
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr[-6000:])
        raise BenchError(f"the release build failed (exit {proc.returncode})")
    say(f"  built in {time.monotonic() - started:.1f} s")
    return Path(proc.stdout.strip().splitlines()[-1])


def find_aws() -> str:
    """The aws CLI's own entry script: skip a version manager's shim (pyenv), which would add a few
    hundred milliseconds of shell to every CLI run and flatter r53hook."""
    scripts = Path(sysconfig.get_path("scripts")) / "aws"
    if scripts.is_file() and os.access(scripts, os.X_OK):
        return str(scripts)
    found = shutil.which("aws")
    if not found:
        raise BenchError("the AWS CLI (aws) is not installed: run scripts/setup")
    return found


def binary_facts(binary: Path) -> dict[str, Any]:
    size = binary.stat().st_size
    try:
        out = subprocess.run(["ldd", str(binary)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout
    except FileNotFoundError:
        out = "ldd not found"
    libs = []
    for line in out.splitlines():
        line = line.strip()
        if not line:
            continue
        libs.append(line.split()[0])
    swift_libs = [lib for lib in libs if lib.startswith(("libswift", "libFoundation", "libdispatch",
                                                          "libBlocksRuntime", "lib_FoundationICU"))]
    return {"size": size, "ldd": out.strip(), "libs": libs, "swift_libs": swift_libs}


# ----------------------------------------------------------------------------- measuring
# Peak RSS comes from GNU time, not from os.wait4() here: Linux carries the exec'ing process's old
# high-water RSS into the child's ru_maxrss, and a child spawned from this Python process starts
# on Python's memory, so wait4 would report at least this script's own RSS for every tool. GNU
# time forks from its own small process, so its %M is the measured program's alone.
GNU_TIME = "/usr/bin/time"


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """Run cmd once: (wall seconds, peak RSS KiB, exit code, output)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        started = time.monotonic()
        proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", rss.name, *cmd], env=env,
                              stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False)
        wall = time.monotonic() - started
        lines = rss.read().split()
        peak = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        out.seek(0)
        text = out.read().decode(errors="replace")
    return wall, peak, proc.returncode, text


def base_env() -> dict[str, str]:
    """This environment less anything that would point either tool at other credentials,
    endpoints or settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "R53HOOK_")) and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))  # nearest rank
    return ordered[rank - 1]


def summarize(walls: list[float], rss: list[int]) -> dict[str, float]:
    return {
        "runs": len(walls),
        "median_ms": statistics.median(walls) * 1000,
        "p90_ms": percentile(walls, 90) * 1000,
        "min_ms": min(walls) * 1000,
        "median_rss_mib": statistics.median(rss) / 1024,
        "max_rss_mib": max(rss) / 1024,
    }


def route53_counts(stats: dict[str, Any]) -> dict[str, int]:
    counts = dict(stats["requests"].get("route53", {}))
    counts["IMDS"] = stats["requests"].get("imds", 0)
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=15, help="measured runs of each tool (default 15)")
    p.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each tool first (default 1)")
    p.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    p.add_argument("--watch-seconds", type=int, default=60,
                   help="measure `r53hook watch` at rest for this long (default 60; 0 skips it)")
    p.add_argument("--keep-page-cache", action="store_true",
                   help="do not drop the binary's pages from the page cache before measuring")
    args = p.parse_args(argv)
    if args.runs < 1 or args.warmup < 0 or args.watch_seconds < 0:
        p.error("--runs must be >= 1, --warmup and --watch-seconds >= 0")
    if args.runs + args.warmup > 240:
        p.error("--runs + --warmup must be <= 240 (each run needs a different weight, 1-255)")

    machine = machine_info()
    say("r53hook bench: `r53hook start` (IMDS, credentials, change, INSYNC) vs one "
        "`aws route53 change-resource-record-sets`")
    say(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory']} memory, "
        f"Linux {machine['kernel']}, load {machine['loadavg'][0]:.2f}")

    given = os.environ.get("R53HOOK_BENCH_BINARY")
    if given:
        binary = Path(given).resolve()
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            raise BenchError(f"R53HOOK_BENCH_BINARY={given} is not an executable file")
        say(f"binary: {binary} (R53HOOK_BENCH_BINARY; not built here)")
    else:
        binary = build_release()
    aws = find_aws()
    r53_version = subprocess.run([str(binary), "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
    aws_version = subprocess.run([aws, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True).stdout.strip()
    facts = binary_facts(binary)
    say(f"r53hook: {r53_version} at {binary}")
    say(f"aws:     {aws_version} at {aws}")
    say(f"binary size: {facts['size']} bytes ({facts['size'] / 1024 / 1024:.2f} MiB)")
    say(f"ldd: {len(facts['libs'])} entries: {', '.join(facts['libs'])}")
    if facts["swift_libs"]:
        say(f"ldd: NOT self-contained: needs {', '.join(facts['swift_libs'])} (build with --static-swift-stdlib)")
    else:
        say("ldd: no libswift*.so / Foundation / libdispatch dependency: runs on a machine without Swift")

    if args.keep_page_cache:
        say("page cache: the binary's cached pages are kept (--keep-page-cache)")
    else:
        drop_from_page_cache(binary)
        say("page cache: the binary's pages are dropped before the runs and before watch (read as after a boot)")
    try:
        local = LocalAWSProcess(insync_delay=0)
    except LaunchError as exc:
        raise BenchError(str(exc)) from exc
    with local:
        return run(args, local, binary, aws, machine, facts, r53_version, aws_version)


def run(args: argparse.Namespace, local: LocalAWSProcess, binary: Path, aws: str, machine: dict[str, Any],
        facts: dict[str, Any], r53_version: str, aws_version: str) -> int:
    say(f"local AWS: {local.endpoint}, started with --insync-delay 0: every change is INSYNC at once, so the")
    say("  figures measure the two tools, not the emulator's delay (on real Route 53 the INSYNC wait")
    say("  that start does, and the CLI call does not, adds seconds)")
    instance = local.control("POST", "/instances", {})
    env = base_env()
    admin_env = dict(env, AWS_ACCESS_KEY_ID=local.admin["access_key_id"],
                     AWS_SECRET_ACCESS_KEY=local.admin["secret_access_key"], AWS_DEFAULT_REGION="us-east-1",
                     AWS_PAGER="")
    created = subprocess.run(
        [aws, "--endpoint-url", local.endpoint, "route53", "create-hosted-zone", "--name", ZONE,
         "--caller-reference", f"bench-{os.getpid()}-{time.time()}", "--query", "HostedZone.Id", "--output", "text"],
        env=admin_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if created.returncode != 0:
        raise BenchError(f"could not create the hosted zone: {created.stdout.strip()}")
    zone_id = created.stdout.strip().rsplit("/", 1)[-1]
    hook_env = dict(env, AWS_EC2_METADATA_SERVICE_ENDPOINT=instance["imds_endpoint"],
                    AWS_ENDPOINT_URL=local.endpoint)
    say(f"instance {instance['instance_id']} (public {instance['public_ipv4']}), zone {ZONE} {zone_id}, "
        f"record {NAME} A")
    say(f"each tool: {args.warmup} warm-up run(s), then {args.runs} measured, alternating; every run writes a")
    say("  different weight, so each really changes the record (r53hook: replaces its own set in one")
    say("  compare-and-swap batch, credentials from the instance role; aws: UPSERTs set 'bench-cli', admin")
    say("  keys in the environment)")
    batch_file = tempfile.NamedTemporaryFile("w", prefix="bench-batch-", suffix=".json", delete=False)
    batch_file.close()

    walls: dict[str, list[float]] = {"r53hook": [], "aws": [], "floor": []}
    rss: dict[str, list[int]] = {"r53hook": [], "aws": [], "floor": []}
    hook_counts: list[dict[str, int]] = []
    invalid: list[str] = []
    try:
        total = args.warmup + args.runs
        for i in range(total):
            weight = 1 + i  # a new weight every run: a real change every time
            measured = i >= args.warmup
            label = f"run {i - args.warmup + 1:>3}/{args.runs}" if measured else f"warm-up {i + 1}"

            local.control("DELETE", "/stats")
            cmd = [str(binary), "start", "--zone-id", zone_id, "--name", NAME, "--ttl", str(TTL),
                   "--weight", str(weight)]
            h_wall, h_rss, h_code, h_out = measure(cmd, hook_env)
            counts = route53_counts(local.control("GET", "/stats"))
            if h_code != 0:
                raise BenchError(f"r53hook start exited {h_code}:\n{h_out}")
            if counts.get("ChangeResourceRecordSets", 0) != 1:
                invalid.append(f"{label}: r53hook made {counts.get('ChangeResourceRecordSets', 0)} "
                               "ChangeResourceRecordSets, not 1")

            with open(batch_file.name, "w", encoding="utf-8") as f:
                json.dump({"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
                    "Name": NAME, "Type": "A", "SetIdentifier": "bench-cli", "Weight": weight, "TTL": TTL,
                    "ResourceRecords": [{"Value": instance["public_ipv4"]}]}}]}, f)
            local.control("DELETE", "/stats")
            cmd = [aws, "--endpoint-url", local.endpoint, "route53", "change-resource-record-sets",
                   "--hosted-zone-id", zone_id, "--change-batch", f"file://{batch_file.name}"]
            a_wall, a_rss, a_code, a_out = measure(cmd, admin_env)
            a_counts = route53_counts(local.control("GET", "/stats"))
            if a_code != 0:
                raise BenchError(f"aws route53 change-resource-record-sets exited {a_code}:\n{a_out}")
            if a_counts.get("ChangeResourceRecordSets", 0) != 1:
                invalid.append(f"{label}: aws made {a_counts.get('ChangeResourceRecordSets', 0)} "
                               "ChangeResourceRecordSets, not 1")

            # The floor: the same binary starting and exiting, no AWS work.
            f_wall, f_rss, f_code, f_out = measure([str(binary), "--version"], hook_env)
            if f_code != 0:
                raise BenchError(f"r53hook --version exited {f_code}:\n{f_out}")

            say(f"  {label}  r53hook {h_wall * 1000:7.1f} ms {h_rss / 1024:5.1f} MiB    "
                f"aws {a_wall * 1000:7.1f} ms {a_rss / 1024:5.1f} MiB")
            if measured:
                walls["r53hook"].append(h_wall)
                rss["r53hook"].append(h_rss)
                walls["aws"].append(a_wall)
                rss["aws"].append(a_rss)
                walls["floor"].append(f_wall)
                rss["floor"].append(f_rss)
                hook_counts.append(counts)
    finally:
        os.unlink(batch_file.name)

    hook = summarize(walls["r53hook"], rss["r53hook"])
    cli = summarize(walls["aws"], rss["aws"])
    floor = summarize(walls["floor"], rss["floor"])
    wall_ratio = hook["median_ms"] / cli["median_ms"]
    rss_ratio = hook["median_rss_mib"] / cli["median_rss_mib"]
    wall_pass = wall_ratio <= WALL_RATIO_TARGET
    rss_pass = hook["max_rss_mib"] <= RSS_TARGET_MIB

    say()
    say(f"{'tool':<44} {'runs':>4} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'median RSS MiB':>15} "
        f"{'max RSS MiB':>12}")
    for name, s in (("r53hook start (IMDS+creds+change+INSYNC)", hook),
                    ("aws route53 change-resource-record-sets", cli)):
        say(f"{name:<44} {s['runs']:>4} {s['median_ms']:>10.1f} {s['p90_ms']:>8.1f} {s['min_ms']:>8.1f} "
            f"{s['median_rss_mib']:>15.1f} {s['max_rss_mib']:>12.1f}")
    say(f"{'ratio r53hook / aws':<44} {'':>4} {wall_ratio:>10.3f} {'':>8} {'':>8} {rss_ratio:>15.3f}")
    s = floor
    say(f"{'(floor, not a target) r53hook --version':<44} {s['runs']:>4} {s['median_ms']:>10.1f} {s['p90_ms']:>8.1f} "
        f"{s['min_ms']:>8.1f} {s['median_rss_mib']:>15.1f} {s['max_rss_mib']:>12.1f}")
    say()

    # What one r53hook run asked of AWS: the same on every run, or the spread.
    keys = sorted({k for c in hook_counts for k in c})
    parts = []
    for k in keys:
        values = sorted({c.get(k, 0) for c in hook_counts})
        parts.append(f"{k} {values[0]}" if len(values) == 1 else f"{k} {values[0]}-{values[-1]}")
    say("requests per r53hook run: " + ", ".join(parts))
    if all(c.get("GetChange", 0) == 0 for c in hook_counts):
        say("  (no GetChange: with --insync-delay 0 the change's own answer already says INSYNC, so start's")
        say("  wait ends there; on real Route 53 it polls GetChange until INSYNC)")
    if invalid:
        say("INVALID: " + "; ".join(invalid))
    else:
        say("verified: every r53hook and every aws run made exactly one ChangeResourceRecordSets "
            f"({args.runs + args.warmup} each)")
    say()
    say(f"target wall time: r53hook median <= {WALL_RATIO_TARGET:.2f} x aws median: "
        f"{hook['median_ms']:.1f} ms vs {cli['median_ms'] * WALL_RATIO_TARGET:.1f} ms allowed "
        f"(ratio {wall_ratio:.3f}) -> {'PASS' if wall_pass else 'FAIL'}")
    say(f"target peak RSS:  r53hook max peak RSS <= {RSS_TARGET_MIB:.0f} MiB: {hook['max_rss_mib']:.1f} MiB "
        f"-> {'PASS' if rss_pass else 'FAIL'}")
    watch = (measure_watch(local, binary, zone_id, hook_env, args.watch_seconds, not args.keep_page_cache)
             if args.watch_seconds else None)
    load_end = os.getloadavg()
    say(f"load average at the end: {load_end[0]:.2f} (other work on the machine inflates both tools' times)")

    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": machine, "load_end": load_end, "r53hook_version": r53_version, "aws_version": aws_version,
            "binary": {"path": str(binary), "size": facts["size"], "libs": facts["libs"],
                       "swift_libs": facts["swift_libs"]},
            "insync_delay": 0, "runs": args.runs, "warmup": args.warmup,
            "r53hook": hook, "aws": cli, "r53hook_version_floor": floor,
            "wall_ratio": wall_ratio, "rss_ratio": rss_ratio,
            "wall_target_pass": wall_pass, "rss_target_pass": rss_pass,
            "r53hook_requests_per_run": hook_counts, "invalid": invalid, "watch": watch,
            "raw": {"wall_s": walls, "rss_kib": rss},
        }, indent=2) + "\n")
        say(f"figures written to {args.json}")
    return 1 if invalid else 0


def drop_from_page_cache(path: Path) -> None:
    """Asks the kernel to drop the file's clean cached pages (POSIX_FADV_DONTNEED; pages mapped by
    a running process stay), so the next process reads them from disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def proc_cpu_ticks(pid: int) -> int:
    """utime + stime of the process, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_rss_kib(pid: int) -> tuple[int, int, int]:
    """(VmRSS, VmHWM, RssAnon) in KiB: the resident set now, its peak, and its private anonymous
    part (heap and stacks: what the process costs beyond the binary's pages, which are file-backed
    and shared with every other r53hook process)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon"):
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"], values["RssAnon"]


def smaps_by_object(pid: int) -> list[dict[str, Any]]:
    """/proc/PID/smaps summed per mapped object (the binary, each library, [anon], [heap], [stack]):
    KiB of Rss, Pss, Anonymous (private memory: heap, stacks, pages written by relocation) and file
    (Rss less Anonymous: clean pages of the binary and libraries, which the page cache holds and
    every process mapping the same file shares), largest Rss first."""
    totals: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if not fields:
            continue
        if not fields[0].endswith(":"):  # a mapping's header: address perms offset dev inode [path]
            name = os.path.basename(fields[5]) if len(fields) > 5 else "[anon]"
            current = totals.setdefault(name, {"object": name, "rss": 0, "pss": 0, "anon": 0})
        elif current is not None and fields[0] in ("Rss:", "Pss:", "Anonymous:"):
            current[{"Rss:": "rss", "Pss:": "pss", "Anonymous:": "anon"}[fields[0]]] += int(fields[1])
    rows = [dict(row, file=row["rss"] - row["anon"]) for row in totals.values() if row["rss"]]
    return sorted(rows, key=lambda row: -row["rss"])


def measure_watch(local: LocalAWSProcess, binary: Path, zone_id: str, env: dict[str, str],
                  seconds: int, cold: bool) -> dict[str, Any]:
    """`r53hook watch` at rest: joined, polling IMDS every 2 s (the default), nothing happening.
    CPU from /proc/PID/stat over `seconds` after a settle of 5 s; RSS sampled every second."""
    say()
    say(f"r53hook watch at rest: --poll-interval 2 (the default), {seconds} s measured after joining")
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as runtime:
        if cold:
            drop_from_page_cache(binary)
        proc = subprocess.Popen([str(binary), "watch", "--zone-id", zone_id, "--name", NAME, "--ttl", str(TTL)],
                                env=dict(env, RUNTIME_DIRECTORY=runtime), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(5)  # join and settle
            if proc.poll() is not None:
                raise BenchError(f"r53hook watch exited {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
            local.control("DELETE", "/stats")
            clock = os.sysconf("SC_CLK_TCK")
            ticks0, t0 = proc_cpu_ticks(proc.pid), time.monotonic()
            rss_samples, anon_samples = [], []
            while time.monotonic() - t0 < seconds:
                time.sleep(1)
                rss_now, _, anon_now = proc_rss_kib(proc.pid)
                rss_samples.append(rss_now)
                anon_samples.append(anon_now)
            ticks1, t1 = proc_cpu_ticks(proc.pid), time.monotonic()
            _, peak, _ = proc_rss_kib(proc.pid)
            objects = smaps_by_object(proc.pid)
            if os.environ.get("R53HOOK_BENCH_SMAPS"):
                Path(os.environ["R53HOOK_BENCH_SMAPS"]).write_text(Path(f"/proc/{proc.pid}/smaps").read_text())
            stats = local.control("GET", "/stats")
        finally:
            # SIGKILL, not SIGTERM: a SIGTERM would leave with the 60 s TTL drain, which measures
            # nothing here; the local AWS and its records go with the bench.
            proc.kill()
            proc.wait(timeout=30)
    cpu_percent = (ticks1 - ticks0) / clock / (t1 - t0) * 100
    rss_mib = statistics.median(rss_samples) / 1024
    anon_mib = max(anon_samples) / 1024
    peak_mib = peak / 1024
    route53 = sum(stats["requests"].get("route53", {}).values())
    imds = stats["requests"].get("imds", 0)
    say(f"  CPU: {(ticks1 - ticks0) / clock * 1000:.0f} ms over {t1 - t0:.0f} s = {cpu_percent:.3f} % of one core")
    say(f"  RSS: median {rss_mib:.1f} MiB, peak (VmHWM, the join included) {peak_mib:.1f} MiB, of which private")
    say(f"  anonymous memory (RssAnon, max): {anon_mib:.1f} MiB; the rest is the binary's and libraries' file pages")
    say(f"  requests while at rest: {imds} IMDS, {route53} Route 53")
    anon_kib = sum(row["anon"] for row in objects)
    file_kib = sum(row["file"] for row in objects)
    binary_kib = sum(row["rss"] for row in objects if row["object"] == binary.name)
    libraries = [row for row in objects if ".so" in row["object"]]
    say(f"  at the end, from /proc/PID/smaps: {(anon_kib + file_kib) / 1024:.1f} MiB = anonymous "
        f"{anon_kib / 1024:.1f} MiB + file {file_kib / 1024:.1f} MiB; by object: this binary "
        f"{binary_kib / 1024:.1f} MiB, {len(libraries)} shared libraries "
        f"{sum(row['rss'] for row in libraries) / 1024:.1f} MiB")
    say(f"  {'top 10 mappings by object':<28} {'Rss KiB':>8} {'Pss KiB':>8} {'anon KiB':>9} {'file KiB':>9}")
    for row in objects[:10]:
        say(f"  {row['object'][:28]:<28} {row['rss']:>8} {row['pss']:>8} {row['anon']:>9} {row['file']:>9}")
    cpu_pass = cpu_percent < WATCH_CPU_TARGET_PERCENT
    rss_pass = peak_mib <= WATCH_RSS_TARGET_MIB
    say(f"target watch CPU: < {WATCH_CPU_TARGET_PERCENT} % of a core: {cpu_percent:.3f} % "
        f"-> {'PASS' if cpu_pass else 'FAIL'}")
    say(f"target watch RSS: <= {WATCH_RSS_TARGET_MIB:.0f} MiB peak: {peak_mib:.1f} MiB "
        f"-> {'PASS' if rss_pass else 'FAIL'}")
    return {"seconds": t1 - t0, "cpu_percent": cpu_percent, "rss_median_mib": rss_mib, "rss_peak_mib": peak_mib,
            "rss_anon_max_mib": anon_mib, "rss_target_mib": WATCH_RSS_TARGET_MIB,
            "smaps_anon_kib": anon_kib, "smaps_file_kib": file_kib, "smaps_by_object": objects,
            "imds_requests": imds, "route53_requests": route53, "cpu_target_pass": cpu_pass,
            "rss_target_pass": rss_pass}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
