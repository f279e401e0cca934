#!/usr/bin/env python3
"""boot-test: boot a Debian 13 guest with r53hook's .deb installed and enabled, under systemd or
SysV init, and check from the host that the record appears during the boot and leaves, drained,
before the network goes down at poweroff.

Usage: scripts/boot-test systemd|sysv [--heartbeat] [--accel auto|kvm|tcg] [--deb PATH] [--keep DIR]

  systemd      systemd as init; r53hook.service enabled with systemctl enable
  sysv         sysvinit-core as init; /etc/init.d/r53hook enabled with update-rc.d (insserv orders
               it by its LSB header)
  --heartbeat  (systemd) also enable r53hook-heartbeat.timer and wait for a beat in the registry
               mark before the poweroff (the timer's first beat comes 60-70 s after the join)
  --accel      kvm when /dev/kvm opens and a KVM guest starts, else tcg (software emulation);
               auto (the default) falls back to tcg when KVM refuses the guest at once
  --deb PATH   install this .deb; otherwise scripts/package deb builds one from the release
               binary ($R53HOOK_RELEASE_BINARY, else scripts/build-release --strip)
  --keep DIR   keep the run's files (disk image, console, journal) in DIR

What happens:
  1. A Debian 13 root file system (debootstrap minbase: the init system, udev, ifupdown, socat,
     linux-image-amd64, OpenSSL and libxml2) is built once per init system and cached in
     /var/cache/r53hook-test/boot-systemd or boot-sysv (about 600 MB, 3 minutes).
  2. Per run, in an overlay of it (its own mount namespace; the cache is never changed): the .deb
     is installed with dpkg, /etc/default/r53hook points at the local AWS, the unit or init
     script is enabled, and mkfs.ext4 -d makes the disk image of the result.
  3. The local AWS starts on the host's loopback (INSYNC after 2 s), with one EC2 instance (its
     IMDS serves the identity, the address and the role's credentials) and the zone example.com.
  4. qemu-system-x86_64 boots the kernel and initrd of the image straight (no boot loader), with
     user-mode networking. The guest reaches the host's loopback at 10.0.2.2; r53hook sends
     signed requests over plain http only to loopback, so socat forwarders on the guest's
     127.0.0.1:5000 (AWS) and :5001 (IMDS), started and stopped by ifupdown with eth0, carry
     them there (scripts/boot-guest/forward). r53hook itself is not changed for the test.
  5. The host polls Route 53 every 0.5 s, waits for the record, then sends "poweroff" (systemd)
     or "halt" (SysV) to a small agent on the guest's second serial port, and waits for the
     guest to power off. The console is read line by line with the host's clock.
  6. Checks: the record and its registry mark were there during the boot and are gone before the
     guest is off; the guest's log (the journal, read from the disk image afterwards, under
     systemd; the console under SysV) shows INSYNC and the whole drain finishing before
     network-online.target stops (systemd) or before networking deconfigures the interfaces
     (SysV); the guest powered off within r53hook.service's TimeoutStopSec; with --heartbeat, a
     beat in the mark. Prints the timeline in seconds and "boot-test: PASS" or the problems.

Accelerator: KVM opens on this CI machine but is an emulated one (kvm-pvm) that cannot run the
guest (qemu aborts setting an MSR, or stops on "KVM internal error"), so auto falls back to
software emulation at once and says so. Under software emulation a boot to the record takes about
30 s and each run about a minute (two with --heartbeat) on 2 shared cores.

Needs root (debootstrap, the overlay mount, mkfs), debootstrap, qemu-system-x86 and e2fsprogs on
the host (scripts/setup installs them). Exit 0 on PASS, 1 when a check failed or the boot could
not be observed, 69 when qemu cannot run at all.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from localaws.launcher import LocalAWSProcess, zone_records  # noqa: E402

GUEST_FILES = ROOT / "scripts" / "boot-guest"
CACHE = Path(os.environ.get("R53HOOK_BOOT_CACHE", "/var/cache/r53hook-test"))
MIRROR = os.environ.get("R53HOOK_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "trixie"
# The init system; under SysV init also a syslog daemon, where the init script's logger sends
# r53hook's lines with the guest's time (its console output comes in bursts: startpar buffers
# each script's output until the script ends). rsyslog's init script is in
# orphan-sysvinit-scripts since Debian 13.
INIT_PACKAGES = {"systemd": ["systemd-sysv"], "sysv": ["sysvinit-core", "rsyslog", "orphan-sysvinit-scripts"]}
PACKAGES = ["udev", "kmod", "ifupdown", "socat", "linux-image-amd64", "libssl3t64", "libxml2"]
# What the host has the guest run to shut down: the issue names poweroff for systemd and halt for
# SysV init. Both run the same stop jobs (runlevel 0); halt ends in "reboot: System halted" with
# the machine stopped but not off, which the host then takes as the end.
COMMANDS = {"systemd": "poweroff", "sysv": "halt"}

ZONE = "example.com"
NAME = "www.example.com"
TTL = 10
DRAIN_EXTRA = 3
INSYNC_DELAY = 2.0
# Boots under software emulation take about a minute on a busy 2-core machine; these are
# ceilings, not expectations.
BOOT_TIMEOUT = 420.0
HEARTBEAT_TIMEOUT = 200.0
POLL_INTERVAL = 0.5
# systemd journal message ids (sd-messages.h): a unit (or target) started / stopping / stopped.
UNIT_STARTED = "39f53479d3a045ac8e11786248231fbf"
UNIT_STOPPING = "de5b426a63be47a7b6ac3eaac82e2f6f"
UNIT_STOPPED = "9d1aaa27d60140bd96365438aad20286"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


class BootError(Exception):
    """The boot test could not be run (as opposed to a check that failed)."""


class QemuUnavailable(BootError):
    """qemu-system-x86_64 is not installed or cannot start a guest at all."""


def sh(argv: list[str], timeout: float = 600, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={"PATH": PATH, "LC_ALL": "C.UTF-8", "HOME": "/root"}, **kwargs)
    if done.returncode != 0:
        raise BootError(f"{' '.join(argv[:3])}... failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
                        f"{done.stderr[-3000:]}")
    return done


# ---- the image ---------------------------------------------------------------------------------

def base_root(init: str) -> Path:
    """The cached Debian 13 root file system for INIT, built with debootstrap the first time."""
    packages = ",".join([*INIT_PACKAGES[init], *PACKAGES])
    root = CACHE / f"boot-{init}"
    stamp = root / ".r53hook-boot"
    want = f"{SUITE} {packages}"
    if stamp.is_file() and stamp.read_text().strip() == want:
        return root
    if os.geteuid() != 0:
        raise BootError("debootstrap needs root: run as root (CI does)")
    if not shutil.which("debootstrap", path=PATH):
        raise BootError("debootstrap is not installed: run scripts/setup")
    # Built beside its place and moved there, so that an interrupted run leaves no half system.
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    print(f"boot-test: building the {init} image with debootstrap (once, about 3 minutes)", file=sys.stderr)
    sh(["debootstrap", "--variant=minbase", f"--include={packages}", SUITE, str(tmp), MIRROR], timeout=1800)
    (tmp / ".r53hook-boot").write_text(want + "\n")
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    return root


def kernel_and_initrd(root: Path) -> tuple[Path, Path]:
    kernels = sorted(glob.glob(str(root / "boot" / "vmlinuz-*")))
    if not kernels:
        raise BootError(f"no kernel in {root}/boot")
    version = kernels[-1].split("vmlinuz-", 1)[1]
    initrd = root / "boot" / f"initrd.img-{version}"
    if not initrd.is_file():
        raise BootError(f"no initrd for kernel {version} in {root}/boot")
    return Path(kernels[-1]), initrd


R53HOOK_CONFIG = f"""
# scripts/boot-test: the record, and the local AWS on the test host through the forwarders
# (scripts/boot-guest/forward). Credentials and region come from the instance's IMDS.
R53HOOK_ZONE_NAME={ZONE}
R53HOOK_NAME={NAME}
R53HOOK_TTL={TTL}
R53HOOK_DRAIN_EXTRA={DRAIN_EXTRA}
AWS_ENDPOINT_URL=http://127.0.0.1:5000
AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:5001
"""

# Runs in the overlay's chroot: install the package as an AMI bake would, then enable it.
SETUP = {
    "systemd": """
        systemctl enable r53hook.service boot-test-control.service {timer}
        mkdir -p /var/log/journal
        grep '^TimeoutStopSec=' /lib/systemd/system/r53hook.service
    """,
    "sysv": """
        update-rc.d r53hook enable
        echo 'bt:2345:once:/usr/local/sbin/boot-test-control' >> /etc/inittab
        for level in S 0 2 6; do echo "rc$level: $(ls /etc/rc$level.d | tr '\\n' ' ')"; done
        grep '^TimeoutStopSec=' /lib/systemd/system/r53hook.service
    """,
}


def build_image(init: str, base: Path, deb: Path, work: Path, aws_port: int, imds_port: int,
                heartbeat: bool) -> tuple[Path, str]:
    """The run's disk image (raw ext4) and what the set-up printed."""
    stage = work / "stage"
    stage.mkdir()
    shutil.copy2(deb, stage / "r53hook.deb")
    (stage / "forward.conf").write_text(f"AWS_PORT={aws_port}\nIMDS_PORT={imds_port}\n")
    (stage / "r53hook.conf").write_text(R53HOOK_CONFIG)
    setup = ("set -e\nexport PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive\n"
             "dpkg -i /root/r53hook.deb >/dev/null\nrm /root/r53hook.deb\n"
             "echo boot-test > /etc/hostname\n"
             + SETUP[init].format(timer="r53hook-heartbeat.timer" if heartbeat else ""))
    upper, lower_work, merged = work / "upper", work / "ovl-work", work / "merged"
    for directory in (upper, lower_work, merged):
        directory.mkdir()
    image = work / "disk.raw"
    # The agent's unit (systemd); under SysV init an inittab line starts it (SETUP).
    unit_line = (f'install -m 0644 {GUEST_FILES}/boot-test-control.service '
                 f'"$m/etc/systemd/system/boot-test-control.service"\n' if init == "systemd" else "")
    script = f"""set -e
mount -t overlay overlay -o lowerdir={base},upperdir={upper},workdir={lower_work} {merged}
m={merged}
s={stage}
cp "$s/r53hook.deb" "$m/root/r53hook.deb"
install -m 0755 {GUEST_FILES}/forward "$m/usr/local/sbin/boot-test-forward"
install -m 0755 {GUEST_FILES}/control "$m/usr/local/sbin/boot-test-control"
{unit_line}install -m 0644 {GUEST_FILES}/interfaces "$m/etc/network/interfaces"
install -D -m 0644 "$s/forward.conf" "$m/etc/boot-test/forward"
mount -t proc proc "$m/proc"
chroot "$m" /bin/sh -c "$1"
umount "$m/proc"
cat "$s/r53hook.conf" >> "$m/etc/default/r53hook"
truncate -s 3G {image}
mkfs.ext4 -q -F -L root -d "$m" {image}
"""
    done = sh(["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", setup],
              timeout=600)
    return image, done.stdout


