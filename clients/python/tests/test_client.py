"""The hand-written client against a real pirros-local: tokens, paging, the events feed,
Idempotency-Key and conditional GETs."""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, PROJECT, SDK, WS, Recorder, Server

import pirros
from pirros import ApiError, AuthenticationError, Client
from pirros.generated.api.stashes import create_stash
from pirros.generated.models import CreateStash, ItemIdsIn

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def client(server: Server, **options: object) -> Client:
    return Client(server.base_url, CLIENT_ID, CLIENT_SECRET, **options)  # type: ignore[arg-type]


def stash_body(name: str) -> dict[str, object]:
    return {
        "name": name,
        "project_id": PROJECT,
        "item_ids": {"detail_ids": ["det-parapet"], "family_ids": []},
    }


def test_the_package_under_test_is_the_installed_wheel() -> None:
    # infra/scripts/sdk_python.sh installs the wheel into a venv and runs these tests with
    # it: a pirros imported from the source tree would not test what is shipped.
    installed = Path(pirros.__file__).resolve()
    assert "site-packages" in installed.parts, installed
    assert SDK not in installed.parents, installed
    assert pirros.__version__ != "0.0.0"


def test_a_token_is_fetched_on_first_use_and_renewed_before_it_runs_out(
    start_server, recorder: Recorder
) -> None:
    server = start_server(TOKEN_TTL_SECS="2")
    with client(server, transport=recorder) as pirros_client:
        assert pirros_client.token_fetches == 0  # nothing before the first request
        pirros_client.me()
        pirros_client.me()
        assert pirros_client.token_fetches == 1
        first = recorder.to("GET", "/v1/me")[0].headers["authorization"]
        # A 2 s token is renewed a tenth of its lifetime before it ends.
        time.sleep(2.0)
        assert pirros_client.me().value.client_id == CLIENT_ID
        assert pirros_client.token_fetches == 2
        last = recorder.to("GET", "/v1/me")[-1].headers["authorization"]
    assert first != last
    assert [c.status for c in recorder.to("POST", "/oauth/token")] == [200, 200]


def test_a_refused_token_is_replaced_once(server: Server, recorder: Recorder) -> None:
    with client(server, transport=recorder) as pirros_client:
        pirros_client.me()
        # As if the token had been revoked by a secret roll: the API refuses it.
        pirros_client._tokens._token = "not-a-token"
        assert pirros_client.me().status_code == 200
        assert pirros_client.token_fetches == 2
    assert [c.status for c in recorder.to("GET", "/v1/me")] == [200, 401, 200]


def test_a_wrong_secret_is_an_authentication_error(server: Server) -> None:
    with Client(server.base_url, CLIENT_ID, "not-the-secret") as pirros_client:
        with pytest.raises(AuthenticationError) as raised:
            pirros_client.me()
    assert raised.value.code == "invalid_client"
    assert raised.value.status_code == 401


def test_lists_are_walked_over_every_page(server: Server, recorder: Recorder) -> None:
    with client(server, transport=recorder) as pirros_client:
        one_by_one = [detail.id for detail in pirros_client.details(WS, limit=1)]
        in_one_page = [detail.id for detail in pirros_client.details(WS, limit=100)]
        raw = [
            item["id"]
            for item in pirros_client.paginate(f"/v1/workspaces/{WS}/details", {"limit": 2})
        ]
        families = [family.id for family in pirros_client.families(WS, limit=1)]
        projects = [project.name for project in pirros_client.projects(WS, limit=1)]
        references = list(pirros_client.references(WS, "fam-door-single", limit=1))
        tags = [tag.name for tag in pirros_client.tags(WS)]
    assert len(one_by_one) == 5 and len(set(one_by_one)) == 5
    assert one_by_one == in_one_page == raw
    one_per_page = [
        c.url.params for c in recorder.to("GET", "/details") if c.url.params.get("limit") == "1"
    ]
    # 5 details one per page: 5 pages at least, every one after the first with a cursor.
    assert len(one_per_page) >= 5
    assert "cursor" not in one_per_page[0]
    assert all(params.get("cursor") for params in one_per_page[1:])
    assert len(families) == 4 and len(set(families)) == 4
    assert sorted(projects) == ["Harbour Library", "Riverside Housing"]
    assert {(r.type_, r.id) for r in references} == {
        ("detail", "det-timber-floor"),
        ("stash", "stash-library-doors"),
    }
    assert "masonry" in tags


