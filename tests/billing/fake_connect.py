"""A faithful fake of Stripe Connect's ``POST /v1/transfers`` (localstripe has no Connect).

Follows the documented behaviour: form-encoded params, required ``amount``/``currency``/``destination``,
unknown params rejected with ``invalid_request_error``, and the idempotency rules (same key + same params →
the first response replayed with ``Idempotent-Replayed: true``; same key + other params → 400
``idempotency_error``). Every request is recorded with its headers for assertions.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

ALLOWED = {"amount", "currency", "destination", "transfer_group", "source_transaction", "description"}


class FakeConnect:
    def __init__(self):
        self.requests: list[dict] = []
        self.transfers: dict[str, dict] = {}
        self._keys: dict[str, tuple[list, int, dict]] = {}
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = parse_qsl(raw, keep_blank_values=True)
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "params": dict(params)})
                status, body, replayed = fake.handle(self.path, params, self.headers.get("Idempotency-Key"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if replayed:
                    self.send_header("Idempotent-Replayed", "true")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _error(param: str, message: str, type_: str = "invalid_request_error") -> tuple[int, dict]:
        return 400, {"error": {"type": type_, "message": message, "param": param}}

    def handle(self, path: str, params: list, key: str | None):
        if key and key in self._keys:
            first_params, status, body = self._keys[key]
            if first_params != params:
                return (
                    400,
                    {
                        "error": {
                            "type": "idempotency_error",
                            "message": "Keys for idempotent requests can only be "
                            "used with the same parameters they were first used with.",
                        }
                    },
                    False,
                )
            return status, body, True
        status, body = self._create(path, params)
        if key:
            self._keys[key] = (params, status, body)
        return status, body, False

    def _create(self, path: str, params: list) -> tuple[int, dict]:
        if path != "/v1/transfers":
            return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({path})."}}
        data, metadata = {}, {}
        for name, value in params:
            if name.startswith("metadata[") and name.endswith("]"):
                metadata[name[9:-1]] = value
            elif name in ALLOWED:
                data[name] = value
            else:
                return self._error(name, f"Received unknown parameter: {name}")
        for required in ("amount", "currency", "destination"):
            if required not in data:
                return self._error(required, f"Missing required param: {required}.")
        if not data["amount"].isdigit() or int(data["amount"]) <= 0:
            return self._error("amount", "Invalid positive integer")
        if not data["destination"].startswith("acct_"):
            return self._error("destination", f"No such destination: '{data['destination']}'")
        transfer = {
            "id": f"tr_fake{next(self._ids)}",
            "object": "transfer",
            "amount": int(data["amount"]),
            "currency": data["currency"],
            "destination": data["destination"],
            "transfer_group": data.get("transfer_group"),
            "source_transaction": data.get("source_transaction"),
            "metadata": metadata,
            "reversed": False,
            "livemode": False,
        }
        self.transfers[transfer["id"]] = transfer
        return 200, transfer