# ---- the guest -------------------------------------------------------------------------------

@dataclass
class Line:
    at: float
    text: str


class Console:
    """The guest's first serial port (qemu's stdout), one line at a time, each with the host's
    monotonic time of arrival."""

    def __init__(self, stream: Any, log: Path):
        self.lines: list[Line] = []
        self._lock = threading.Lock()
        self._log = log.open("w", encoding="utf-8")
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for raw in iter(stream.readline, b""):
            text = ANSI.sub("", raw.decode(errors="replace")).replace("\r", "").rstrip("\n")
            now = time.monotonic()
            with self._lock:
                self.lines.append(Line(now, text))
            self._log.write(f"{now:.3f} {text}\n")
            self._log.flush()

    def snapshot(self) -> list[Line]:
        with self._lock:
            return list(self.lines)

    def first(self, pattern: str, after: float = 0.0) -> Line | None:
        regex = re.compile(pattern)
        return next((line for line in self.snapshot() if line.at >= after and regex.search(line.text)), None)

    def tail(self, count: int = 40) -> str:
        return "\n".join(line.text for line in self.snapshot()[-count:])

    def close(self) -> None:
        self._thread.join(timeout=5)
        self._log.close()


class ControlPort:
    """The guest agent's serial port (scripts/boot-guest/control), a unix socket on the host."""

    def __init__(self, path: Path):
        self.path = path
        self.sock: socket.socket | None = None
        self.lines: list[Line] = []
        self._buffer = b""

    def connect(self, deadline: float, proc: subprocess.Popen[bytes]) -> bool:
        """Connects; False when qemu exited first."""
        while self.sock is None:
            if proc.poll() is not None:
                return False
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(str(self.path))
                sock.setblocking(False)
                self.sock = sock
            except OSError:
                if time.monotonic() > deadline:
                    raise BootError(f"qemu's control socket {self.path} never opened") from None
                time.sleep(0.05)
        return True

    def poll(self) -> None:
        if self.sock is None:
            return
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while chunk := self.sock.recv(4096):
                self._buffer += chunk
        while b"\n" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\n", 1)
            self.lines.append(Line(time.monotonic(), raw.decode(errors="replace").strip()))

    def said(self, text: str) -> Line | None:
        self.poll()
        return next((line for line in self.lines if line.text == text), None)

    def send(self, text: str) -> None:
        if self.sock is None:
            raise BootError("the control port is not connected")
        self.sock.setblocking(True)
        self.sock.sendall(text.encode() + b"\n")
        self.sock.setblocking(False)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


