// A client generated from /openapi.json (openapi-typescript types + openapi-fetch) that
// gets a token and lists the demo workspace's tags. infra/scripts/client_check.sh generates
// ./schema.d.ts next to this file, type-checks it with tsc (strict) and runs it.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Tag = components["schemas"]["Tag"];

const base = process.env.PIRROS_BASE ?? "http://127.0.0.1:3000";
const ws = process.env.PIRROS_WORKSPACE ?? "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40";
const client = createClient<paths>({ baseUrl: base });

function fail(message: string): never {
  console.error(`client_check: ${message}`);
  process.exit(1);
}

const token = await client.POST("/oauth/token", {
  body: {
    grant_type: "client_credentials",
    client_id: process.env.PIRROS_CLIENT_ID ?? "pirros-demo-client",
    client_secret: process.env.PIRROS_CLIENT_SECRET ?? "demo-secret-0123456789abcdef",
  },
});
if (!token.data) fail(`token: ${token.response.status} ${JSON.stringify(token.error)}`);
const bearer = `${token.data.token_type} ${token.data.access_token}`;

const tags = await client.GET("/v1/workspaces/{ws}/tags", {
  params: { path: { ws } },
  headers: { Authorization: bearer },
});
if (!tags.data) fail(`tags: ${tags.response.status} ${JSON.stringify(tags.error)}`);
const list: Tag[] = tags.data.response.data;
const cursor: string | null = tags.data.response.next_cursor;
const requestId: string = tags.data.meta.request_id;
// @ts-expect-error the document gives the list payload no `total`: the types are real.
void tags.data.response.total;

if (tags.response.headers.get("x-request-id") !== requestId) fail("X-Request-Id differs from meta.request_id");
if (cursor !== null) fail("tags are never paged");
const names = list.map((t) => t.name);
for (const want of ["concrete", "steel", "timber"]) {
  if (!names.includes(want)) fail(`tag ${want} missing from ${names.join(", ")}`);
}

// A typed error: another workspace has no grant for this credential.
const other = await client.GET("/v1/workspaces/{ws}/tags", {
  params: { path: { ws: "00000000-0000-4000-8000-000000000000" } },
  headers: { Authorization: bearer },
});
const error = other.error;
if (other.response.status !== 403 || !error || !("meta" in error) || error.error.code !== "insufficient_scope") {
  fail(`another workspace: ${other.response.status} ${JSON.stringify(error)}`);
}

console.log(`client_check: listed ${list.length} tags (${names.join(", ")})`);
