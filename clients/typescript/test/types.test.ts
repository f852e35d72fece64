// The generated types are the API's: the document they came from is the one pirros-local
// serves, answers have the fields the types name (and no others the types would invent),
// and the type-level helpers accept exactly the paths they should. The @ts-expect-error
// lines fail the type-check (run before these tests) when a type is looser than the API.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { PirrosApiError, unwrap, type components, type ItemOf, type ListPath } from "@pirros/api";
import { recordingClient, startServer, WS } from "./harness.js";

const server = await startServer();
const { client } = recordingClient(server);
const OTHER_WS = "00000000-0000-4000-8000-000000000000";

test("pirros-local serves the document the package's types were generated from", async () => {
  const path = process.env["PIRROS_OPENAPI"];
  assert.ok(path, "PIRROS_OPENAPI names the repository's openapi.json");
  const served: unknown = await (await fetch(`${server.baseUrl}/openapi.json`)).json();
  assert.deepEqual(served, JSON.parse(readFileSync(path, "utf8")), "rebuild pirros-local or regenerate: they disagree");
});

test("a list answer is typed as it comes", async () => {
  const tags = await client.api.GET("/v1/workspaces/{ws}/tags", { params: { path: { ws: WS } } });
  assert.ok(tags.data);
  const list: components["schemas"]["Tag"][] = tags.data.response.data;
  const cursor: string | null = tags.data.response.next_cursor;
  const requestId: string = tags.data.meta.request_id;
  // @ts-expect-error the document gives the list payload no `total`.
  void tags.data.response.total;
  assert.equal(tags.response.headers.get("x-request-id"), requestId);
  assert.equal(cursor, null, "tags are never paged");
  const names = list.map((t) => t.name);
  for (const want of ["concrete", "steel", "timber"]) assert.ok(names.includes(want), `${want} in ${names.join(", ")}`);
});

test("an error is typed, and unwrap throws it as PirrosApiError", async () => {
  const other = await client.api.GET("/v1/workspaces/{ws}/tags", { params: { path: { ws: OTHER_WS } } });
  const error = other.error;
  assert.equal(other.response.status, 403);
  assert.ok(error && "meta" in error);
  assert.equal(error.error.code, "insufficient_scope");
  assert.throws(() => unwrap(other), (thrown: unknown) => {
    assert.ok(thrown instanceof PirrosApiError);
    assert.equal(thrown.status, 403);
    assert.equal(thrown.code, "insufficient_scope");
    assert.equal(thrown.requestId, error.meta.request_id);
    assert.equal(thrown.requestId, other.response.headers.get("x-request-id"));
    return true;
  });
});

test("the helpers take only the paths they fit", () => {
  const lists: ListPath[] = ["/v1/workspaces/{ws}/tags", "/v1/workspaces/{ws}/details", "/v1/workspaces/{ws}/stashes"];
  // @ts-expect-error the events feed pages by `after`, not `cursor`: events() walks it.
  const feed: ListPath = "/v1/workspaces/{ws}/events";
  // @ts-expect-error a single resource is not a list.
  const single: ListPath = "/v1/workspaces/{ws}/stashes/{id}";
  const item: ItemOf<"/v1/workspaces/{ws}/details"> | undefined = undefined;
  // @ts-expect-error a detail has no `secret`.
  void item?.secret;
  // @ts-expect-error tags answer no ETag, so there is no conditional GET of them.
  void client.getIfChanged("/v1/workspaces/{ws}/tags", { params: { path: { ws: WS } } }).catch(() => undefined);
  assert.equal(lists.length + [feed, single].length, 5);
});
