// Idempotency-Key: the caller's key replays, the SDK sets one on every POST, and its own
// re-send of a POST whose answer was lost carries the same key, so nothing is written twice.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { unwrap } from "@pirros/api";
import { createStash, recordingClient, startServer, WS } from "./harness.js";

const server = await startServer();

async function stashNames(client: ReturnType<typeof recordingClient>["client"]): Promise<string[]> {
  const names: string[] = [];
  for await (const stash of client.stashes(WS)) names.push(stash.name);
  return names;
}

test("the same key replays the first answer", async () => {
  const { client } = recordingClient(server);
  const key = randomUUID();
  const first = await createStash(client, "replayed", key);
  const second = await createStash(client, "replayed", key);
  assert.equal(first.response.status, 201);
  assert.equal(first.response.headers.get("idempotent-replayed"), null);
  assert.equal(second.response.headers.get("idempotent-replayed"), "true");
  assert.equal(unwrap(second).id, unwrap(first).id);
  assert.equal((await stashNames(client)).filter((n) => n === "replayed").length, 1);
});

test("every POST gets a key of its own", async () => {
  const { client, sent } = recordingClient(server);
  unwrap(await createStash(client, "keyed one"));
  unwrap(await createStash(client, "keyed two"));
  const keys = sent.filter((s) => s.method === "POST" && s.path.startsWith("/v1/")).map((s) => s.headers.get("idempotency-key"));
  assert.equal(keys.length, 2);
  for (const key of keys) assert.match(key ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(keys[0], keys[1]);
  assert.deepEqual(sent.filter((s) => s.method === "GET").map((s) => s.headers.get("idempotency-key")), [null, null]);
});

test("a re-sent POST carries the same key and is answered, not written again", async () => {
  let lost = false;
  const { client, sent } = recordingClient(server, {
    // The first stash write reaches the API, but its answer is lost to a 503 on the way back.
    tamper: async (request, send) => {
      const response = await send(request);
      if (request.method === "POST" && request.url.endsWith("/stashes") && !lost) {
        lost = true;
        return new Response("{}", { status: 503, headers: { "Retry-After": "1" } });
      }
      return response;
    },
  });
  const created = await createStash(client, "lost answer");
  assert.equal(created.response.status, 201);
  assert.equal(created.response.headers.get("idempotent-replayed"), "true");
  const posts = sent.filter((s) => s.method === "POST" && s.path.endsWith("/stashes"));
  assert.equal(posts.length, 2);
  assert.ok(posts[0]?.headers.get("idempotency-key"));
  assert.equal(posts[1]?.headers.get("idempotency-key"), posts[0]?.headers.get("idempotency-key"));
  assert.ok((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0) >= 1000, "Retry-After: 1 was waited");
  assert.equal((await stashNames(client)).filter((n) => n === "lost answer").length, 1);
});