def test_pages_follow_next_cursor_until_it_is_null(server: Server) -> None:
    with client(server) as pirros_client:
        pages = list(pirros_client.pages(f"/v1/workspaces/{WS}/details", {"limit": 2}))
    assert [len(page.items) for page in pages][:2] == [2, 2]
    assert all(page.next_cursor for page in pages[:-1])
    assert pages[-1].next_cursor is None
    assert sum(len(page.items) for page in pages) == 5


def test_the_events_feed_shows_a_write_and_hands_back_its_cursor(server: Server) -> None:
    with client(server) as pirros_client:
        before = pirros_client.events(WS)
        list(before)
        assert before.cursor  # never null, even for an empty feed
        name = f"feed {uuid.uuid4()}"
        stash = pirros_client.post(f"/v1/workspaces/{WS}/stashes", stash_body(name)).value

        feed = pirros_client.events(WS, after=before.cursor, limit=1)
        events = list(feed)
        created = [e for e in events if e.type_ == "stash.created" and e.object_.id == stash["id"]]
        assert len(created) == 1
        assert created[0].actor.id == CLIENT_ID
        assert feed.cursor and feed.cursor != before.cursor
        # Resuming from the cursor it handed back: nothing seen twice.
        assert [e.id for e in pirros_client.events(WS, after=feed.cursor)] == []


def test_following_the_feed_yields_events_written_meanwhile(server: Server) -> None:
    with client(server) as pirros_client:
        start = pirros_client.events(WS)
        list(start)
        name = f"followed {uuid.uuid4()}"
        stop = threading.Event()
        timer = threading.Timer(
            0.5, lambda: pirros_client.post(f"/v1/workspaces/{WS}/stashes", stash_body(name))
        )
        giving_up = threading.Timer(20, stop.set)
        timer.start()
        giving_up.start()
        seen = None
        try:
            follower = pirros_client.events(
                WS, after=start.cursor, types="stash.*", follow=True, poll_interval=0.2, stop=stop
            )
            for event in follower:
                if event.type_ == "stash.created":
                    seen = event
                    break
        finally:
            giving_up.cancel()
            timer.join()
        assert seen is not None, "the follower did not see the stash written while it waited"
        stash = pirros_client.get_stash(WS, seen.object_.id).value
        assert stash is not None and stash.name == name


def test_the_same_idempotency_key_replays_the_same_stash(server: Server) -> None:
    key = str(uuid.uuid4())
    body = stash_body(f"idempotent {key}")
    with client(server) as pirros_client:
        first = pirros_client.post(f"/v1/workspaces/{WS}/stashes", body, idempotency_key=key)
        second = pirros_client.post(f"/v1/workspaces/{WS}/stashes", body, idempotency_key=key)
        named = [s for s in pirros_client.stashes(WS) if s.name == body["name"]]
    assert first.status_code == 201 and not first.replayed
    assert second.replayed
    assert second.value["id"] == first.value["id"]
    assert len(named) == 1


