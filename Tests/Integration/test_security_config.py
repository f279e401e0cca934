"""The config file is data, never code (security issue, points 4 and 6).

One file is read three ways: sourced by the init script (as root, at boot), read by systemd's
EnvironmentFile= and by `r53hook --config`. r53hook and the init script accept only the lines
that sh reads as a literal assignment, the grammar in ConfigFile.swift and the README, and
refuse everything else before anything runs: exit 78 for r53hook, 6 for the init script, naming
the file, the line and the key but never the value (it may be a secret). The init script also
refuses a file that anyone but root could have written, and install.sh makes an existing
file root's, mode 0600.

No local AWS is needed: `r53hook start --config FILE --weight 999` exits 78 when the file is
refused and 64 (the bad flag) when it was read, before any request.

Run: python3 -m pytest Tests/Integration/test_security_config.py -q -p no:cacheprovider
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from test_install import run_install

ROOT = Path(__file__).resolve().parents[2]
INIT = ROOT / "init.d" / "r53hook"
SHELLS = [s for s in ("/bin/dash", "/bin/bash") if os.access(s, os.X_OK)]
# What the init script needs: the same few tools as in test_init_script.py, and stat.
TOOLS = ("touch", "rm", "mkdir", "cat", "stat")
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

# The stub binary writes its environment to $STUB_ENV, one KEY=value per line.
STUB = f'#!/bin/sh\n{shutil.which("env")} > "$STUB_ENV"\n'

# Lines both readers must accept, with the value sh gives X (None: no assignment).
ACCEPTED = [
    ("X=plain", "plain"),
    ("X=", ""),
    ("X=a-b_c.d/e:f@g%h+i=j,k", "a-b_c.d/e:f@g%h+i=j,k"),
    ("X='web; touch {marker}'", "web; touch {marker}"),
    ("X='$(touch {marker}) `x` \\ \"'", "$(touch {marker}) `x` \\ \""),
    ("X=\"a b 'c' ; | & < > ( )\"", "a b 'c' ; | & < > ( )"),
    ("  \tX=indented", "indented"),
    ("X=value \t", "value"),
    ("X=value   # comment ; touch {marker}", "value"),
    ("X='quoted' # comment", "quoted"),
    ("export X=exported", "exported"),
    ("# a comment: $(touch {marker}); `touch {marker}`", None),
    ("   # an indented comment", None),
    ("", None),
]

# Lines both must refuse: each would run `touch MARKER`, or read differently in sh and systemd.
REFUSED = [
    "X=web;touch {marker}",
    "X=web touch {marker}",
    "X= touch {marker}",
    "X=$(touch {marker})",
    "X=`touch {marker}`",
    "X=a|touch {marker}",
    "X=a&&touch {marker}",
    "X=a&touch {marker}",
    "X=a>{marker}",
    "X=a<{marker}",
    "X=(touch {marker})",
    "X=\"$(touch {marker})\"",
    "X=\"`touch {marker}`\"",
    "X=\"a\\\\b\"",
    "X='unterminated ; touch {marker}",
    "X=\"unterminated ; touch {marker}",
    "X='a'b",
    "X='a';touch {marker}",
    "X=\"a\"b",
    "X='a'#b",
    "X=a#b",
    "X =value",
    "touch {marker}",
    "; touch {marker}",
    "export X=a;touch {marker}",
    "X=a\\",
    "# a comment that older systemd joins to the next line \\",
    "X=~root",
    "X=a*",
    "X=$HOME",
    "1X=value",
    "X-Y=value",
    "X=caf\u00e9",
    "X=a\x1bb",
    "X='a\x07b'",
]


def config(tmp: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp / "r53hook.conf"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def r53hook(binary: Path, conf: Path, tmp: Path) -> subprocess.CompletedProcess:
    """78 when the file is refused, 64 (from --weight 999) when it was read."""
    return subprocess.run([str(binary), "start", "--config", str(conf), "--weight", "999"],
                          env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=30, cwd=tmp)


def tools(tmp: Path) -> Path:
    folder = tmp / "tools"
    if not folder.exists():
        folder.mkdir()
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, f"{tool} is needed to run these tests"
            (folder / tool).symlink_to(found)
    return folder


def init_script(tmp: Path, conf: Path, shell: str = "/bin/sh", action: str = "start") -> subprocess.CompletedProcess:
    stub = tmp / "stub-r53hook"
    stub.write_text(STUB)
    stub.chmod(0o755)
    env = {
        "PATH": str(tools(tmp)),
        "R53HOOK_BIN": str(stub),
        "R53HOOK_SYSCONFIG": str(conf),
        "R53HOOK_LOCKDIR": str(tmp / "lock"),
        "STUB_ENV": str(tmp / "stub.env"),
    }
    return subprocess.run([shell, str(INIT), action], env=env, capture_output=True, text=True, timeout=30, cwd=tmp)


def stub_env(tmp: Path) -> dict[str, str] | None:
    path = tmp / "stub.env"
    if not path.exists():
        return None
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def systemd_value(line: str) -> tuple[str, str] | None:
    """(key, value) as systemd's EnvironmentFile= reads one line (src/basic/env-file.c, one line
    only), or None when it assigns nothing: comments, no '=', or an invalid name."""
    i, n = 0, len(line)
    while i < n and line[i] in " \t\r":
        i += 1
    if i == n or line[i] in "#;" or "=" not in line[i:]:
        return None
    key, rest = line[i:].split("=", 1)
    key = key.rstrip(" \t\r")
    value, state, trailing = "", "pre", None
    j = 0
    while j < len(rest):
        c = rest[j]
        if state == "pre":
            if c == "'":
                state = "single"
            elif c == '"':
                state = "double"
            elif c == "\\":
                j += 1
                value += rest[j] if j < len(rest) else ""
                state = "value"
            elif c not in " \t\r":
                value += c
                state = "value"
        elif state == "value":
            if c == "\\":
                j += 1
                value += rest[j] if j < len(rest) else ""
                trailing = None
            else:
                if c in " \t\r":
                    trailing = len(value) if trailing is None else trailing
                else:
                    trailing = None
                value += c
        elif state == "single":
            if c == "'":
                state = "pre"
            else:
                value += c
        elif state == "double":
            if c == '"':
                state = "pre"
            elif c == "\\" and j + 1 < len(rest):
                j += 1
                value += rest[j] if rest[j] in '"\\`$' else "\\" + rest[j]
            else:
                value += c
        j += 1
    if state == "value" and trailing is not None:
        value = value[:trailing]
    valid = key and (key[0].isascii() and (key[0].isalpha() or key[0] == "_")) and all(
        ch.isascii() and (ch.isalnum() or ch == "_") for ch in key)
    return (key, value) if valid else None


# ------------------------------------------------------------------------ the grammar


@pytest.mark.parametrize("line, value", ACCEPTED, ids=[repr(line) for line, _ in ACCEPTED])
def test_a_literal_line_is_read_alike_by_r53hook_the_init_script_and_systemd(binary: Path, tmp_path: Path,
                                                                          line: str, value: str | None):
    marker = tmp_path / "marker"
    text = line.format(marker=marker)
    conf = config(tmp_path, "R53HOOK_NAME=www.example.com\n" + text + "\n")
    run = r53hook(binary, conf, tmp_path)
    assert run.returncode == 64, run.stderr
    for shell in SHELLS:
        result = init_script(tmp_path, conf, shell)
        assert result.returncode == 0, (shell, result.stderr)
        seen = stub_env(tmp_path)
        assert seen is not None
        assert seen.get("X") == (value.format(marker=marker) if value is not None else None), shell
    assert not marker.exists()
    # systemd reads the same value, but for the two shell forms kept for existing files:
    # `export` (systemd ignores the line) and a trailing comment (systemd keeps it in the value).
    if value is not None and not text.startswith("export") and "#" not in text:
        assert systemd_value(text) == ("X", value.format(marker=marker))


@pytest.mark.parametrize("line", REFUSED, ids=[repr(line) for line in REFUSED])
def test_a_line_sh_would_not_read_literally_is_refused_by_both_and_never_run(binary: Path, tmp_path: Path,
                                                                         line: str):
    marker = tmp_path / "marker"
    conf = config(tmp_path, "# r53hook\nR53HOOK_NAME=www.example.com\n" + line.format(marker=marker) + "\n")
    run = r53hook(binary, conf, tmp_path)
    assert run.returncode == 78, run.stderr
    assert f"{conf}:3:" in run.stderr
    for shell in SHELLS:
        result = init_script(tmp_path, conf, shell)
        assert result.returncode == 6, (shell, result.stderr)
        assert f"{conf}:3:" in result.stderr, (shell, result.stderr)
        assert stub_env(tmp_path) is None, "the binary must not run"
        assert not marker.exists(), f"{shell} ran a command from the config file"


def test_the_audit_s_example_is_refused_naming_the_key_and_not_run(binary: Path, tmp_path: Path):
    marker = tmp_path / "x"
    conf = config(tmp_path, f"R53HOOK_NAME=www.example.com\nR53HOOK_SET_IDENTIFIER=web;touch {marker}\n")
    run = r53hook(binary, conf, tmp_path)
    assert run.returncode == 78
    assert f"{conf}:2: " in run.stderr and "R53HOOK_SET_IDENTIFIER" in run.stderr
    assert "touch" not in run.stderr
    result = init_script(tmp_path, conf)
    assert result.returncode == 6
    assert "R53HOOK_SET_IDENTIFIER" in result.stderr and "touch" not in result.stderr
    assert not marker.exists()
    assert stub_env(tmp_path) is None


def test_windows_line_endings_are_read_by_r53hook_as_systemd_does_but_refused_by_the_init_script(
        binary: Path, tmp_path: Path):
    # systemd ends a line at the carriage return; sh would keep it in every value.
    conf = config(tmp_path, "R53HOOK_NAME=www.example.com\r\nX=plain\r\n")
    assert r53hook(binary, conf, tmp_path).returncode == 64
    result = init_script(tmp_path, conf)
    assert result.returncode == 6
    assert f"{conf}:1:" in result.stderr and "carriage return" in result.stderr


# ------------------------------------------------------------------------ secrets in errors


@pytest.mark.parametrize("line", [
    f"AWS_SECRET_ACCESS_KEY: {SECRET}",
    SECRET,
    f"AWS_SECRET_ACCESS_KEY={SECRET} # pasted with a space",
    f"AWS_SECRET_ACCESS_KEY={SECRET}x y",
    f"AWS_SECRET_ACCESS_KEY=\"{SECRET}",
    f"AWS_SECRET_ACCESS_KEY='{SECRET}",
    f"AWS_SECRET_ACCESS_KEY={SECRET};",
    f"AWS_SECRET_ACCESS_KEY=\"{SECRET}$\"",
    f"AWS_SECRET_ACCESS_KEY='{SECRET}'x",
    f"export AWS_SECRET_ACCESS_KEY {SECRET}",
])
def test_a_refused_line_is_named_by_number_and_key_never_by_its_value(binary: Path, tmp_path: Path, line: str):
    conf = config(tmp_path, f"R53HOOK_NAME=www.example.com\n{line}\n")
    run = r53hook(binary, conf, tmp_path)
    if line == f"AWS_SECRET_ACCESS_KEY={SECRET} # pasted with a space":
        # A trailing comment is allowed: nothing to report, and the secret stays out of the output.
        assert run.returncode == 64
    else:
        assert run.returncode == 78
        assert f"{conf}:2:" in run.stderr
        if line.startswith("AWS_SECRET_ACCESS_KEY="):
            assert "AWS_SECRET_ACCESS_KEY" in run.stderr
    result = init_script(tmp_path, conf)
    for output in (run.stdout, run.stderr, result.stdout, result.stderr):
        for start in range(0, len(SECRET) - 8):
            assert SECRET[start:start + 8] not in output, output


# ------------------------------------------------------------------------ who may write the file


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o660, 0o666, 0o777])
def test_the_init_script_refuses_a_file_others_could_write_before_reading_it(tmp_path: Path, mode: int):
    marker = tmp_path / "marker"
    conf = config(tmp_path, f"R53HOOK_NAME=www.example.com\nX=plain\n# {marker}\n", mode)
    for shell in SHELLS:
        result = init_script(tmp_path, conf, shell)
        assert result.returncode == 6, (shell, result.stderr)
        assert str(conf) in result.stderr and f"{mode:o}" in result.stderr
        assert "chmod 600" in result.stderr
        assert stub_env(tmp_path) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to another user")
def test_the_init_script_refuses_a_file_not_owned_by_root(tmp_path: Path):
    conf = config(tmp_path, "R53HOOK_NAME=www.example.com\n")
    os.chown(conf, 65534, 0)
    result = init_script(tmp_path, conf)
    assert result.returncode == 6, result.stderr
    assert "owned by uid 65534" in result.stderr and "chown root" in result.stderr
    assert stub_env(tmp_path) is None
    os.chown(conf, 0, 0)
    assert init_script(tmp_path, conf).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the file must be root's")
def test_the_init_script_reads_a_root_file_of_mode_0600_or_0644_and_through_a_symlink(tmp_path: Path):
    for mode in (0o600, 0o640, 0o644, 0o400):
        conf = config(tmp_path, "R53HOOK_NAME=www.example.com\n", mode)
        result = init_script(tmp_path, conf)
        assert result.returncode == 0, (oct(mode), result.stderr)
        assert (stub_env(tmp_path) or {}).get("R53HOOK_NAME") == "www.example.com"
    link = tmp_path / "link.conf"
    link.symlink_to(conf)
    assert init_script(tmp_path, link).returncode == 0


# ------------------------------------------------------------------------ install.sh


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to another user")
def test_install_keeps_an_existing_config_s_content_but_makes_it_root_s_mode_0600(tmp_path: Path):
    dest = tmp_path / "root"
    real = dest / "etc/sysconfig/r53hook"
    real.parent.mkdir(parents=True)
    real.write_text("R53HOOK_ZONE_ID=ZMINE\n")
    real.chmod(0o666)
    os.chown(real, 65534, 65534)
    proc = run_install(tmp_path, dest, "etc/sysconfig")
    assert proc.returncode == 0, proc.stderr
    assert real.read_text() == "R53HOOK_ZONE_ID=ZMINE\n"
    info = real.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert (info.st_uid, info.st_gid) == (0, 0)
    assert "0600  /etc/sysconfig/r53hook (kept" in proc.stdout
