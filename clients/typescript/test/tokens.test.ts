// Tokens: one fetch shared by concurrent callers, renewal before `expires_in` runs out, and
// one renewal on a 401.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PirrosApiError, unwrap } from "@pirros/api";
import { recordingClient, sleep, startServer, tokenRequests } from "./harness.js";

// Two seconds, so a test outlives a token; the SDK renews a tenth of the lifetime early.
const server = await startServer({ TOKEN_TTL_SECS: "2" });

test("concurrent first calls share one token fetch", async () => {
  const { client, sent } = recordingClient(server);
  const answers = await Promise.all(Array.from({ length: 5 }, () => client.api.GET("/v1/me")));
  for (const answer of answers) assert.equal(answer.response.status, 200);
  assert.equal(tokenRequests(sent).length, 1);
  const bearers = new Set(sent.filter((s) => s.path === "/v1/me").map((s) => s.headers.get("authorization")));
  assert.equal(bearers.size, 1);
  assert.match([...bearers][0] ?? "", /^Bearer ey/);
});

test("a token is renewed before it expires, without a 401", async () => {
  const { client, sent } = recordingClient(server);
  unwrap(await client.api.GET("/v1/me"));
  await sleep(1000);
  unwrap(await client.api.GET("/v1/me"));
  assert.equal(tokenRequests(sent).length, 1, "a token half-way through its life is kept");
  await sleep(1000);
  unwrap(await client.api.GET("/v1/me"));
  assert.equal(tokenRequests(sent).length, 2, "a token past its renewal point is replaced");
  assert.deepEqual(sent.filter((s) => s.status === 401), []);
});

test("a 401 renews the token once and re-sends", async () => {
  let spoiled = 0;
  const { client, sent } = recordingClient(server, {
    tamper: (request, send) => {
      if (request.url.includes("/v1/") && spoiled++ === 0) request.headers.set("Authorization", "Bearer not-a-token");
      return send(request);
    },
  });
  const me = unwrap(await client.api.GET("/v1/me"));
  assert.equal(me.client_id, "pirros-demo-client");
  assert.deepEqual(sent.map((s) => `${s.path} ${s.status}`), ["/oauth/token 200", "/v1/me 401", "/oauth/token 200", "/v1/me 200"]);
});

test("a second 401 is answered, not retried forever", async () => {
  const { client, sent } = recordingClient(server, {
    tamper: (request, send) => {
      if (request.url.includes("/v1/")) request.headers.set("Authorization", "Bearer not-a-token");
      return send(request);
    },
  });
  const result = await client.api.GET("/v1/me");
  assert.equal(result.response.status, 401);
  assert.throws(() => unwrap(result), (error: unknown) => {
    assert.ok(error instanceof PirrosApiError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "invalid_token");
    assert.match(error.requestId ?? "", /^[0-9a-f-]{36}$/);
    return true;
  });
  assert.equal(sent.filter((s) => s.path === "/v1/me").length, 2);
});

test("a wrong secret is a PirrosApiError naming invalid_client", async () => {
  const { client } = recordingClient(server, { clientSecret: "wrong-secret-0123456789abcdef" });
  await assert.rejects(client.api.GET("/v1/me"), (error: unknown) => {
    assert.ok(error instanceof PirrosApiError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "invalid_client");
    return true;
  });
});