@dataclass
class Sample:
    at: float
    records: list[dict[str, Any]]


class RecordWatch:
    """Route 53 as a client on the host sees it: every record of the zone, every POLL_INTERVAL."""

    def __init__(self, r53: Any, zone_id: str):
        self.r53, self.zone_id = r53, zone_id
        self.samples: list[Sample] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def records(self) -> list[dict[str, Any]]:
        return zone_records(self.r53, self.zone_id)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(Sample(time.monotonic(), self.records()))
            except Exception as exc:  # noqa: BLE001 - a failed poll is reported, the watch goes on
                self.errors.append(f"{time.monotonic():.1f}: {exc}")
            self._stop.wait(POLL_INTERVAL)

    def latest(self) -> Sample | None:
        return self.samples[-1] if self.samples else None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def kvm_opens() -> bool:
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
        return True
    except OSError:
        return False


def qemu_argv(accel: str, kernel: Path, initrd: Path, image: Path, control: Path, init: str) -> list[str]:
    append = "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=5 loglevel=4"
    if init == "systemd":
        # Status lines and the journal on the console too, so that the host can time them.
        append += " systemd.show_status=1 systemd.journald.forward_to_console=1"
    cpu = ["-cpu", "host"] if accel == "kvm" else []
    return ["qemu-system-x86_64", "-accel", accel, *cpu, "-m", "512", "-smp", "1", "-nodefaults", "-no-reboot",
            "-display", "none", "-monitor", "none", "-rtc", "base=utc",
            "-kernel", str(kernel), "-initrd", str(initrd), "-append", append,
            "-drive", f"file={image},format=raw,if=virtio",
            "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0,romfile=",
            "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
            "-chardev", f"socket,id=control,path={control},server=on,wait=off", "-serial", "chardev:control"]


