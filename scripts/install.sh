#!/usr/bin/env bash
# install.sh [DESTDIR]: build the release binary and install r53hook.
# install.sh --help: print this text.
#
# DESTDIR (default: empty, i.e. the running system) is prepended to every
# path, so "scripts/install.sh /tmp/stage" works as a normal user and stages
# a tree for a package or an AMI build. Running it again is safe: program
# files are replaced, an existing configuration keeps its content.
#
# Installs:
#   usr/local/bin/r53hook                        0755  the binary
#   etc/systemd/system/r53hook.service           0644  the systemd unit
#   etc/systemd/system/r53hook-watch.service     0644  watch instead of r53hook.service
#   etc/init.d/r53hook-watch                     0755  the init script's watch mode
#   etc/systemd/system/r53hook-heartbeat.{service,timer}
#                                                0644  registry heartbeat, every minute while
#                                                      joined (systemctl enable r53hook-heartbeat.timer)
#   etc/systemd/system/r53hook-sweep.{service,timer}
#                                                0644  sweep of dead members, every 5 minutes
#                                                      (systemctl enable --now r53hook-sweep.timer)
#   etc/init.d/r53hook                           0755  the SysV init script
#   etc/r53hook/                                 0755  per-application configs (--config)
#   etc/default/r53hook.example (Debian-like, i.e. /etc/debian_version exists)
#   or etc/sysconfig/r53hook.example (others)    0644  the commented sample
#   etc/{default,sysconfig}/r53hook              0600  a copy of the sample, only when absent;
#                                                      an existing one keeps its content but is
#                                                      made root's, mode 0600
#   usr/local/share/r53hook/iam-policy.json      0644  least-privilege IAM policy (with
#                                                      ec2:DescribeInstances, for sweep)
#   usr/local/share/r53hook/iam-policy-elb.json  0644  what ELB mode and the quorum add
#   usr/local/share/r53hook/iam-policy-autoscaling.json  0644  what watch --lifecycle-hook adds
#   usr/local/share/r53hook/systemd-examples/    0644  app drop-in examples
#
# Environment:
#   R53HOOK_BINARY=PATH     install this binary; no build
#   R53HOOK_SKIP_BUILD=1    no build; install .build/release/r53hook, which must exist
#   R53HOOK_CONFDIR=DIR     etc/default or etc/sysconfig, to override the detection
#   R53HOOK_NO_STRIP=1      keep the symbol table (strip halves the file: about 42 MB to 19 MB)
#
# The units are installed in every case, like r53hook.service, and none is
# enabled: a DESTDIR stage may be for a machine with systemd even when this one
# has none. Without systemd they are unused.
set -euo pipefail

case ${1:-} in
-h | --help)
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
    exit 0
    ;;
-*)
    echo "install.sh: unknown option: $1 (try --help)" >&2
    exit 64
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
destdir=${1:-}
destdir=${destdir%/}

die() {
    echo "install.sh: $*" >&2
    exit 1
}

if [ -z "$destdir" ] && [ "$(id -u)" -ne 0 ]; then
    die "installing into / needs root; run with sudo, or give a DESTDIR to stage into"
fi

# --- the binary ---------------------------------------------------------------
if [ -n "${R53HOOK_BINARY:-}" ]; then
    binary=$R53HOOK_BINARY
elif [ "${R53HOOK_SKIP_BUILD:-0}" = 1 ]; then
    binary=$root/.build/release/r53hook
else
    command -v swift >/dev/null 2>&1 || [ -x /opt/swift/usr/bin/swift ] ||
        die "swift is not installed (https://www.swift.org/install/); or build elsewhere and set R53HOOK_BINARY"
    echo "Building the release binary (scripts/build-release: static Swift runtime and libcurl, glibc 2.34+, OpenSSL 3)..."
    binary=$("$root/scripts/build-release") || die "the release build failed (above)"
fi
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
    die "no executable binary at $binary (build it, or set R53HOOK_BINARY)"
fi

# --- where the config lives -----------------------------------------------------
confdir=${R53HOOK_CONFDIR:-}
if [ -z "$confdir" ]; then
    if [ -f /etc/debian_version ]; then confdir=etc/default; else confdir=etc/sysconfig; fi
fi
confdir=${confdir#/}
case $confdir in
    etc/default | etc/sysconfig) ;;
    *) die "R53HOOK_CONFDIR must be etc/default or etc/sysconfig, not $confdir" ;;
esac

