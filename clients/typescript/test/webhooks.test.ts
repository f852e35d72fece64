// Webhooks end to end: an endpoint made through the SDK, real signed deliveries from
// pirros-local to a receiver here, verified with verifyWebhook; tampering is refused.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import { unwrap, verifyWebhook, WebhookVerificationError } from "@pirros/api";
import { createStash, recordingClient, startServer, WS } from "./harness.js";

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const server = await startServer({ WEBHOOK_ALLOW_PRIVATE_URLS: "true" });
const { client } = recordingClient(server);

const deliveries: Delivery[] = [];
const waiting: (() => void)[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    deliveries.push({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(204).end();
    waiting.splice(0).forEach((wake) => wake());
  });
});
receiver.listen(0, "127.0.0.1");
await once(receiver, "listening");
const address = receiver.address();
assert.ok(address !== null && typeof address === "object");
test.after(() => receiver.close());

async function delivery(match: (body: string) => boolean): Promise<Delivery> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = deliveries.find((d) => match(d.body.toString()));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching delivery in 10 s; got ${deliveries.length}`);
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      setTimeout(resolve, 250);
    });
  }
}

const endpoint = unwrap(
  await client.api.POST("/v1/workspaces/{ws}/webhook-endpoints", {
    params: { path: { ws: WS } },
    body: { url: `http://127.0.0.1:${address.port}/hooks`, event_types: ["stash.*"] },
  }),
);

test("a test delivery verifies with the endpoint's secret", async () => {
  assert.match(endpoint.secret, /^whsec_/);
  const sent = unwrap(await client.api.POST("/v1/workspaces/{ws}/webhook-endpoints/{id}/test", { params: { path: { ws: WS, id: endpoint.id } } }));
  const got = await delivery((body) => body.includes('"webhook.test"'));
  const event = verifyWebhook(endpoint.secret, got.headers, got.body);
  assert.equal(event.type, "webhook.test");
  assert.deepEqual(event.object, { type: "webhook_endpoint", id: endpoint.id });
  assert.equal(got.headers["webhook-id"], event.id);
  assert.ok(sent.delivery_id);
});

test("an event delivery verifies, from Headers and a string body too", async () => {
  const stash = unwrap(await createStash(client, "hooked"));
  const got = await delivery((body) => body.includes(stash.id));
  const headers = new Headers(Object.entries(got.headers).map(([k, v]) => [k, String(v)] as [string, string]));
  const event = verifyWebhook(endpoint.secret, headers, got.body.toString("utf8"));
  assert.equal(event.type, "stash.created");
  assert.equal(event.object.id, stash.id);
  assert.ok(typeof event.sequence === "number" && event.sequence >= 1);
});

test("a tampered body, a wrong secret or a missing signature is refused", async () => {
  const got = await delivery((body) => body.includes('"webhook.test"'));
  const tampered = Buffer.from(got.body.toString().replace('"webhook.test"', '"stash.removed"'));
  assert.throws(() => verifyWebhook(endpoint.secret, got.headers, tampered), WebhookVerificationError);
  const other = "whsec_" + Buffer.alloc(32, 7).toString("base64");
  assert.throws(() => verifyWebhook(other, got.headers, got.body), WebhookVerificationError);
  assert.doesNotThrow(() => verifyWebhook([other, endpoint.secret], got.headers, got.body), "either secret of a roll");
  const { ["webhook-signature"]: _, ...unsigned } = got.headers;
  assert.throws(() => verifyWebhook(endpoint.secret, unsigned, got.body), WebhookVerificationError);
});

test("what is signed but no event, an odd timestamp or a bad secret throws WebhookVerificationError", () => {
  const secret = "whsec_" + Buffer.alloc(32, 11).toString("base64");
  const now = String(Math.floor(Date.now() / 1000));
  const sign = (body: string) =>
    "v1," +
    createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64"))
      .update(`msg_1.${now}.${body}`)
      .digest("base64");
  const headers = (body: string, timestamp = now) => ({
    "webhook-id": "msg_1",
    "webhook-timestamp": timestamp,
    "webhook-signature": sign(body),
  });
  const event = '{"type":"webhook.test"}';
  assert.deepEqual(verifyWebhook(secret, headers(event), event), { type: "webhook.test" });
  for (const body of ["hello", "", "[1,2]"]) {
    assert.throws(() => verifyWebhook(secret, headers(body), body), WebhookVerificationError, body);
  }
  assert.throws(() => verifyWebhook(secret, headers(event, `${now}.9`), event), /whole Unix seconds/);
  for (const bad of ["whsec_!!!notbase64", "whsec_", ""]) {
    assert.throws(() => verifyWebhook(bad, headers(event), event), WebhookVerificationError, bad);
  }
});
