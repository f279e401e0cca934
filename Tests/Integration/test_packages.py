"""The .deb and the .rpm that scripts/package builds from the release binary: linted, read, and
the .deb installed for real with apt in Debian 13 (trixie), upgraded, removed and purged.

scripts/test runs this file in its release step, with R53HOOK_RELEASE_BINARY set to the
stripped binary scripts/build-release made; the packages are built here from it. Run alone:
  R53HOOK_RELEASE_BINARY=$(scripts/build-release --strip) python3 -m pytest Tests/Integration/test_packages.py
apt runs in an overlay of the chroot that scripts/make-chroot keeps (its own mount namespace,
unshare -m), so the cached chroot is never changed; apt-get update and the one dependency it
must fetch (libxml2, removed from the overlay first) come from Debian's archive.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import REPO

RELEASE = os.environ.get("R53HOOK_RELEASE_BINARY", "")
UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
CHROOT = shutil.which("chroot", path="/usr/sbin:/sbin:/usr/bin:/bin") or "/usr/sbin/chroot"
PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
UNITS = ["r53hook.service", "r53hook-heartbeat.service", "r53hook-heartbeat.timer",
         "r53hook-sweep.service", "r53hook-sweep.timer", "r53hook-watch.service"]

pytestmark = pytest.mark.skipif(
    not RELEASE, reason="needs R53HOOK_RELEASE_BINARY (scripts/test sets it in its release step)")


def run(argv: list[str], timeout: float = 120, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env={"PATH": PATH, "LC_ALL": "C.UTF-8", "HOME": "/root"}, **kwargs)


def package(fmt: str, out: Path, release: int = 1) -> Path:
    built = subprocess.run([str(REPO / "scripts" / "package"), fmt, "--release", str(release), "--out", str(out)],
                           capture_output=True, text=True, timeout=300, env={**os.environ, "R53HOOK_BINARY": RELEASE})
    assert built.returncode == 0, f"scripts/package {fmt} failed ({built.returncode}):\n{built.stderr[-4000:]}"
    path = Path(built.stdout.strip())
    assert path.is_file() and path.parent == out, built.stdout
    return path


@pytest.fixture(scope="module")
def debs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("debs")
    return package("deb", out, 1), package("deb", out, 2)


@pytest.fixture(scope="module")
def rpm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package("rpm", tmp_path_factory.mktemp("rpm"))


def test_deb_declares_its_libraries_and_conffiles(debs: tuple[Path, Path]):
    deb = debs[0]
    assert re.fullmatch(r"r53hook_\d+\.\d+\.\d+-1_(amd64|arm64)\.deb", deb.name), deb.name
    depends = run(["dpkg-deb", "--field", str(deb), "Depends"]).stdout.strip()
    for wanted in ("libc6 (>= 2.34)", "libssl3 (>= 3.0.0) | libssl3t64", "libxml2 (>= 2.9)"):
        assert wanted in depends, depends
    conffiles = run(["dpkg-deb", "--info", str(deb), "conffiles"]).stdout.split()
    assert conffiles == ["/etc/default/r53hook", "/etc/init.d/r53hook", "/etc/init.d/r53hook-watch"], conffiles
    listing = run(["dpkg-deb", "--contents", str(deb)]).stdout
    files = {line.split()[-1].lstrip("."): line.split()[0] for line in listing.splitlines()}
    assert files["/usr/bin/r53hook"] == "-rwxr-xr-x"
    assert files["/etc/default/r53hook"] == "-rw-------", "the config may hold AWS keys"
    assert files["/etc/init.d/r53hook"] == "-rwxr-xr-x"
    for unit in UNITS:
        assert f"/lib/systemd/system/{unit}" in files
    for path in ("/usr/share/man/man1/r53hook.1.gz", "/usr/share/bash-completion/completions/r53hook",
                 "/usr/share/zsh/vendor-completions/_r53hook", "/usr/share/fish/vendor_completions.d/r53hook.fish",
                 "/usr/share/doc/r53hook/iam-policy.json", "/usr/share/doc/r53hook/iam-policy-elb.json",
                 "/usr/share/doc/r53hook/examples/myapp.service.d/r53hook.conf", "/usr/share/doc/r53hook/copyright"):
        assert path in files, path
    assert not [path for path in files if path.startswith("/usr/local")]


def test_lintian_is_clean_and_every_override_explained(debs: tuple[Path, Path]):
    linted = run(["lintian", "--fail-on", "error,warning,info", "--display-info", "--tag-display-limit", "0",
                  str(debs[0])], timeout=300)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert not [line for line in linted.stdout.splitlines() if line[:2] in ("E:", "W:", "I:")], linted.stdout
    explained_overrides(REPO / "packaging" / "debian" / "lintian-overrides")


def test_rpmlint_is_clean_and_every_filter_explained(rpm: Path):
    config = REPO / "packaging" / "rpmlint.toml"
    linted = run(["rpmlint", "--config", str(config), str(rpm)], timeout=300)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert " 0 errors, 0 warnings" in linted.stdout, linted.stdout
    explained_overrides(config)


def explained_overrides(path: Path) -> None:
    """Every lintian override, rpmlint filter or setting follows a comment that says why."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    for number, line in enumerate(lines):
        if line and not line.startswith("#") and line not in ("Filters = [", "]"):
            assert number > 0 and lines[number - 1].startswith("#"), f"{path.name}:{number + 1} unexplained: {line}"


