"""python3 -m localaws.launch: the launcher (localaws/launcher.py) for shell scripts.

Starts the local AWS on a free port and, once it is ready, prints ONE line of four words:

    ENDPOINT CONTROL_URL ADMIN_ACCESS_KEY_ID ADMIN_SECRET_ACCESS_KEY

then keeps it running until its own stdin reaches end of file, or SIGTERM/SIGINT, and stops
it. Run it as a coprocess (bash `coproc`): when the script exits, for whatever reason, the pipe
closes and the local AWS goes with it. Exit 0 after a clean stop; 1 when it did not start
(the reason and the server's stderr on stderr).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .launcher import LaunchError, LocalAWSProcess


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m localaws.launch", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--insync-delay", type=float, default=2.0, metavar="SECONDS")
    p.add_argument("--throttle-rps", type=float, default=None, metavar="N")
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--log", type=Path, default=None, metavar="FILE",
                   help="keep the server's stderr in FILE (default: a temporary file, removed at the end)")
    args = p.parse_args(argv)

    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    try:
        local = LocalAWSProcess(insync_delay=args.insync_delay, throttle_rps=args.throttle_rps,
                                verbose=args.verbose, log_path=args.log)
    except LaunchError as exc:
        print(f"localaws.launch: {exc}", file=sys.stderr)
        return 1
    with local:
        print(local.endpoint, local.control_url, local.admin["access_key_id"], local.admin["secret_access_key"],
              flush=True)
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        while not done.wait(0.5):
            if local.proc.poll() is not None:
                print(f"localaws.launch: the local AWS exited on its own (status {local.proc.returncode})",
                      file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
