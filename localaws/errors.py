"""AWS-shaped error responses, one renderer per wire protocol."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

NAMESPACES = {
    "route53": "https://route53.amazonaws.com/doc/2013-04-01/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "elb": "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/",
    "elbv2": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
}


class AWSError(Exception):
    """An error to answer in the calling service's own error format."""

    def __init__(self, status: int, code: str, message: str, sender: bool = True):
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.sender = sender


class InvalidChangeBatch(Exception):
    """Route 53's InvalidChangeBatch, which carries a list of messages."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def request_id() -> str:
    return str(uuid.uuid4())


def render_error(service: str, err: AWSError) -> tuple[int, list[tuple[str, str]], bytes]:
    rid = request_id()
    headers = [("x-amzn-RequestId", rid)]
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{escape(err.code)}</Code>"
            f"<Message>{escape(err.message)}</Message></Error></Errors>"
            f"<RequestID>{rid}</RequestID></Response>"
        )
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
    else:
        ns = NAMESPACES.get(service)
        xmlns = f' xmlns="{ns}"' if ns else ""
        kind = "Sender" if err.sender else "Receiver"
        body = (
            '<?xml version="1.0"?>\n'
            f"<ErrorResponse{xmlns}><Error><Type>{kind}</Type>"
            f"<Code>{escape(err.code)}</Code><Message>{escape(err.message)}</Message>"
            f"</Error><RequestId>{rid}</RequestId></ErrorResponse>"
        )
        headers.append(("Content-Type", "text/xml"))
    return err.status, headers, body.encode()


def render_invalid_change_batch(
    exc: InvalidChangeBatch, shape: str = "messages"
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Route 53 sends InvalidChangeBatch in two shapes; both are seen from real AWS.

    "messages": <InvalidChangeBatch><Messages><Message>..., the documented shape (some
    SDKs parse it specially; botocore reports an empty error code for it).
    "error_response": the generic <ErrorResponse> with Code InvalidChangeBatch and the
    messages as one bracketed list, "[msg1, msg2]", which is what botocore users see.
    """
    if shape == "error_response":
        return render_error("route53", AWSError(400, "InvalidChangeBatch", "[" + ", ".join(exc.messages) + "]"))
    rid = request_id()
    msgs = "".join(f"<Message>{escape(m)}</Message>" for m in exc.messages)
    body = (
        '<?xml version="1.0"?>\n'
        f'<InvalidChangeBatch xmlns="{NAMESPACES["route53"]}"><Messages>{msgs}</Messages>'
        f"<RequestId>{rid}</RequestId></InvalidChangeBatch>"
    )
    return 400, [("x-amzn-RequestId", rid), ("Content-Type", "text/xml")], body.encode()