def test_rpm_requires_sonames_and_lists_its_files(rpm: Path):
    assert re.fullmatch(r"r53hook-\d+\.\d+\.\d+-1\.(x86_64|aarch64)\.rpm", rpm.name), rpm.name
    requires = run(["rpm", "-qp", "--requires", str(rpm)]).stdout.splitlines()
    for soname in ("libssl.so.3", "libcrypto.so.3", "libxml2.so.2", "libc.so.6(GLIBC_2.34)"):
        assert any(line.startswith(soname) for line in requires), requires
    # libcurl is linked in (scripts/build-curl): no libcurl package, no Debian-only symbol version;
    # OpenSSL's symbols at the 3.0 version that RHEL 9 and Amazon Linux 2023 have.
    assert not [line for line in requires if "libcurl" in line or "CURL_OPENSSL" in line], requires
    assert not [line for line in requires if "OPENSSL_3." in line and "OPENSSL_3.0.0" not in line], requires
    # Nothing above glibc 2.34 (Amazon Linux 2023, RHEL 9).
    too_new = [line for line in requires if (m := re.search(r"GLIBC_2\.(\d+)", line)) and int(m.group(1)) > 34]
    assert not too_new, too_new

    files = set(run(["rpm", "-qp", "--list", str(rpm)]).stdout.split())
    for unit in UNITS:
        assert f"/usr/lib/systemd/system/{unit}" in files
    for path in ("/usr/bin/r53hook", "/etc/rc.d/init.d/r53hook", "/etc/sysconfig/r53hook", "/etc/r53hook",
                 "/usr/share/man/man1/r53hook.1.gz", "/usr/share/bash-completion/completions/r53hook",
                 "/usr/share/zsh/site-functions/_r53hook", "/usr/share/fish/vendor_completions.d/r53hook.fish",
                 "/usr/share/doc/r53hook/iam-policy.json"):
        assert path in files, path
    assert run(["rpm", "-qp", "--configfiles", str(rpm)]).stdout.split() == ["/etc/sysconfig/r53hook"]
    flags = run(["rpm", "-qp", "--qf", "[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILENAMES}\n]", str(rpm)]).stdout
    assert re.search(r"^cn -rw------- /etc/sysconfig/r53hook$", flags, re.M), flags  # %config(noreplace), 0600

    scripts = run(["rpm", "-qp", "--scripts", str(rpm)]).stdout
    assert "chkconfig --add r53hook && chkconfig r53hook off" in scripts
    assert "systemctl daemon-reload" in scripts
    assert not re.search(r"systemctl (--\S+ )*(enable|start|restart|try-restart)", scripts), scripts


