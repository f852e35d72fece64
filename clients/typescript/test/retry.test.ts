// 429 with Retry-After: waited out on /v1 and on /oauth/token, and refused with a clear
// error when it asks for more than maxRetryWaitMs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PirrosRetryError, unwrap } from "@pirros/api";
import { recordingClient, startServer, tokenRequests } from "./harness.js";

test("a 429 on /v1 is waited out for Retry-After, then re-sent", async () => {
  // Three requests per 4-second window: the fourth is told to wait.
  const server = await startServer({ API_RATE_LIMIT_PER_HOUR: "3", API_RATE_LIMIT_WINDOW_SECS: "4" });
  const { client, sent } = recordingClient(server);
  for (let i = 0; i < 4; i++) unwrap(await client.api.GET("/v1/me"));
  const v1 = sent.filter((s) => s.path === "/v1/me");
  const limited = v1.findIndex((s) => s.status === 429);
  assert.ok(limited > 0, `a 429 came: ${v1.map((s) => s.status).join(", ")}`);
  const waitedFor = Number(v1[limited]?.retryAfter);
  assert.ok(waitedFor >= 1);
  const retried = v1[limited + 1];
  assert.equal(retried?.status, 200);
  assert.ok((retried?.at ?? 0) - (v1[limited]?.at ?? 0) >= waitedFor * 1000 - 50, "re-sent no sooner than Retry-After");

  // The cap: the next request is told to wait seconds, more than this client will.
  const impatient = recordingClient(server, { maxRetryWaitMs: 100 });
  for (let i = 0; i < 3; i++) await impatient.client.api.GET("/v1/me").catch(() => undefined);
  await assert.rejects(impatient.client.api.GET("/v1/me"), (error: unknown) => {
    assert.ok(error instanceof PirrosRetryError);
    assert.equal(error.status, 429);
    assert.equal(error.code, "too_many_requests");
    assert.equal(error.attempts, 1);
    assert.ok(error.retryAfterMs > 100);
    assert.match(error.message, /Retry-After asks for \d+ s, more than maxRetryWaitMs \(100 ms\)/);
    assert.match(error.requestId ?? "", /^[0-9a-f-]{36}$/);
    return true;
  });
});

test("maxRetries bounds the attempts", async () => {
  const server = await startServer();
  const { client, sent } = recordingClient(server, {
    maxRetries: 2,
    tamper: async (request, send) => {
      await send(request);
      return new Response(JSON.stringify({ error: "too_many_requests", error_description: "slow down", retry_after: 0, request_id: "r" }), {
        status: 429,
        headers: { "Retry-After": "0" },
      });
    },
  });
  await assert.rejects(client.authorization(), (error: unknown) => {
    assert.ok(error instanceof PirrosRetryError);
    assert.equal(error.attempts, 3);
    assert.match(error.message, /still 429 after 3 attempts \(maxRetries 2\).*slow down/);
    return true;
  });
  assert.equal(tokenRequests(sent).length, 3);
});

test("a 429 on /oauth/token is waited out too, within the cap", async () => {
  // Two failed attempts per client id lock it for the window (README.md, "Rate limits").
  const server = await startServer({ TOKEN_RATE_LIMIT_ATTEMPTS: "2", TOKEN_RATE_LIMIT_WINDOW_SECS: "2" });
  // Windows start at multiples of 2 s since the epoch: begin just after one starts, or the
  // wrong attempts may fall at a window's end and the next request find a new window.
  await new Promise((resolve) => setTimeout(resolve, 2000 - (Date.now() % 2000) + 50));
  const wrong = recordingClient(server, { clientSecret: "wrong-secret-0123456789abcdef" });
  for (let i = 0; i < 2; i++) await assert.rejects(wrong.client.authorization(), { code: "invalid_client" });

  const impatient = recordingClient(server, { maxRetryWaitMs: 0 });
  await assert.rejects(impatient.client.authorization(), (error: unknown) => {
    assert.ok(error instanceof PirrosRetryError);
    assert.equal(error.status, 429);
    return true;
  });

  const patient = recordingClient(server);
  assert.equal(unwrap(await patient.client.api.GET("/v1/me")).client_id, "pirros-demo-client");
  const tokens = tokenRequests(patient.sent);
  assert.equal(tokens[0]?.status, 429);
  assert.equal(tokens.at(-1)?.status, 200);
});
