"""Sending one request of a delivery: retried only when it certainly did not arrive, or when the server asked.

``hotpapers.http.request`` retries timeouts and 5xx answers, which is right for reading and wrong for posting a
message: a request that timed out may have been delivered, and sending it again would post it twice. Here:

* a failure to connect (nothing reached the server) is retried, with a short backoff;
* 429 (rate limited) is retried after the ``Retry-After`` the server gives (or a JSON ``retry_after``, as Discord
  and Telegram write it), at most ``MAX_WAIT`` seconds, a few times;
* any other answer is returned, for the channel to read;
* a timeout or a broken connection once the request was sent raises ``DeliveryError(unconfirmed=True)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import orjson

from hotpapers.errors import DeliveryError
from hotpapers.http import redact_url

__all__ = ["MAX_WAIT", "post", "refused"]

MAX_WAIT = 120.0
CONNECT_ATTEMPTS = 3
RATE_LIMIT_ATTEMPTS = 4


def _retry_after(response: httpx.Response) -> float:
    header = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(header)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            raw = body.get("retry_after", (body.get("parameters") or {}).get("retry_after"))
            seconds = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else math.nan
    return min(MAX_WAIT, max(0.0, seconds)) if math.isfinite(seconds) else 5.0


def post(
    client: httpx.Client,
    url: str,
    *,
    what: str,
    sleep: Callable[[float], None],
    json: Any = None,
    data: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    method: str = "POST",
) -> httpx.Response:
    """Send one request of a delivery (see the module docstring) and return the answer.

    Raises:
        DeliveryError: the server could not be reached (``unconfirmed`` False), or the request may have arrived but
            no answer came (``unconfirmed`` True).
    """
    shown = redact_url(url)
    connect_failures = rate_limited = 0
    while True:
        try:
            response = client.request(method, url, json=json, data=data, headers=headers, params=params)
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            connect_failures += 1
            if connect_failures >= CONNECT_ATTEMPTS:
                raise DeliveryError(f"{what}: cannot connect to {shown}: {type(e).__name__}") from e
            sleep(2.0**connect_failures)
            continue
        except httpx.HTTPError as e:
            raise DeliveryError(f"{what}: no answer from {shown} after sending ({type(e).__name__}); it may have "
                                "arrived", unconfirmed=True) from e  # fmt: skip
        if response.status_code == 429 and rate_limited < RATE_LIMIT_ATTEMPTS:
            rate_limited += 1
            sleep(_retry_after(response))
            continue
        return response


def refused(response: httpx.Response, what: str, detail: str | None = None) -> DeliveryError:
    """The error for an answer that refused the message (it did not arrive: a later run may send it)."""
    said = f": {' '.join(detail.split())[:200]}" if detail else ""
    return DeliveryError(f"{what}: HTTP {response.status_code} from {redact_url(response.request.url)}{said}")


def json_body(response: httpx.Response, what: str) -> dict[str, Any]:
    """The answer's JSON object.

    Raises:
        DeliveryError: the answer is not a JSON object (``unconfirmed``: the request was accepted, its result is not
            known).
    """
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        raise DeliveryError(f"{what}: the answer from {redact_url(response.request.url)} is not a JSON object",
                            unconfirmed=True)  # fmt: skip
    return body