# --- install --------------------------------------------------------------------
installed=()
put() { # put MODE SOURCE DEST: install a file, creating its directory
    local mode=$1 src=$2 dest=$destdir/$3
    install -d -m 0755 "$(dirname "$dest")"
    install -m "$mode" "$src" "$dest"
    installed+=("$(printf '%s  /%s' "$mode" "$3")")
}

put 0755 "$binary" usr/local/bin/r53hook
# The symbol table is half the file and never loaded; strip the installed copy only.
if [ "${R53HOOK_NO_STRIP:-0}" != 1 ] && command -v strip >/dev/null 2>&1 &&
    [ "$(head -c 4 "$binary" | tr -d '\000' | tail -c 3)" = ELF ]; then
    strip --strip-unneeded "$destdir/usr/local/bin/r53hook"
fi
put 0644 "$root/systemd/r53hook.service" etc/systemd/system/r53hook.service
for unit in r53hook-heartbeat.service r53hook-heartbeat.timer r53hook-sweep.service r53hook-sweep.timer r53hook-watch.service; do
    put 0644 "$root/systemd/$unit" "etc/systemd/system/$unit"
done
put 0755 "$root/init.d/r53hook" etc/init.d/r53hook
put 0755 "$root/init.d/r53hook-watch" etc/init.d/r53hook-watch
install -d -m 0755 "$destdir/etc/r53hook"
installed+=("0755  /etc/r53hook/")
put 0644 "$root/etc/r53hook.conf.example" "$confdir/r53hook.example"
put 0644 "$root/etc/iam-policy.json" usr/local/share/r53hook/iam-policy.json
put 0644 "$root/etc/iam-policy-elb.json" usr/local/share/r53hook/iam-policy-elb.json
put 0644 "$root/etc/iam-policy-autoscaling.json" usr/local/share/r53hook/iam-policy-autoscaling.json
while IFS= read -r f; do
    put 0644 "$root/systemd/examples/$f" "usr/local/share/r53hook/systemd-examples/$f"
done < <(cd "$root/systemd/examples" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
if [ -f "$root/README.md" ]; then
    put 0644 "$root/README.md" usr/local/share/r53hook/README.md
fi

config=$confdir/r53hook
if [ -L "$destdir/$config" ]; then
    # chmod and chown would follow the link, maybe out of DESTDIR: leave it to the operator.
    kept="the existing symlink /$config is untouched: make its target root's, mode 0600, or the init script refuses it"
elif [ -e "$destdir/$config" ]; then
    # Keep what the operator wrote, but not who may change it: the init script
    # sources the file as root (and refuses it unless root's alone), and it may
    # hold AWS keys. Nothing but root reads it (systemd, the init script, and
    # r53hook as root), so 0600, not 0640.
    chmod 0600 "$destdir/$config"
    if [ "$(id -u)" -eq 0 ]; then chown root:root "$destdir/$config"; fi
    installed+=("0600  /$config (kept its content; owner root when installing as root)")
    kept="the content of the existing /$config is untouched"
else
    # 0600: it may hold AWS keys or endpoints; only root reads it.
    install -m 0600 "$root/etc/r53hook.conf.example" "$destdir/$config"
    installed+=("0600  /$config (from the sample; edit it)")
    kept=""
fi

echo "Installed into ${destdir:-/}:"
printf '  %s\n' "${installed[@]}"
[ -z "$kept" ] || echo "  ($kept)"

# A running systemd must re-read the units it may already know.
if [ -z "$destdir" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload && echo "Ran systemctl daemon-reload."
fi

cat <<EOF

Next steps:
  1. Edit /$config: the zone (R53HOOK_ZONE_ID or R53HOOK_ZONE_NAME) and
     R53HOOK_NAME at least. Check it: r53hook start --config /$config --dry-run
  2. Give the instance role the policy in /usr/local/share/r53hook/iam-policy.json
     (replace ZONEID_PLACEHOLDER and RECORD_NAME_PLACEHOLDER).
  3. Enable it:
       systemd:         systemctl enable --now r53hook
       chkconfig/SysV:  chkconfig --add r53hook && service r53hook start
       Debian SysV:     update-rc.d r53hook defaults && service r53hook start
     Or tie the record to an application instead:
       /usr/local/share/r53hook/systemd-examples/
  4. Optional, systemd, for the membership registry (members, role, sweep):
       systemctl enable r53hook-heartbeat.timer     # beats after each join, while joined
       systemctl start r53hook-heartbeat.timer      # if r53hook.service is already active
       systemctl enable --now r53hook-sweep.timer   # deletes dead members' records
     A member that has beaten once must go on beating while joined, or it is swept.
EOF
