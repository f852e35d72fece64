"""Waiting when the API asks: Retry-After on 429 (a real pirros-local with a tiny rate
limit) and on 503 (a scripted transport: pirros-local answers 503 only with the
killswitch, which needs the admin tool on DynamoDB), and the caps."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, PROJECT, WS, Recorder

from pirros import AuthenticationError, Client, RetryError

# 2 requests per 3-second window: the third waits (Retry-After is 1 to 3 s).
LIMITED = {"API_RATE_LIMIT_PER_HOUR": "2", "API_RATE_LIMIT_WINDOW_SECS": "3"}


def use_up_the_window(pirros_client: Client) -> None:
    """Spends what is left of the window, however much of it an earlier request left."""
    while True:
        answer = pirros_client.http.get("/v1/me")
        if answer.status_code == 429:
            return
        assert answer.status_code == 200, answer.text
        if answer.headers["x-ratelimit-remaining"] == "0":
            return


def test_a_post_answered_429_is_sent_again_after_retry_after_with_the_same_key(
    start_server, recorder: Recorder
) -> None:
    server = start_server(**LIMITED)
    name = f"after a 429 {uuid.uuid4()}"
    body = {"name": name, "project_id": PROJECT, "item_ids": {"detail_ids": [], "family_ids": []}}
    with Client(
        server.base_url, CLIENT_ID, CLIENT_SECRET, transport=recorder, max_retry_wait=10
    ) as c:
        use_up_the_window(c)
        created = c.post(f"/v1/workspaces/{WS}/stashes", body)
        assert created.status_code == 201
        attempts = recorder.to("POST", "/stashes")
        # (This list is rate limited too: the SDK waits for it as well.)
        named = [s for s in c.stashes(WS) if s.name == name]
    assert attempts[0].status == 429 and attempts[-1].status == 201
    assert len({a.headers["idempotency-key"] for a in attempts}) == 1
    # The 429 said how long to wait, and the next send came no sooner.
    retry_after = int(attempts[0].response_headers["retry-after"])
    assert attempts[1].at - attempts[0].at >= retry_after
    # The stash exists once, although its POST was sent more than once.
    assert len(named) == 1


def test_a_retry_after_longer_than_the_cap_gives_up_at_once(
    start_server, recorder: Recorder
) -> None:
    server = start_server(**LIMITED)
    with Client(
        server.base_url, CLIENT_ID, CLIENT_SECRET, transport=recorder, max_retry_wait=0.5
    ) as c:
        use_up_the_window(c)
        sent_before = len(recorder.calls)
        started = time.monotonic()
        with pytest.raises(RetryError) as raised:
            c.tags(WS).__next__()
        took = time.monotonic() - started
    error = raised.value
    assert error.status_code == 429 and error.code == "too_many_requests"
    assert error.retry_after is not None and error.retry_after > 0.5
    assert error.attempts == 1
    assert "max_retry_wait=0.5" in str(error) and "GET /v1/workspaces/" in str(error)
    assert len(recorder.calls) == sent_before + 1  # not sent again
    assert took < 0.5


def test_max_attempts_caps_the_number_of_sends(start_server, recorder: Recorder) -> None:
    server = start_server(**LIMITED)
    with Client(server.base_url, CLIENT_ID, CLIENT_SECRET, transport=recorder, max_attempts=1) as c:
        use_up_the_window(c)
        with pytest.raises(RetryError) as raised:
            c.me()
    assert raised.value.attempts == 1
    assert "max_attempts=1" in str(raised.value)


def test_the_token_request_waits_out_a_429_too(start_server, recorder: Recorder) -> None:
    # One failed attempt locks the client id out for 2 s (per client id and source IP).
    server = start_server(TOKEN_RATE_LIMIT_ATTEMPTS="1", TOKEN_RATE_LIMIT_WINDOW_SECS="2")
    # Windows start at multiples of 2 s since the epoch: begin just after one starts, or the
    # wrong attempt may fall at a window's end and the next request find a new window.
    time.sleep(2 - time.time() % 2 + 0.05)
    with Client(server.base_url, CLIENT_ID, "wrong") as wrong:
        with pytest.raises(AuthenticationError):
            wrong.me()
    with Client(server.base_url, CLIENT_ID, CLIENT_SECRET, max_retry_wait=0.5) as capped:
        with pytest.raises(RetryError) as raised:
            capped.me()
        assert "POST /oauth/token" in str(raised.value)
    with Client(
        server.base_url, CLIENT_ID, CLIENT_SECRET, transport=recorder, max_retry_wait=10
    ) as patient:
        assert patient.me().value.client_id == CLIENT_ID
    tokens = recorder.to("POST", "/oauth/token")
    assert tokens[0].status == 429 and tokens[-1].status == 200
    assert tokens[-1].at - tokens[0].at >= int(tokens[0].response_headers["retry-after"])


def test_a_503_is_waited_out_as_its_retry_after_says() -> None:
    answers = iter(
        [
            httpx.Response(
                503,
                headers={"Retry-After": "1"},
                json={"error": {"code": "service_unavailable", "message": "off"}},
            ),
            httpx.Response(
                200, json={"response": {"data": [], "next_cursor": None, "expanded": {}}}
            ),
        ]
    )
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(
                200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
            )
        seen.append(request)
        return next(answers)

    with Client(
        "http://pirros.test", CLIENT_ID, CLIENT_SECRET, transport=httpx.MockTransport(api)
    ) as c:
        started = time.monotonic()
        assert list(c.projects(WS)) == []
        took = time.monotonic() - started
    assert len(seen) == 2 and took >= 1.0


def test_a_503_longer_than_the_cap_is_a_retry_error() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(
                200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600}
            )
        return httpx.Response(
            503,
            headers={"Retry-After": "10", "X-Request-Id": "r-1"},
            json={
                "error": {"code": "service_unavailable", "message": "off"},
                "meta": {"request_id": "r-1"},
            },
        )

    with Client(
        "http://pirros.test",
        CLIENT_ID,
        CLIENT_SECRET,
        max_retry_wait=5,
        transport=httpx.MockTransport(api),
    ) as c:
        with pytest.raises(RetryError) as raised:
            c.me()
    assert raised.value.status_code == 503 and raised.value.code == "service_unavailable"
    assert raised.value.request_id == "r-1"
    assert "Retry-After 10 s is more than max_retry_wait=5 s" in str(raised.value)
