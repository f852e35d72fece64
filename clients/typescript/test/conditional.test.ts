// Conditional GETs: the ETag sent back as If-None-Match answers "not modified" until the
// resource changes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PirrosApiError, unwrap } from "@pirros/api";
import { createStash, recordingClient, startServer, WS } from "./harness.js";

const server = await startServer();
const { client, sent } = recordingClient(server);

test("/v1/me: 304 with the ETag, data without", async () => {
  const first = await client.getIfChanged("/v1/me", {});
  assert.equal(first.notModified, false);
  if (first.notModified) return;
  assert.equal(first.data.client_id, "pirros-demo-client");
  assert.ok(first.etag);

  const second = await client.getIfChanged("/v1/me", { etag: first.etag });
  assert.equal(second.notModified, true);
  assert.equal(second.response.status, 304);
  assert.equal(second.etag, first.etag);
  assert.equal(sent.at(-1)?.headers.get("if-none-match"), first.etag);
});

test("a stash: not modified until it changes", async () => {
  const stash = unwrap(await createStash(client, "watched"));
  const path = { params: { path: { ws: WS, id: stash.id } } };
  const read = await client.getIfChanged("/v1/workspaces/{ws}/stashes/{id}", path);
  assert.ok(!read.notModified && read.etag);
  assert.equal((await client.getIfChanged("/v1/workspaces/{ws}/stashes/{id}", { ...path, etag: read.etag })).notModified, true);

  unwrap(await client.api.PATCH("/v1/workspaces/{ws}/stashes/{id}", { ...path, body: { name: "watched, renamed" } }));
  const changed = await client.getIfChanged("/v1/workspaces/{ws}/stashes/{id}", { ...path, etag: read.etag });
  assert.equal(changed.notModified, false);
  if (changed.notModified) return;
  assert.equal(changed.data.name, "watched, renamed");
  assert.notEqual(changed.etag, read.etag);
});

test("a missing resource throws, whatever the ETag", async () => {
  await assert.rejects(
    client.getIfChanged("/v1/workspaces/{ws}/stashes/{id}", { params: { path: { ws: WS, id: "no-such-stash" } }, etag: '"v1"' }),
    (error: unknown) => error instanceof PirrosApiError && error.status === 404 && error.code === "not_found",
  );
});

test("ids are sent percent-encoded, and an id of only dots is refused before it is sent", async () => {
  const before = sent.length;
  const missing = await client.api.GET("/v1/workspaces/{ws}/details/{id}", { params: { path: { ws: WS, id: "det:a.b" } } });
  assert.equal(missing.response.status, 404, "the detail route, not another one");
  assert.equal(sent.at(-1)?.path, `/v1/workspaces/${WS}/details/det%3Aa.b`);
  for (const id of [".", ".."]) {
    await assert.rejects(
      client.api.GET("/v1/workspaces/{ws}/details/{id}", { params: { path: { ws: WS, id } } }),
      TypeError,
      id,
    );
  }
  assert.equal(sent.length, before + 1, "nothing sent for the dot ids");
});
