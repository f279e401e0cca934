"""python3 -m localaws: start the local AWS and print its endpoints as one JSON line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python3 -m localaws",
        description="r53hook's local AWS: moto on loopback with Route 53, SigV4, IAM and IMDSv2 corrected.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default 0)")
    p.add_argument("--insync-delay", type=float, default=2.0, metavar="SECONDS",
                   help="seconds a Route 53 change stays PENDING before INSYNC (default 2.0)")
    p.add_argument("--throttle-rps", type=float, default=None, metavar="N",
                   help="Route 53 requests per second before Throttling (default: no limit)")
    p.add_argument("--no-auth", action="store_true", help="accept any signature and skip IAM policies")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = p.parse_args(argv)
    if args.insync_delay < 0:
        p.error("--insync-delay must be >= 0")
    if args.throttle_rps is not None and args.throttle_rps <= 0:
        p.error("--throttle-rps must be > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    # moto builds ~1200 AMIs (and a volume for each) every time an EC2 region starts,
    # which is after every reset: a few known AMIs keep reset and instance creation fast.
    os.environ.setdefault("MOTO_AMIS_PATH", str(Path(__file__).with_name("amis.json")))

    from werkzeug.serving import WSGIRequestHandler, make_server

    from .server import LocalAWS

    app = LocalAWS(insync_delay=args.insync_delay, throttle_rps=args.throttle_rps, auth=not args.no_auth)

    class Handler(WSGIRequestHandler):
        # Python's servers send a response's headers and body in separate writes; with Nagle's
        # algorithm on, a keep-alive client's delayed ACK stalls every answer ~40 ms, which AWS's
        # endpoints never do.
        disable_nagle_algorithm = True

        def date_time_string(self, timestamp: float | None = None) -> str:
            # Every answer's Date header, as AWS's, tells the server's time: clients correct
            # their clock skew from it.
            return super().date_time_string(app.now().timestamp() if timestamp is None else timestamp)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if args.verbose:
                super().log_request(code, size)

    server = make_server(args.host, args.port, app, threaded=True, request_handler=Handler)
    server.daemon_threads = True
    host, port = server.server_address[:2]
    shown_host = f"[{host}]" if ":" in host else host
    app.host = host
    app.endpoint = f"http://{shown_host}:{port}"
    app.control.create_admin()

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    info = app.control.describe()
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    # stdout carries that one line only; anything printed later (moto prints) goes to stderr.
    sys.stdout = sys.stderr
    while not stop.wait(0.5):
        pass
    app.control.stop_all()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
