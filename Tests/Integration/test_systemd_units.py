"""The registry's systemd units (r53hook-heartbeat.{service,timer}, r53hook-sweep.{service,timer}),
their installation and IAM permission, read as files, checked with systemd-analyze, and their
commands run for real against the local AWS with the configuration as systemd passes it.

r53hook.service itself and the init script are in test_init_script.py, install.sh's other files
in test_install.py, check-static's own behaviour in test_static_files.py.

Run: python3 -m pytest Tests/Integration/test_systemd_units.py -q
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from harness import NAME, World

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "systemd"
INSTALL = ROOT / "scripts" / "install.sh"
CHECK_STATIC = ROOT / "scripts" / "check-static"
POLICY = ROOT / "etc" / "iam-policy.json"
NEW_UNITS = ("r53hook-heartbeat.service", "r53hook-heartbeat.timer", "r53hook-sweep.service",
             "r53hook-sweep.timer")
BINARY_PATH = "/usr/local/bin/r53hook"
DEFAULT_DEADLINE = 300


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [values in order]}}: systemd keys may repeat (EnvironmentFile=, After=)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in (SYSTEMD / name).read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            current = sections.setdefault(m.group(1), {})
            continue
        assert current is not None, f"{name}: {line!r} outside a section"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def words(values: list[str]) -> list[str]:
    """The space-separated list values of a repeatable dependency key, flattened."""
    return [w for v in values for w in v.split()]


def seconds(value: str) -> float:
    """A systemd time span of the forms used here: 60, 1s, 5min."""
    m = re.fullmatch(r"(\d+)\s*(s|sec|min|m)?", value)
    assert m, f"unexpected time span {value!r}"
    return int(m.group(1)) * (60 if m.group(2) in ("min", "m") else 1)


# --------------------------------------------------------------------- the unit files


@pytest.mark.parametrize("name", ["r53hook.service", "r53hook-watch.service"])
def test_the_joining_units_create_first_at_boot_and_the_files_may_say_otherwise(name: str):
    # systemd.exec: variables from EnvironmentFile= override those set with Environment=.
    service = unit(name)["Service"]
    assert service["Environment"] == ["R53HOOK_CREATE_FIRST=true"]
    assert service["EnvironmentFile"] == ["-/etc/sysconfig/r53hook", "-/etc/default/r53hook"]


def test_heartbeat_service_beats_only_while_r53hook_service_is_active():
    u = unit("r53hook-heartbeat.service")
    assert u["Service"]["Type"] == ["oneshot"]
    assert u["Service"]["ExecStart"] == [f"{BINARY_PATH} heartbeat"]
    # Requisite, never Requires/BindsTo/Wants: a beat must not start r53hook.service (join).
    assert "r53hook.service" in words(u["Unit"]["Requisite"])
    assert "r53hook.service" in words(u["Unit"]["After"])
    assert "r53hook.service" in words(u["Unit"]["PartOf"])
    for key in ("Requires", "BindsTo", "Wants"):
        assert "r53hook.service" not in words(u["Unit"].get(key, [])), key
    assert "RemainAfterExit" not in u["Service"]  # it must be startable again by the timer
    assert "Install" not in u, "the timer starts it; enabling the service itself means nothing"


def test_heartbeat_timer_follows_the_join_every_minute():
    u = unit("r53hook-heartbeat.timer")
    t = u["Timer"]
    assert t["OnActiveSec"] == ["60"] and t["OnUnitActiveSec"] == ["60"]
    assert t["RandomizedDelaySec"] == ["10"]
    assert t["AccuracySec"] == ["1s"]  # the default, 1 min, could double the interval
    assert "OnBootSec" not in t and "OnCalendar" not in t
    assert u["Unit"]["PartOf"] == ["r53hook.service"]
    assert "r53hook.service" in words(u["Unit"]["Requisite"])
    assert "r53hook.service" in words(u["Unit"]["After"])
    # Started by every start of r53hook.service once enabled, not once at boot.
    assert u["Install"]["WantedBy"] == ["r53hook.service"]
    assert "Unit" not in t  # the default: r53hook-heartbeat.service


def test_heartbeat_interval_fits_twice_into_the_binary_default_expiry(binary: Path):
    # members/role/sweep take a member for dead once its heartbeat is older than --expiry;
    # the worst gap between two beats (interval + random delay + accuracy) must leave room
    # for one lost beat.
    help_text = subprocess.run([str(binary), "sweep", "--help"], capture_output=True, text=True).stdout
    m = re.search(r"--expiry <seconds>.*?default:? (\d+)\)", help_text, re.S)
    assert m, help_text
    expiry = int(m.group(1))
    t = unit("r53hook-heartbeat.timer")["Timer"]
    worst_gap = seconds(t["OnUnitActiveSec"][0]) + seconds(t["RandomizedDelaySec"][0]) + seconds(t["AccuracySec"][0])
    assert 2 * seconds(t["OnUnitActiveSec"][0]) <= expiry
    assert worst_gap < expiry / 1.5, (worst_gap, expiry)


def test_sweep_service_needs_the_network_and_keeps_a_refusal_visible():
    u = unit("r53hook-sweep.service")
    assert u["Service"]["Type"] == ["oneshot"]
    assert u["Service"]["ExecStart"] == [f"{BINARY_PATH} sweep"]
    assert "network-online.target" in words(u["Unit"]["Wants"])
    assert {"network-online.target", "nss-lookup.target", "time-sync.target"} <= set(words(u["Unit"]["After"]))
    # 75 (self-preservation refused a mass deletion) must leave the unit failed, not hidden.
    assert "SuccessExitStatus" not in u["Service"]
    assert "Install" not in u


def test_sweep_timer_every_five_minutes_independent_of_the_join():
    u = unit("r53hook-sweep.timer")
    t = u["Timer"]
    assert seconds(t["OnActiveSec"][0]) == 300 and seconds(t["OnUnitActiveSec"][0]) == 300
    assert t["RandomizedDelaySec"] == ["60"]
    assert t["Persistent"] == ["false"]
    assert u["Install"]["WantedBy"] == ["timers.target"]
    assert "PartOf" not in u.get("Unit", {}) and "Requisite" not in u.get("Unit", {})


@pytest.mark.parametrize("name", ["r53hook-heartbeat.service", "r53hook-sweep.service"])
def test_services_read_the_configuration_and_harden_like_r53hook_service(name: str):
    main, u = unit("r53hook.service")["Service"], unit(name)["Service"]
    assert u["EnvironmentFile"] == main["EnvironmentFile"]
    assert u["EnvironmentFile"] == ["-/etc/sysconfig/r53hook", "-/etc/default/r53hook"]
    for key in ("NoNewPrivileges", "PrivateTmp", "ProtectSystem", "ProtectHome", "ProtectKernelTunables",
                "ProtectKernelModules", "ProtectControlGroups"):
        assert u[key] == main[key], key
    # Every AWS retry and wait ends at the deadline; systemd must not kill it earlier.
    assert seconds(u["TimeoutStartSec"][0]) >= DEFAULT_DEADLINE + 30


# --------------------------------------------------------------------- systemd-analyze

needs_checkers = pytest.mark.skipif(
    not (shutil.which("shellcheck") and shutil.which("systemd-analyze")),
    reason="shellcheck and systemd-analyze are needed",
)
needs_analyze = pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is needed")


def copy_checked_tree(dest: Path) -> None:
    for rel in ("scripts/check-static", "init.d/r53hook"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    shutil.copytree(SYSTEMD, dest / "systemd")


@needs_checkers
def test_check_static_verifies_the_new_units_and_fails_on_a_bad_timer(tmp_path: Path):
    copy_checked_tree(tmp_path)
    proc = subprocess.run(["bash", str(tmp_path / "scripts/check-static")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in NEW_UNITS:
        assert f"ok    systemd-analyze verify systemd/{name}" in proc.stdout
    # An unparsable time is only a warning for systemd-analyze; check-static must fail on it.
    timer = tmp_path / "systemd" / "r53hook-heartbeat.timer"
    timer.write_text(timer.read_text().replace("AccuracySec=1s", "AccuracySec=often"))
    proc = subprocess.run(["bash", str(tmp_path / "scripts/check-static")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    assert "FAIL  systemd-analyze verify systemd/r53hook-heartbeat.timer" in proc.stdout


@needs_analyze
def test_enabled_at_boot_the_units_form_no_ordering_cycle(tmp_path: Path):
    """A boot transaction with r53hook.service and both timers enabled: the heartbeat timer is
    ordered after r53hook.service (and Before=timers.target by default), r53hook.service after
    basic.target; systemd-analyze would report a cycle and which job it deleted."""
    for name in ("r53hook.service", *NEW_UNITS):
        text = (SYSTEMD / name).read_text().replace(BINARY_PATH, "/bin/true")
        (tmp_path / name).write_text(text)
    # What "systemctl enable" would add: the [Install] sections as Wants=.
    wants = tmp_path / "r53hook.service.d"
    wants.mkdir()
    (wants / "enabled.conf").write_text("[Unit]\nWants=r53hook-heartbeat.timer\n")
    (tmp_path / "boot.target").write_text(
        "[Unit]\nDescription=boot as multi-user.target with the units enabled\n"
        "Wants=basic.target timers.target network-online.target r53hook.service r53hook-sweep.timer\n")
    for target in ("boot.target", "r53hook.service", "r53hook-heartbeat.timer"):
        proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / target)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=60,
                              env=dict(os.environ, SYSTEMD_LOG_LEVEL="debug"))
        out = proc.stdout + proc.stderr
        assert "ordering cycle" not in out.lower(), out
        assert "deleted to break" not in out, out
        if target == "boot.target":
            # The drop-in was read: the heartbeat timer is part of the boot transaction.
            assert "r53hook-heartbeat.timer/start" in out, out
            assert "r53hook-sweep.timer/start" in out, out


# --------------------------------------------------------------------- install.sh and the policy


def run_install(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    fake = tmp / "fake-r53hook"
    fake.write_text("#!/bin/sh\necho fake r53hook\n")
    fake.chmod(0o755)
    env = dict(os.environ, R53HOOK_SKIP_BUILD="1", R53HOOK_BINARY=str(fake), R53HOOK_CONFDIR="etc/sysconfig")
    return subprocess.run(["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=60,
                          cwd=tmp)


def test_install_puts_the_units_beside_r53hook_service(tmp_path: Path):
    dest = tmp_path / "root"
    proc = run_install(tmp_path, str(dest))
    assert proc.returncode == 0, proc.stderr
    for name in NEW_UNITS:
        installed = dest / "etc/systemd/system" / name
        assert stat.S_IMODE(installed.stat().st_mode) == 0o644, name
        assert installed.read_bytes() == (SYSTEMD / name).read_bytes(), name
        assert f"0644  /etc/systemd/system/{name}" in proc.stdout
    # None is enabled by the install: no .wants links.
    assert not list(dest.rglob("*.wants"))
    assert "systemctl enable r53hook-heartbeat.timer" in proc.stdout
    assert "systemctl enable --now r53hook-sweep.timer" in proc.stdout


def test_install_help_describes_the_units_and_installs_nothing(tmp_path: Path):
    for flag in ("--help", "-h"):
        proc = run_install(tmp_path, flag)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("install.sh [DESTDIR]")
        for name in ("r53hook-heartbeat.{service,timer}", "r53hook-sweep.{service,timer}", "R53HOOK_BINARY"):
            assert name in proc.stdout
        assert "set -euo" not in proc.stdout
    proc = run_install(tmp_path, "--bogus")
    assert proc.returncode == 64
    assert "unknown option: --bogus" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-r53hook"]


def test_iam_policy_lets_sweep_describe_instances():
    policy = json.loads(POLICY.read_text())
    [st] = [s for s in policy["Statement"] if "ec2:DescribeInstances" in
            (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
    assert st["Effect"] == "Allow"
    assert st["Action"] == "ec2:DescribeInstances"  # nothing else of EC2
    # DescribeInstances supports no resource-level permissions: an ARN would deny it.
    assert st["Resource"] == "*"
    assert "Condition" not in st
    assert re.fullmatch(r"[A-Za-z0-9]+", st["Sid"]) and "Sweep" in st["Sid"]
    ec2 = [a for s in policy["Statement"]
           for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]) if a.startswith("ec2:")]
    assert ec2 == ["ec2:DescribeInstances"]


# --------------------------------------------------------------------- the commands, as systemd runs them


def environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads the plain ones (no quotes used)."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def exec_start(name: str, binary: Path) -> list[str]:
    [line] = unit(name)["Service"]["ExecStart"]
    argv = shlex.split(line)
    assert argv[0] == BINARY_PATH
    return [str(binary), *argv[1:]]


def marks(aws: World) -> list[str]:
    return [r["ResourceRecords"][0]["Value"] for r in aws.records() if r["Type"] == "TXT"]


def test_the_units_commands_run_with_the_configuration_file_alone(aws: World, tmp_path: Path):
    """heartbeat and sweep exactly as the units' ExecStart= give them, with only the
    configuration file's keys in the environment (what EnvironmentFile= passes)."""
    config = tmp_path / "sysconfig-r53hook"
    config.write_text(
        "# as /etc/sysconfig/r53hook would be\n"
        f"R53HOOK_ZONE_ID={aws.zone_id}\n"
        f"R53HOOK_NAME={NAME}\n"
        "R53HOOK_TTL=1\n"
        "R53HOOK_DRAIN_EXTRA=0\n"
        f"R53HOOK_HOLD_FILE={tmp_path / 'hold'}\n"
        f"AWS_ENDPOINT_URL={aws.endpoint}\n"
        f"AWS_EC2_METADATA_SERVICE_ENDPOINT={aws.instance['imds_endpoint']}\n"
        "AWS_REGION=us-east-1\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment_file(config)}

    def unit_run(name: str) -> subprocess.CompletedProcess:
        return subprocess.run(exec_start(name, aws.binary), env=env, capture_output=True, text=True, timeout=60,
                              cwd=tmp_path, stdin=subprocess.DEVNULL)

    # Not joined (what Requisite= prevents, if the timer were started by hand): 78, no mark made.
    beat = unit_run("r53hook-heartbeat.service")
    assert beat.returncode == 78, beat.stdout + beat.stderr
    assert aws.records() == []

    started = subprocess.run([str(aws.binary), "start", "--no-wait"], env=env, capture_output=True, text=True,
                             timeout=60, cwd=tmp_path)
    assert started.returncode == 0, started.stdout + started.stderr
    [mark] = marks(aws)
    assert "heartbeat=" not in mark

    beat = unit_run("r53hook-heartbeat.service")
    assert beat.returncode == 0, beat.stdout + beat.stderr
    [mark] = marks(aws)
    assert "heartbeat=" in mark

    # Nothing to sweep: this instance is alive (and its own pair is never swept).
    sweep = unit_run("r53hook-sweep.service")
    assert sweep.returncode == 0, sweep.stdout + sweep.stderr
    assert "swept 0 of 1 member" in sweep.stdout
    assert len(aws.records()) == 2


# --------------------------------------------------------------------- the shipped policy, enforced
# The local AWS enforces policies, Route 53 condition keys included. Keys of a user with the
# policy run the commands on this instance (its IMDS still says who it is); the join itself is
# made with the instance role (full access). start and stop under the shipped policy are
# test_registry.py's.


def shipped_policy(aws: World) -> dict:
    text = POLICY.read_text().replace("ZONEID_PLACEHOLDER", aws.zone_id).replace("RECORD_NAME_PLACEHOLDER", NAME)
    policy = json.loads(text)
    assert "PLACEHOLDER" not in json.dumps(policy), policy
    return policy


def user_keys(aws: World, policy: dict) -> dict[str, str]:
    user = aws.control("POST", "/users", {"policy": policy})
    return {"AWS_ACCESS_KEY_ID": user["access_key_id"], "AWS_SECRET_ACCESS_KEY": user["secret_access_key"]}


def joined_with_a_dead_peer(aws: World) -> dict:
    """This instance joined, and a second member whose instance is terminated."""
    peer = aws.create_instance()
    for inst in (aws.instance, peer):
        run = aws.run("start", "--no-wait", "--ttl", "1", instance=inst)
        assert run.code == 0, run.describe()
    aws.ec2.terminate_instances(InstanceIds=[peer["instance_id"]])
    return peer


def test_sweep_needs_nothing_of_ec2_but_the_policy_s_describe_instances(aws: World):
    # The shipped policy with its ChangeResourceRecordSets condition lifted (the registry
    # and the lock need more than it allows: see the xfail below): then sweep finds the
    # terminated member through DescribeInstances and deletes its pair.
    policy = shipped_policy(aws)
    for st in policy["Statement"]:
        if st["Action"] == "route53:ChangeResourceRecordSets":
            del st["Condition"]
    peer = joined_with_a_dead_peer(aws)
    run = aws.run("sweep", **user_keys(aws, policy))
    assert run.code == 0, run.describe()
    assert f"swept {peer['instance_id']}" in run.stdout and "swept 1 of 2 members" in run.stdout, run.stdout
    assert {r["SetIdentifier"] for r in aws.records()} == {aws.instance["instance_id"]}
    # And without the statement, EC2 says no.
    policy["Statement"] = [st for st in policy["Statement"] if st["Action"] != "ec2:DescribeInstances"]
    joined_with_a_dead_peer(aws)
    run = aws.run("sweep", **user_keys(aws, policy))
    assert run.code == 77, run.describe()
    assert "ec2:DescribeInstances" in run.stderr


def test_heartbeat_and_sweep_work_under_the_shipped_policy(aws: World):
    peer = joined_with_a_dead_peer(aws)
    keys = user_keys(aws, shipped_policy(aws))
    run = aws.run("heartbeat", **keys)
    assert run.code == 0, run.describe()
    run = aws.run("sweep", **keys)
    assert run.code == 0, run.describe()
    assert f"swept {peer['instance_id']}" in run.stdout, run.stdout
