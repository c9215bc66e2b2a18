"""A local stand-in for the WhatsApp Cloud API: ``flask exchange whatsapp-sandbox`` and the tests.

It accepts exactly the documented request of a template message and refuses anything else, as
the real API does: ``POST /<version>/<phone number id>/messages`` with ``Authorization: Bearer
<token>``, ``Content-Type: application/json`` and the body ``{"messaging_product": "whatsapp",
"recipient_type": "individual", "to", "type": "template", "template": {"name", "language":
{"code"}, "components": [{"type": "body", "parameters": [{"type": "text", "text"}]}, {"type":
"button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text"}]}]}}``;
unknown keys, a template it does not know or parameters that do not fit it answer 400 with the
API's error object. A good request answers ``{"messaging_product": "whatsapp", "contacts":
[{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}``.

Standard library only (``http.server`` on a thread), so the tests start it on a real socket.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from exchange.whatsapp import templates


class Refused(Exception):
    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Accepted:
    """One template message the sandbox took."""

    id: str
    to: str
    template: str
    language: str
    body: list[str]
    button: str | None


_NAME = re.compile(r"[a-z0-9_]{1,512}")
_TO = re.compile(r"\+?\d{8,15}")


def _keys(obj, required: set, optional: set = frozenset(), where: str = "") -> None:
    if not isinstance(obj, dict):
        raise Refused(400, 100, f"{where or 'body'} must be an object")
    missing = required - obj.keys()
    unknown = obj.keys() - required - optional
    if missing:
        raise Refused(400, 100, f"(#100) The parameter {where}{sorted(missing)[0]} is required.")
    if unknown:
        raise Refused(400, 100, f"(#100) Param {where}{sorted(unknown)[0]} is not valid.")


def _text_parameters(params, where: str) -> list[str]:
    if not isinstance(params, list) or not params:
        raise Refused(400, 100, f"{where}parameters must be a non-empty list")
    out = []
    for p in params:
        _keys(p, {"type", "text"}, where=where + "parameters.")
        text = p["text"]
        if p["type"] != "text" or not isinstance(text, str) or not text.strip():
            raise Refused(400, 100, f"{where}parameters: a text parameter is expected")
        if "\n" in text or "\t" in text or "     " in text:
            raise Refused(
                400, 132018, "Param text cannot have new-line/tab characters or more than 4 spaces"
            )
        out.append(text)
    return out


def check_request(payload) -> tuple[str, str, str, list[str], str | None]:
    """The template message's (to, name, language, body, button), or Refused."""
    _keys(payload, {"messaging_product", "to", "type", "template"}, {"recipient_type"})
    if payload["messaging_product"] != "whatsapp":
        raise Refused(400, 100, "messaging_product must be whatsapp")
    if payload.get("recipient_type", "individual") != "individual":
        raise Refused(400, 100, "recipient_type must be individual")
    if payload["type"] != "template":
        raise Refused(400, 100, "only template messages are accepted")
    to = payload["to"]
    if not isinstance(to, str) or not _TO.fullmatch(to):
        raise Refused(400, 100, "(#100) Invalid parameter: to")
    template = payload["template"]
    _keys(template, {"name", "language"}, {"components", "namespace"}, where="template.")
    name = template["name"]
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise Refused(400, 100, "template.name is not valid")
    _keys(template["language"], {"code"}, {"policy"}, where="template.language.")
    language = template["language"]["code"]
    body: list[str] = []
    button = None
    for c in template.get("components", []):
        if not isinstance(c, dict) or c.get("type") not in {"body", "button", "header"}:
            raise Refused(400, 100, "template.components: unknown component type")
        if c["type"] == "button":
            _keys(c, {"type", "sub_type", "index", "parameters"}, where="button.")
            if c["sub_type"] not in {"url", "quick_reply", "copy_code"} or c["index"] != "0":
                raise Refused(400, 100, "button: sub_type or index not valid")
            (button,) = _text_parameters(c["parameters"], "button.")[:1]
        else:
            _keys(c, {"type", "parameters"}, where=c["type"] + ".")
            if c["type"] == "body":
                body = _text_parameters(c["parameters"], "body.")
    try:
        templates.check(name, language, body, button)
    except ValueError as exc:
        raise Refused(404 if "no template" in str(exc) else 400, 132001, str(exc)) from None
    return to, name, language, body, button


@dataclass
class Sandbox:
    """The server's state: what it accepted, and failures the tests ask for."""

    phone_number_id: str = "1234567890"
    token: str = "sandbox-token"  # noqa: S105 - a local stand-in's credential
    accepted: list[Accepted] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer next, in order
    refused: list[str] = field(default_factory=list)
    on_accept: Callable[[Accepted], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        with self.lock:
            if self.failures:
                status = self.failures.pop(0)
                return status, _error(status, 131000, "Something went wrong (sandbox failure)")
        try:
            if not re.fullmatch(rf"/v\d+\.\d+/{re.escape(self.phone_number_id)}/messages", path):
                raise Refused(404, 100, f"Unknown path {path}")
            if headers.get("Authorization") != f"Bearer {self.token}":
                raise Refused(401, 190, "Invalid OAuth access token.")
            if (headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
                raise Refused(400, 100, "Content-Type must be application/json")
            try:
                payload = json.loads(raw)
            except ValueError:
                raise Refused(400, 100, "body is not JSON") from None
            to, name, language, body, button = check_request(payload)
        except Refused as exc:
            with self.lock:
                self.refused.append(exc.message)
            return exc.status, _error(exc.status, exc.code, exc.message)
        with self.lock:
            message = Accepted(
                f"wamid.sandbox{len(self.accepted) + 1:08d}", to, name, language, body, button
            )
            self.accepted.append(message)
        if self.on_accept is not None:
            self.on_accept(message)
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to.lstrip("+")}],
            "messages": [{"id": message.id}],
        }

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


def _error(status: int, code: int, message: str) -> dict:
    return {"error": {"message": message, "type": "OAuthException", "code": code}}


def serve(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Start the sandbox on a thread; ``server.server_address`` has the port; stop with
    ``server.shutdown(); server.server_close()``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            length = int(self.headers.get("Content-Length") or 0)
            status, answer = sandbox.handle(self.path, self.headers, self.rfile.read(length))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            self.send_error(405)

        def log_message(self, *args):  # quiet: the sandbox prints what it accepts
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="whatsapp-sandbox", daemon=True).start()
    return server