class Overlay:
    """The cached trixie chroot under a writable overlay: every command mounts it afresh in its own
    mount namespace, and what apt writes lands in the upper directory, thrown away at the end."""

    def __init__(self, lower: Path, scratch: Path):
        self.lower, self.upper, self.work, self.merged = lower, scratch / "upper", scratch / "work", scratch / "merged"
        for directory in (self.upper, self.work, self.merged):
            directory.mkdir()

    def sh(self, script: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        mount = (f"mount -t overlay overlay -o lowerdir={self.lower},upperdir={self.upper},workdir={self.work} "
                 f"{self.merged} && mount -t proc proc {self.merged}/proc && "
                 f'exec {CHROOT} {self.merged} /bin/sh -ec "$1"')
        return run([UNSHARE, "--mount", "--propagation", "private", "/bin/sh", "-c", mount, "sh",
                    "export DEBIAN_FRONTEND=noninteractive\n" + script], timeout=timeout)

    def ok(self, script: str, timeout: float = 300) -> str:
        done = self.sh(script, timeout)
        assert done.returncode == 0, \
            f"{script}\n--- exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout


@pytest.fixture(scope="module")
def trixie(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Overlay]:
    made = subprocess.run([str(REPO / "scripts" / "make-chroot")], capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, f"scripts/make-chroot failed ({made.returncode}):\n{made.stderr[-4000:]}"
    scratch = tmp_path_factory.mktemp("trixie-overlay")
    yield Overlay(Path(made.stdout.strip()), scratch)
    shutil.rmtree(scratch, ignore_errors=True)


def test_deb_installs_with_apt_upgrades_keeping_the_config_then_removes_and_purges(
        debs: tuple[Path, Path], trixie: Overlay):
    inbox = trixie.upper / "root"
    inbox.mkdir(exist_ok=True)
    for deb in debs:
        shutil.copy2(deb, inbox / deb.name)
    first, second = (f"/root/{deb.name}" for deb in debs)

    # libxml2 and the cached .debs leave the overlay, so apt must resolve and fetch it from
    # Debian's archive.
    trixie.ok("dpkg --purge libxml2 >/dev/null && apt-get clean && apt-get update -qq")
    installed = trixie.ok(f"apt-get install -y --no-install-recommends {first}")
    assert re.search(r"^Get:\S* .* libxml2 ", installed, re.M), installed
    trixie.ok("r53hook --version | grep -q '(commit '; man_ok=$(zcat /usr/share/man/man1/r53hook.1.gz | grep -c '^.SH')"
              "; test \"$man_ok\" -ge 4")
    for unit in UNITS:
        trixie.ok(f"test -f /lib/systemd/system/{unit}; ! grep -n /usr/local /lib/systemd/system/{unit}")
    trixie.ok("grep -q '^ExecStart=/usr/bin/r53hook start$' /lib/systemd/system/r53hook.service"
              "; grep -q '^R53HOOK_BIN=${R53HOOK_BIN:-/usr/bin/r53hook}$' /etc/init.d/r53hook")
    # Nothing enabled or started: no unit in a .wants directory, no S link, no r53hook process.
    state = trixie.ok("ls /etc/systemd/system/*.wants/ 2>/dev/null | grep r53hook || true"
                      "; ls /etc/rc?.d/ | grep r53hook || true"
                      "; for p in /proc/[0-9]*; do [ \"$(readlink $p/exe)\" = /usr/bin/r53hook ] && echo running $p"
                      "; done; true")
    assert "running" not in state and not re.search(r"^S\d\dr53hook", state, re.M), state
    assert re.search(r"^K\d\dr53hook", state, re.M), f"registered with update-rc.d defaults-disabled:\n{state}"
    status = trixie.ok("dpkg-query -W -f='${Conffiles}\\n' r53hook; stat -c '%a %U' /etc/default/r53hook")
    assert "/etc/default/r53hook " in status and "/etc/init.d/r53hook " in status, status
    assert status.strip().endswith("600 root"), status

    # An edited config survives an upgrade (dpkg keeps a changed conffile the package did not change).
    trixie.ok("echo R53HOOK_NAME=app.example.com >> /etc/default/r53hook")
    upgraded = trixie.ok(f"apt-get install -y --no-install-recommends {second}"
                         "; dpkg-query -W -f='${Version}\\n' r53hook"
                         "; tail -n 1 /etc/default/r53hook; stat -c '%a' /etc/default/r53hook")
    assert upgraded.splitlines()[-3:] == [debs[1].name.split("_")[1], "R53HOOK_NAME=app.example.com", "600"], upgraded

    # remove keeps the conffiles (dpkg state "rc"), purge removes them and the init script's links.
    removed = trixie.ok("apt-get remove -y r53hook >/dev/null; dpkg-query -W -f='${db:Status-Abbrev}\\n' r53hook"
                        "; test ! -e /usr/bin/r53hook; test ! -e /lib/systemd/system/r53hook.service"
                        "; tail -n 1 /etc/default/r53hook")
    assert removed.split() == ["rc", "R53HOOK_NAME=app.example.com"], removed
    trixie.ok("apt-get purge -y r53hook >/dev/null; ! dpkg-query -W r53hook 2>/dev/null"
              "; test ! -e /etc/default/r53hook; test ! -e /etc/init.d/r53hook; test ! -e /etc/r53hook"
              "; ! ls /etc/rc?.d/ | grep r53hook")