@dataclass
class BootRun:
    """Everything one boot showed: the host's observations, the guest's console and journal."""

    init: str
    heartbeat: bool
    accel: str
    instance: dict[str, Any]
    setup_output: str
    t_start: float = 0.0
    t_ready: float = 0.0
    t_command: float = 0.0
    t_off: float = 0.0
    exit_code: int | None = None
    console: list[Line] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    poll_errors: list[str] = field(default_factory=list)
    journal: list[dict[str, Any]] = field(default_factory=list)
    syslog: list[Line] = field(default_factory=list)
    records_after: list[dict[str, Any]] = field(default_factory=list)
    qemu_stderr: str = ""
    notes: list[str] = field(default_factory=list)

    # ---- what the host saw in Route 53
    def is_ours(self, record: dict[str, Any]) -> bool:
        return record.get("SetIdentifier") == self.instance["instance_id"]

    def address_record(self, sample: Sample) -> dict[str, Any] | None:
        return next((r for r in sample.records if self.is_ours(r) and r["Type"] == "A"), None)

    def mark(self, sample: Sample) -> dict[str, Any] | None:
        return next((r for r in sample.records if self.is_ours(r) and r["Type"] == "TXT"), None)

    def first_present(self) -> Sample | None:
        return next((s for s in self.samples if self.address_record(s) and self.mark(s)), None)

    def first_gone(self) -> Sample | None:
        """The first sample after the shutdown command with neither the record nor the mark."""
        return next((s for s in self.samples if s.at >= self.t_command
                     and not any(self.is_ours(r) for r in s.records)), None)

    def heartbeats(self) -> list[int]:
        beats = []
        for sample in self.samples:
            mark = self.mark(sample)
            words = mark_words(mark) if mark else {}
            if words.get("heartbeat", "").isdigit() and int(words["heartbeat"]) not in beats:
                beats.append(int(words["heartbeat"]))
        return beats

    # ---- what the guest logged
    def console_line(self, pattern: str, after: float = 0.0) -> Line | None:
        regex = re.compile(pattern)
        return next((line for line in self.console if line.at >= after and regex.search(line.text)), None)

    def timeout_stop_sec(self) -> int:
        """r53hook.service's TimeoutStopSec as installed; the init script has no timeout of its
        own, so a SysV shutdown is held to the unit's figure as well."""
        found = re.search(r"^TimeoutStopSec=(\d+)$", self.setup_output, re.M)
        if found is None:
            raise BootError(f"no TimeoutStopSec= in the installed r53hook.service:\n{self.setup_output}")
        return int(found.group(1))


def mark_words(record: dict[str, Any]) -> dict[str, str]:
    value = record["ResourceRecords"][0]["Value"].strip('"')
    return dict(word.split("=", 1) for word in value.split()[1:] if "=" in word)


def read_journal(image: Path, work: Path) -> list[dict[str, Any]]:
    """The guest's persistent journal, copied out of the disk image (debugfs: no mount needed)."""
    out = work / "journal"
    out.mkdir()
    sh(["debugfs", "-R", f"rdump /var/log/journal {out}", str(image)])
    done = sh(["journalctl", "--directory", str(out / "journal"), "-o", "json", "--no-pager"], timeout=120)
    entries = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    for entry in entries:
        if isinstance(entry.get("MESSAGE"), list):  # journalctl gives non-UTF-8 messages as bytes
            entry["MESSAGE"] = bytes(entry["MESSAGE"]).decode(errors="replace")
    entries.sort(key=lambda e: int(e["__MONOTONIC_TIMESTAMP"]) if e.get("_BOOT_ID") else 0)
    return entries


SYSLOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)) (.*)$")


def read_syslog(image: Path, work: Path) -> list[Line]:
    """The guest's /var/log/syslog (rsyslog, RFC 3339 times), each line's time turned into the
    host's monotonic clock: the guest's clock is the host's (qemu's RTC, base=utc) for the few
    minutes a boot lasts."""
    out = work / "syslog"
    sh(["debugfs", "-R", f"dump /var/log/syslog {out}", str(image)])
    offset = time.time() - time.monotonic()
    lines = []
    for text in out.read_text(errors="replace").splitlines():
        found = SYSLOG_TIME.match(text)
        if found:
            stamp = datetime.fromisoformat(found.group(1).replace("Z", "+00:00")).timestamp()
            lines.append(Line(stamp - offset, found.group(2)))
    return lines


def default_deb(work: Path) -> Path:
    env = dict(os.environ)
    if not env.get("R53HOOK_BINARY") and env.get("R53HOOK_RELEASE_BINARY"):
        env["R53HOOK_BINARY"] = env["R53HOOK_RELEASE_BINARY"]
    built = subprocess.run([str(ROOT / "scripts" / "package"), "deb", "--out", str(work / "deb")],
                           capture_output=True, text=True, timeout=1800, env=env)
    if built.returncode != 0:
        raise BootError(f"scripts/package deb failed ({built.returncode}):\n{built.stderr[-3000:]}")
    return Path(built.stdout.strip())


