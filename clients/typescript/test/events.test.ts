// The events feed after writes: the iterator yields them, stops at the end unless following,
// and hands back where to resume.
import assert from "node:assert/strict";
import { test } from "node:test";
import { unwrap, type Event } from "@pirros/api";
import { createStash, recordingClient, startServer, WS } from "./harness.js";

const server = await startServer();
const { client } = recordingClient(server);

async function drain(after?: string): Promise<{ events: Event[]; cursor: string | undefined }> {
  const feed = client.events(WS, { after, limit: 2 });
  const events: Event[] = [];
  for await (const event of feed) events.push(event);
  return { events, cursor: feed.cursor };
}

test("a write shows in the feed after the saved cursor, once", async () => {
  const start = await drain();
  assert.ok(start.cursor, "the feed hands back a cursor even when empty");

  const created = [];
  for (const name of ["feed one", "feed two", "feed three"]) {
    created.push(unwrap(await createStash(client, name)).id);
  }
  const next = await drain(start.cursor);
  const stashEvents = next.events.filter((e) => e.type === "stash.created");
  assert.deepEqual(stashEvents.map((e) => e.object.id), created);
  const sequences = next.events.map((e) => e.sequence);
  assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b));
  assert.notEqual(next.cursor, start.cursor);

  const again = await drain(next.cursor);
  assert.deepEqual(again.events, [], "nothing is seen twice");
  assert.ok(again.cursor, "an empty page still hands back a cursor");
});

test("the cursor moves only when a page is finished", async () => {
  const start = await drain();
  for (const name of ["page a", "page b", "page c"]) unwrap(await createStash(client, name));
  const feed = client.events(WS, { after: start.cursor, limit: 2 });
  const seen: string[] = [];
  for await (const event of feed) {
    seen.push(event.object.id);
    if (seen.length === 1) assert.equal(feed.cursor, start.cursor, "mid-page, resume at the page's start");
    if (seen.length === 2) {
      assert.notEqual(feed.cursor, start.cursor, "the page's last event moves it");
      break;
    }
  }
  const rest = await drain(feed.cursor);
  assert.equal(rest.events.length, 1, "the third stash is left after a stop at a page's end");
});

test("follow waits for new events until the signal aborts", async () => {
  const start = await drain();
  const stop = new AbortController();
  const feed = client.events(WS, { after: start.cursor, follow: true, pollIntervalMs: 100, signal: stop.signal });
  const seen: Event[] = [];
  const following = (async () => {
    for await (const event of feed) {
      seen.push(event);
      stop.abort();
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(seen.length, 0);
  const stash = unwrap(await createStash(client, "followed"));
  await following;
  assert.equal(seen[0]?.type, "stash.created");
  assert.equal(seen[0]?.object.id, stash.id);
  assert.ok(feed.cursor);
});
