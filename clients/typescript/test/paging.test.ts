// Lists walked by following `next_cursor`, one item per page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { unwrap } from "@pirros/api";
import { recordingClient, startServer, WS } from "./harness.js";

const server = await startServer();

test("paginate follows next_cursor over several pages", async () => {
  const { client, sent } = recordingClient(server);
  const all = unwrap(await client.api.GET("/v1/workspaces/{ws}/details", { params: { path: { ws: WS }, query: { limit: 100 } } }));
  assert.equal(all.next_cursor, null);
  assert.ok(all.data.length >= 3, `the demo fixture has ${all.data.length} details`);

  const walked: string[] = [];
  for await (const detail of client.paginate("/v1/workspaces/{ws}/details", { params: { path: { ws: WS }, query: { limit: 1 } } })) {
    walked.push(detail.id);
  }
  assert.deepEqual(walked, all.data.map((d) => d.id));
  const pages = sent.filter((s) => s.path.endsWith("/details")).length - 1;
  assert.ok(pages >= all.data.length, `${pages} pages for ${all.data.length} details`);
});

test("pages keep expanded and the named iterators walk too", async () => {
  const { client, sent } = recordingClient(server);
  let pages = 0;
  const tags = new Set<string>();
  for await (const page of client.pages("/v1/workspaces/{ws}/details", {
    params: { path: { ws: WS }, query: { limit: 1, include: ["tags", "project"] } },
  })) {
    pages++;
    for (const id of Object.keys(page.expanded.tags ?? {})) tags.add(id);
  }
  assert.ok(pages >= 3);
  assert.ok(tags.size >= 1, "include expanded the tags");
  // openapi.json declares `include` form with explode: false, `tag_id` exploded.
  assert.match(sent.find((s) => s.path.endsWith("/details"))?.search ?? "", /[?&]include=tags,project(&|$)/);

  const tagged: string[][] = [];
  for await (const detail of client.details(WS, { tag_id: ["tag-masonry", "tag-concrete"] })) tagged.push(detail.tag_ids);
  assert.match(sent.at(-1)?.search ?? "", /[?&]tag_id=tag-masonry&tag_id=tag-concrete(&|$)/);
  for (const tagIds of tagged) assert.ok(tagIds.includes("tag-masonry") && tagIds.includes("tag-concrete"));

  const names: string[] = [];
  for await (const detail of client.details(WS, { limit: 1 })) names.push(detail.name);
  assert.equal(names.length, pages);
  const projects: string[] = [];
  for await (const project of client.projects(WS)) projects.push(project.id);
  assert.ok(projects.length >= 1);
});

test("a walk stops at the caller's break and an error throws", async () => {
  const { client, sent } = recordingClient(server);
  for await (const detail of client.details(WS, { limit: 1 })) {
    assert.ok(detail.id);
    break;
  }
  assert.equal(sent.filter((s) => s.path.endsWith("/details")).length, 1);
  await assert.rejects(
    async () => {
      for await (const _ of client.details(WS, { limit: 1000 })) break;
    },
    { name: "PirrosApiError", status: 400, code: "invalid_request" },
  );
});