def boot(init: str, *, heartbeat: bool = False, accel: str = "auto", deb: Path | None = None,
         keep: Path | None = None) -> BootRun:
    """One boot and shutdown of a guest with r53hook enabled, observed from the host."""
    if init not in INIT_PACKAGES:
        raise BootError(f"init must be systemd or sysv, not {init!r}")
    if heartbeat and init != "systemd":
        raise BootError("--heartbeat needs systemd: the heartbeat timer is a systemd timer")
    if not shutil.which("qemu-system-x86_64", path=PATH):
        raise QemuUnavailable("qemu-system-x86_64 is not installed (scripts/setup installs qemu-system-x86)")
    work = Path(tempfile.mkdtemp(prefix=f"boot-test-{init}-", dir=str(keep) if keep else None))
    try:
        return _boot(init, heartbeat, accel, deb, work)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"boot-test: the run's files are in {work}", file=sys.stderr)


def _boot(init: str, heartbeat: bool, accel: str, deb: Path | None, work: Path) -> BootRun:
    base = base_root(init)
    kernel, initrd = kernel_and_initrd(base)
    deb = deb or default_deb(work)
    with LocalAWSProcess(insync_delay=INSYNC_DELAY, log_path=work / "localaws.log") as local:
        instance = local.control("POST", "/instances", {})
        r53 = boto3.client("route53", endpoint_url=local.endpoint, region_name="us-east-1",
                           aws_access_key_id=local.admin["access_key_id"],
                           aws_secret_access_key=local.admin["secret_access_key"],
                           config=Config(retries={"total_max_attempts": 10, "mode": "standard"}))
        zone_id = r53.create_hosted_zone(Name=ZONE, CallerReference=f"boot-test-{time.time()}")["HostedZone"]["Id"]
        aws_port = int(local.endpoint.rsplit(":", 1)[1])
        imds_port = int(instance["imds_endpoint"].rsplit(":", 1)[1].rstrip("/"))
        image, setup_output = build_image(init, base, deb, work, aws_port, imds_port, heartbeat)

        choices = [accel] if accel != "auto" else (["kvm", "tcg"] if kvm_opens() else ["tcg"])
        run: BootRun | None = None
        previous_failure = ""
        for index, choice in enumerate(choices):
            run = BootRun(init, heartbeat, choice, instance, setup_output)
            if index > 0:
                run.notes.append(f"KVM could not run the guest, so software emulation (tcg) ran it: "
                                 f"{previous_failure}")
            try:
                _run_guest(run, kernel, initrd, image, work, r53, zone_id.split("/")[-1])
                break
            except KvmRefused as refused:
                if index == len(choices) - 1:
                    raise BootError(f"KVM could not run the guest: {refused} (try --accel tcg)") from None
                previous_failure = str(refused)
                # The refused attempt wrote nothing; boot the same image again.
                continue
        assert run is not None
        if init == "systemd" and run.exit_code == 0:
            run.journal = read_journal(image, work)
        if init == "sysv" and run.exit_code == 0:
            run.syslog = read_syslog(image, work)
        return run


class KvmRefused(BootError):
    """KVM opened but could not run this guest (nested or emulated KVM often cannot)."""


def _run_guest(run: BootRun, kernel: Path, initrd: Path, image: Path, work: Path, r53: Any, zone_id: str) -> None:
    control_path = work / f"control-{run.accel}.sock"
    stderr_path = work / f"qemu-{run.accel}.stderr"
    argv = qemu_argv(run.accel, kernel, initrd, image, control_path, run.init)
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
    run.t_start = time.monotonic()
    console = Console(proc.stdout, work / f"console-{run.accel}.log")
    control = ControlPort(control_path)
    watch: RecordWatch | None = None
    try:
        connected = control.connect(run.t_start + 30, proc)
        if run.accel == "kvm":
            _check_kvm_runs(proc, console, stderr_path)
        if not connected:
            raise BootError(f"qemu exited {proc.wait()} at once:\n{stderr_path.read_text()[-2000:]}")
        watch = RecordWatch(r53, zone_id)

        def alive(what: str) -> None:
            if proc.poll() is not None:
                raise BootError(f"the guest stopped while {what} (qemu exit {proc.returncode}):\n"
                                f"{console.tail()}\n{stderr_path.read_text()[-2000:]}")

        # The boot: the agent says ready (end of the boot) and the record is in Route 53.
        while True:
            alive("booting")
            ready = control.said("ready")
            latest = watch.latest()
            if ready and latest and run.address_record(latest) and run.mark(latest):
                run.t_ready = max(ready.at, latest.at)
                break
            failed = console.first(r"Failed to start r53hook\.service|r53hook: start failed")
            if failed is not None:
                raise BootError(f"r53hook's start failed during the boot:\n{console.tail()}")
            if time.monotonic() - run.t_start > BOOT_TIMEOUT:
                raise BootError(f"no record and ready guest {BOOT_TIMEOUT:g} s after the start:\n"
                                f"{console.tail()}")
            time.sleep(0.2)
        if run.heartbeat:
            while not run_heartbeats(run, watch):
                alive("waiting for a heartbeat")
                if time.monotonic() - run.t_ready > HEARTBEAT_TIMEOUT:
                    raise BootError(f"no heartbeat in the mark {HEARTBEAT_TIMEOUT:g} s after the join:\n"
                                    f"{console.tail()}")
                time.sleep(0.5)

        run.t_command = time.monotonic()
        control.send(COMMANDS[run.init])
        limit = run.timeout_stop_sec() + 120
        while (code := proc.poll()) is None:
            # A halted guest stops without powering off, and qemu keeps running: the halt is its end.
            halted = console.first(r"reboot: System halted", run.t_command)
            if halted is not None:
                run.t_off, run.exit_code = halted.at, 0
                break
            if time.monotonic() - run.t_command > limit:
                raise BootError(f"the guest was still running {limit} s after {COMMANDS[run.init]}:\n"
                                f"{console.tail()}")
            time.sleep(0.1)
        else:
            run.t_off, run.exit_code = time.monotonic(), code
        # One more look, now that the guest is off.
        time.sleep(POLL_INTERVAL * 2)
    finally:
        if watch is not None:
            watch.stop()
            run.samples, run.poll_errors = watch.samples, watch.errors
            with contextlib.suppress(Exception):
                run.records_after = [r for r in watch.records() if run.is_ours(r)]
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        control.close()
        console.close()
        run.console = console.snapshot()
        run.qemu_stderr = stderr_path.read_text()


