"""A refused form, as a browser sees it: 200 with the form and its errors, and ``X-Form-Refused: <status>``.

Views answer a form they refuse with 400 (or 422) and the form again, errors next to the fields; that stays what
the test client, scripts and any other non-browser caller get. A browser, though, logs every 4xx answer as
"Failed to load resource", and an HTMX swap of a 4xx needs special rules. So for the answers a browser shows — an
HTMX request, or a page load (``Sec-Fetch-Dest: document``, sent by every current browser) — this middleware turns
a refused form's 400/422 HTML answer into 200 and keeps the verdict in ``X-Form-Refused``, which
``static/js/app.js`` reads to mark the form refused and move focus to its first invalid field. One place for every
form; other statuses (403, 404, 429, 500) are left as they are.
"""

from __future__ import annotations

REFUSED = (400, 422)
HEADER = "X-Form-Refused"


def _shown_by_a_browser(request) -> bool:
    return request.headers.get("HX-Request") == "true" or request.headers.get("Sec-Fetch-Dest") == "document"


class RefusedFormMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code in REFUSED
            and response.get("Content-Type", "").startswith("text/html")
            and _shown_by_a_browser(request)
        ):
            response[HEADER] = str(response.status_code)
            response.status_code = 200
            response.reason_phrase = "OK"
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            response["Vary"] = ", ".join([*vary, *(h for h in ("HX-Request", "Sec-Fetch-Dest") if h not in vary)])
        return response