def test_every_post_gets_an_idempotency_key_also_through_the_generated_client(
    server: Server, recorder: Recorder
) -> None:
    with client(server, transport=recorder) as pirros_client:
        pirros_client.post(f"/v1/workspaces/{WS}/stashes", stash_body("keyed by the sdk"))
        answer = create_stash.sync_detailed(
            uuid.UUID(WS),
            client=pirros_client.api,
            body=CreateStash(
                name="keyed by the sdk, generated",
                project_id=PROJECT,
                item_ids=ItemIdsIn(detail_ids=["det-parapet"], family_ids=[]),
            ),
        )
        pirros_client.get(f"/v1/workspaces/{WS}/stashes")
    assert answer.status_code == 201
    assert answer.parsed.response.name == "keyed by the sdk, generated"
    keys = [c.headers.get("idempotency-key") for c in recorder.to("POST", "/stashes")]
    assert len(keys) == 2 and all(k and UUID4.match(k) for k in keys) and keys[0] != keys[1]
    assert "idempotency-key" not in recorder.to("GET", "/stashes")[0].headers


def test_a_conditional_get_answers_not_modified_while_unchanged(server: Server) -> None:
    with client(server) as pirros_client:
        me = pirros_client.me()
        assert me.etag
        again = pirros_client.me(etag=me.etag)
        assert again.status_code == 304 and again.not_modified and again.value is None

        detail = pirros_client.get_detail(WS, "det-parapet")
        assert not detail.not_modified and detail.value.name == "Parapet coping"
        assert pirros_client.get_detail(WS, "det-parapet", etag=detail.etag).not_modified
        # Another include is another tag: not a 304.
        expanded = pirros_client.get_detail(WS, "det-parapet", include=["tags"], etag=detail.etag)
        assert not expanded.not_modified and expanded.value is not None

        stash = pirros_client.post(f"/v1/workspaces/{WS}/stashes", stash_body("etag")).value
        path = f"/v1/workspaces/{WS}/stashes/{stash['id']}"
        read = pirros_client.get(path)
        assert pirros_client.get(path, etag=read.etag).not_modified
        pirros_client.patch(path, {"name": "etag, renamed"}, if_match=read.etag)
        changed = pirros_client.get(path, etag=read.etag)
        assert not changed.not_modified and changed.value["name"] == "etag, renamed"
        assert changed.etag != read.etag


def test_ids_are_sent_percent_encoded_dots_alone_included(server: Server, recorder: Recorder) -> None:
    with client(server, transport=recorder) as pirros_client:
        for detail_id, sent in (("det:a.b", "det%3Aa.b"), ("..", "%2E%2E"), (".", "%2E")):
            with pytest.raises(ApiError) as raised:
                pirros_client.get_detail(WS, detail_id)
            # The detail route answered (no such detail), not the route a dropped segment
            # would have led to.
            assert raised.value.code == "not_found", detail_id
            assert recorder.calls[-1].url.raw_path.decode().endswith(f"/details/{sent}")


def test_similar_takes_a_limit_and_a_naive_time_is_refused_unsent(
    server: Server, recorder: Recorder
) -> None:
    with client(server, transport=recorder) as pirros_client:
        best = list(pirros_client.similar_families(WS, "fam-door-single", limit=1))
        assert len(best) == 1
        assert recorder.calls[-1].url.params["limit"] == "1"
        sent = len(recorder.calls)
        with pytest.raises(ValueError, match="timezone-aware"):
            list(pirros_client.details(WS, updated_since=datetime(2026, 1, 1)))
        assert len(recorder.calls) == sent
        aware = datetime(2026, 1, 1, tzinfo=timezone.utc)
        assert isinstance(list(pirros_client.details(WS, updated_since=aware)), list)


def test_a_read_with_include_answers_what_it_expanded(server: Server) -> None:
    with client(server) as pirros_client:
        plain = pirros_client.get_detail(WS, "det-parapet")
        assert plain.expanded == {}
        expanded = pirros_client.get_detail(WS, "det-parapet", include=["tags"])
        assert expanded.value is not None
        tags = expanded.expanded["tags"]
        assert set(tags) == set(expanded.value.tag_ids)
        assert all(tag["id"] == tag_id for tag_id, tag in tags.items())