def run_heartbeats(run: BootRun, watch: RecordWatch) -> bool:
    run.samples = list(watch.samples)
    return bool(run.heartbeats())


def _check_kvm_runs(proc: subprocess.Popen[bytes], console: Console, stderr_path: Path) -> None:
    """KVM that opens may still refuse the guest at once: qemu aborts, or stops on "KVM internal
    error" (an emulated or nested KVM that cannot emulate an instruction). Then the caller tries
    software emulation. A guest that printed on its console is running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        errors = stderr_path.read_text()
        if proc.poll() is not None or "KVM internal error" in errors or "kvm_" in errors:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            first = next((line for line in errors.splitlines() if line.strip()), f"exit {proc.returncode}")
            raise KvmRefused(first.strip())
        if any(line.text.strip() for line in console.snapshot()):
            return
        time.sleep(0.2)


# ---- the checks ----------------------------------------------------------------------------------

def journal_events(run: BootRun) -> dict[str, dict[str, Any] | None]:
    """The journal entries the systemd checks compare, by name (None when missing)."""
    entries = run.journal

    def pid1(unit: str, message_id: str, job: str | None = None) -> dict[str, Any] | None:
        return next((e for e in entries if e.get("UNIT") == unit and e.get("MESSAGE_ID") == message_id
                     and (job is None or e.get("JOB_TYPE") == job)), None)

    stopping = pid1("r53hook.service", UNIT_STOPPING)
    after_stop = [e for e in entries if stopping and mono(e) >= mono(stopping)]

    def ours(pattern: str, unit: str = "r53hook.service",
             among: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
        regex = re.compile(pattern)
        return next((e for e in (among if among is not None else entries)
                     if e.get("_SYSTEMD_UNIT") == unit and regex.search(str(e.get("MESSAGE", "")))), None)

    return {
        "r53hook started": pid1("r53hook.service", UNIT_STARTED, "start"),
        "multi-user reached": pid1("multi-user.target", UNIT_STARTED, "start"),
        "r53hook stopping": stopping,
        "stop INSYNC": ours(r"\bINSYNC\b", among=after_stop),
        "drain begins": ours(r"draining for \d+ s", among=after_stop),
        "drain complete": ours(r"drain complete", among=after_stop),
        "r53hook stopped": pid1("r53hook.service", UNIT_STOPPED),
        "network-online stopped": pid1("network-online.target", UNIT_STOPPED),
        "networking stopped": pid1("networking.service", UNIT_STOPPED),
        "heartbeat ran": ours(r".", unit="r53hook-heartbeat.service"),
        "heartbeat timer stopped": pid1("r53hook-heartbeat.timer", UNIT_STOPPED),
    }


def mono(entry: dict[str, Any]) -> int:
    """An entry's monotonic time in microseconds since the guest's boot."""
    return int(entry["__MONOTONIC_TIMESTAMP"])


def sysv_events(run: BootRun) -> dict[str, Line | None]:
    """The lines the SysV checks compare, by name (None when missing): r53hook's from the syslog
    (the guest's times, line by line), the network's from the console (in order, but in bursts)."""
    after = run.t_command

    def logged(pattern: str, since: float = 0.0) -> Line | None:
        regex = re.compile(pattern)
        return next((line for line in run.syslog if line.at >= since and regex.search(line.text)), None)

    stop_begins = logged(r" r53hook: deleted ", after - 5) or logged(r" r53hook: deleted ")
    since = stop_begins.at if stop_begins else after
    return {
        "r53hook started": logged(r" r53hook: start: done"),
        "r53hook deletes": stop_begins,
        "stop INSYNC": logged(r" r53hook: change \S+ is INSYNC", since),
        "drain begins": logged(r" r53hook: draining for \d+ s", since),
        "drain complete": logged(r" r53hook: drain complete", since),
        "r53hook stopped": logged(r" r53hook: stop: done", since),
    }


def sysv_console_events(run: BootRun) -> dict[str, Line | None]:
    """The shutdown as the console shows it, in the order it happened."""
    after = run.t_command
    return {
        "r53hook stopped": run.console_line(r"r53hook: stop: done", after),
        "forwarders stopped": run.console_line(r"boot-test-forward: stopped", after),
        "networking stopped": run.console_line(r"Deconfiguring network interfaces", after),
    }


def rc_order(run: BootRun, level: str) -> list[str]:
    """The rc links of a runlevel, as update-rc.d and insserv made them in the image."""
    found = re.search(rf"^{level}: (.*)$", run.setup_output, re.M)
    return found.group(1).split() if found else []


def problems(run: BootRun) -> list[str]:
    """Every check that failed, in words; empty when the boot did what r53hook promises."""
    out: list[str] = []
    present, gone = run.first_present(), run.first_gone()
    if present is None:
        out.append("the record and its mark never appeared in Route 53 during the boot")
    elif present.at > run.t_command:
        out.append("the record appeared only after the shutdown command")
    if present is not None:
        record = run.address_record(present) or {}
        want = {"Name": NAME + ".", "Type": "A", "TTL": TTL, "Weight": 10,
                "ResourceRecords": [{"Value": run.instance["public_ipv4"]}]}
        wrong = {k: record.get(k) for k, v in want.items() if record.get(k) != v}
        if wrong:
            out.append(f"the record during the boot was not the instance's weighted A record: {wrong}")
    if gone is None:
        out.append("the record or its mark was still in Route 53 after the shutdown")
    elif run.t_off and gone.at > run.t_off + POLL_INTERVAL * 2:
        out.append("the record left only after the guest was off")
    if run.records_after:
        out.append(f"records of the instance left behind: {run.records_after}")
    if run.exit_code != 0:
        out.append(f"qemu exited {run.exit_code} (0 = the guest powered off or halted)")
    limit = run.timeout_stop_sec()
    if run.t_off and run.t_off - run.t_command > limit:
        out.append(f"power-off came {run.t_off - run.t_command:.0f} s after the command, past TimeoutStopSec={limit}")
    if run.init == "systemd":
        out += systemd_problems(run)
    else:
        out += sysv_problems(run)
    if run.heartbeat:
        beats = run.heartbeats()
        if not beats:
            out.append("no heartbeat appeared in the registry mark")
        if journal_events(run)["heartbeat ran"] is None:
            out.append("the journal has no run of r53hook-heartbeat.service")
    return out


def ordered(out: list[str], names: list[str], events: dict[str, Any], when: Any) -> None:
    """Appends to out unless every named event is there and they happened in this order."""
    missing = [name for name in names if events.get(name) is None]
    if missing:
        out.append(f"missing from the guest's log: {', '.join(missing)}")
        return
    times = [when(events[name]) for name in names]
    for (a, ta), (b, tb) in zip(zip(names, times), zip(names[1:], times[1:])):
        if ta > tb:
            out.append(f"'{a}' came after '{b}'")


def systemd_problems(run: BootRun) -> list[str]:
    out: list[str] = []
    if not run.journal:
        return ["the guest's journal could not be read"]
    events = journal_events(run)
    ordered(out, ["r53hook started", "multi-user reached"], events, mono)
    ordered(out, ["r53hook stopping", "stop INSYNC", "drain begins", "drain complete", "r53hook stopped",
                  "network-online stopped", "networking stopped"], events, mono)
    if run.heartbeat:
        ordered(out, ["heartbeat timer stopped", "r53hook stopping"], events, mono)
    begins, complete = events["drain begins"], events["drain complete"]
    if begins and complete:
        drained = (mono(complete) - mono(begins)) / 1e6
        if drained < TTL + DRAIN_EXTRA - 0.5:
            out.append(f"the drain took {drained:.1f} s, less than TTL {TTL} + {DRAIN_EXTRA} s")
        if f"draining for {TTL + DRAIN_EXTRA} s (TTL {TTL} s + {DRAIN_EXTRA} s extra)" not in begins["MESSAGE"]:
            out.append(f"unexpected drain: {begins['MESSAGE']}")
    timeouts = [e["MESSAGE"] for e in run.journal if re.search(r"timed out|Killing process", str(e.get("MESSAGE")))
                and "r53hook" in str(e.get("UNIT", "")) + str(e.get("_SYSTEMD_UNIT", ""))]
    if timeouts:
        out.append(f"systemd cut r53hook short: {timeouts}")
    return out


def sysv_problems(run: BootRun) -> list[str]:
    out: list[str] = []
    if not run.syslog:
        return ["the guest's syslog could not be read"]
    events = sysv_events(run)
    if events["r53hook started"] is None or events["r53hook started"].at > run.t_ready:
        out.append("the syslog shows no 'start: done' from the init script during the boot")
    ordered(out, ["r53hook deletes", "stop INSYNC", "drain begins", "drain complete", "r53hook stopped"], events,
            lambda line: line.at)
    # The network goes after r53hook's stop: the console keeps the order of the scripts' output.
    console = sysv_console_events(run)
    ordered(out, ["r53hook stopped", "forwarders stopped"], console, lambda line: line.at)
    ordered(out, ["r53hook stopped", "networking stopped"], console, lambda line: line.at)
    begins, complete = events["drain begins"], events["drain complete"]
    # Syslog times may be whole seconds.
    if begins and complete and complete.at - begins.at < TTL + DRAIN_EXTRA - 1.0:
        out.append(f"the drain took {complete.at - begins.at:.1f} s, less than TTL {TTL} + {DRAIN_EXTRA} s")
    if begins and f"draining for {TTL + DRAIN_EXTRA} s (TTL {TTL} s + {DRAIN_EXTRA} s extra)" not in begins.text:
        out.append(f"unexpected drain: {begins.text}")
    # update-rc.d enable gave r53hook S links where it starts; the network comes up in rcS, before
    # any runlevel; insserv put r53hook's K link before networking's (Required-Stop: $network).
    if not any(link.startswith("S") and link.endswith("networking") for link in rc_order(run, "rcS")):
        out.append(f"/etc/rcS.d has no S link for networking: {rc_order(run, 'rcS')}")
    if not any(re.fullmatch(r"S\d\dr53hook", link) for link in rc_order(run, "rc2")):
        out.append(f"/etc/rc2.d has no S link for r53hook (update-rc.d enable): {rc_order(run, 'rc2')}")
    for level in ("rc0", "rc6"):
        links = {link[3:]: int(link[1:3]) for link in rc_order(run, level) if re.fullmatch(r"K\d\d\S+", link)}
        if "r53hook" not in links or "networking" not in links:
            out.append(f"/etc/{level}.d lacks K links for r53hook and networking: {rc_order(run, level)}")
        elif links["r53hook"] >= links["networking"]:
            out.append(f"/etc/{level}.d stops r53hook (K{links['r53hook']:02d}) not before networking "
                       f"(K{links['networking']:02d})")
    return out


# ---- the timeline ----------------------------------------------------------------------------------

def timeline(run: BootRun) -> list[tuple[str, float | None]]:
    """(event, host seconds since qemu started) for the report; None when it did not happen."""
    def rel(at: float | None) -> float | None:
        return None if at is None else at - run.t_start

    present, gone = run.first_present(), run.first_gone()
    where = "guest console"
    if run.init == "systemd":
        started = run.console_line(r"Finished r53hook\.service|Started r53hook\.service")
        drain = run.console_line(r"r53hook\[\d+\]: .*drain complete", run.t_command)
        network = run.console_line(r"Stopped target network-online\.target", run.t_command)
        network_name = "network-online.target stopped"
    else:
        events, console = sysv_events(run), sysv_console_events(run)
        started, drain, network = events["r53hook started"], events["drain complete"], console["forwarders stopped"]
        network_name = "networking takes eth0 down"
        where = "guest syslog"
    rows = [
        (f"r53hook start done ({where})", rel(started.at if started else None)),
        ("record present (host, Route 53)", rel(present.at if present else None)),
        ("guest booted, agent ready", rel(run.t_ready)),
        (f"{COMMANDS[run.init]} sent", rel(run.t_command)),
        ("record gone (host, Route 53)", rel(gone.at if gone else None)),
        (f"drain complete ({where})", rel(drain.at if drain else None)),
        (f"{network_name} (guest console)", rel(network.at if network else None)),
        ("halted" if run.init == "sysv" else "powered off (qemu exited)", rel(run.t_off if run.t_off else None)),
    ]
    return sorted(rows, key=lambda row: float("inf") if row[1] is None else row[1])


def report(run: BootRun) -> str:
    lines = [f"boot-test {run.init}{' --heartbeat' if run.heartbeat else ''}: accel {run.accel}, "
             f"TTL {TTL} s + drain extra {DRAIN_EXTRA} s, INSYNC after {INSYNC_DELAY:g} s"]
    lines += [f"  note: {note}" for note in run.notes]
    command_at = run.t_command - run.t_start
    for name, at in timeline(run):
        if at is None:
            lines.append(f"  {'-':>7}    {name}: not seen")
        elif at >= command_at and run.t_command:
            lines.append(f"  {at:7.1f} s  {name}  ({COMMANDS[run.init]} +{at - command_at:.1f} s)")
        else:
            lines.append(f"  {at:7.1f} s  {name}")
    if run.heartbeat:
        lines.append(f"  heartbeats seen in the mark: {run.heartbeats()}")
    if run.poll_errors:
        lines.append(f"  polls that failed: {len(run.poll_errors)} (first: {run.poll_errors[0]})")
    return "\n".join(lines)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/boot-test", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("init", choices=sorted(INIT_PACKAGES))
    parser.add_argument("--heartbeat", action="store_true")
    parser.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto")
    parser.add_argument("--deb", type=Path)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    try:
        run = boot(args.init, heartbeat=args.heartbeat, accel=args.accel, deb=args.deb, keep=args.keep)
    except QemuUnavailable as exc:
        print(f"boot-test: {exc}", file=sys.stderr)
        return 69
    except BootError as exc:
        print(f"boot-test: {exc}", file=sys.stderr)
        return 1
    print(report(run))
    found = problems(run)
    for problem in found:
        print(f"  FAIL: {problem}")
    print("boot-test: PASS" if not found else f"boot-test: {len(found)} problem(s)")
    return 0 if not found else 1


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
