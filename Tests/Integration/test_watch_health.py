"""`r53hook watch` with a local health gate (--check-cmd, --check-url): no join until the first
pass, out within fall x interval of the failures (weight 0, or a leave), back after rise passes."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

from harness import World, measure
from watchkit import Watch, wait_until


def test_a_failing_check_sets_weight_zero_within_fall_intervals_and_recovery_restores_it(aws: World, tmp_path: Path):
    flag = tmp_path / "healthy"
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--check-cmd", f"test -f {flag}", "--check-interval", "1",
                  "--rise", "2", "--fall", "2")
    try:
        assert watch.ready(), watch.notify.messages
        time.sleep(2.5)
        assert aws.addresses() == [], "no join before the first pass"
        flag.touch()
        assert wait_until(lambda: aws.addresses() == [aws.expected(ttl=1)], 6) is not None, aws.addresses()
        failed_at = time.time()
        flag.unlink()
        took = wait_until(lambda: aws.addresses() == [aws.expected(ttl=1, weight=0)], 8)
        assert took is not None, aws.addresses()
        # fall (2) x interval (1 s), plus a poll (1 s) and the change itself.
        assert time.time() - failed_at <= 2 * 1 + 1 + 2.5
        measure("health failure to weight 0", f"{took:.2f} s at --fall 2 --check-interval 1 --poll-interval 1")
        flag.touch()
        assert wait_until(lambda: aws.addresses() == [aws.expected(ttl=1)], 8) is not None, aws.addresses()
        code = watch.terminate()
    finally:
        watch.kill()
    assert code == 0, watch.stderr
    assert "local health check failed 2 times in a row" in watch.stderr
    assert "local health check passes" in watch.stderr


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_failing_check_url_with_on_unhealthy_leave_removes_the_record(aws: World):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/health"
    watch = Watch(aws, "--ttl", "1", "--drain-extra", "0", "--check-url", url, "--check-interval", "1",
                  "--rise", "1", "--fall", "1", "--on-unhealthy", "leave")
    try:
        assert watch.ready(), watch.notify.messages
        assert wait_until(lambda: aws.addresses() == [aws.expected(ttl=1)], 6) is not None
        _Health.status = 503
        assert wait_until(lambda: aws.addresses() == [], 8) is not None
        _Health.status = 200
        assert wait_until(lambda: aws.addresses() == [aws.expected(ttl=1)], 8) is not None
        code = watch.terminate()
    finally:
        watch.kill()
        server.shutdown()
        _Health.status = 200
    assert code == 0, watch.stderr
