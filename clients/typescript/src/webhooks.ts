/**
 * Verifying webhook deliveries (docs/webhooks.md). The API signs with Standard Webhooks, so
 * this delegates to the reference `standardwebhooks` package rather than re-implementing
 * HMAC checks, timestamp tolerance and constant-time comparison.
 */
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { webhooks } from "./generated/schema.js";

export { WebhookVerificationError };

/**
 * A delivery's body as openapi.json declares it (its `webhooks.event`): an event of the feed,
 * or the `webhook.test` event that `POST .../webhook-endpoints/{id}/test` sends
 * (`sequence: null`, `object.type: "webhook_endpoint"`).
 */
export type WebhookEvent = webhooks["event"]["post"]["requestBody"]["content"]["application/json"];

/** Headers as `fetch` (`Headers`) or `node:http` (`req.headers`) hand them over. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery's `webhook-signature` against the endpoint's secret (`whsec_...`) and
 * `webhook-timestamp` against the clock (5 minutes either way), then answers the parsed event.
 * Pass the body exactly as received (string or bytes): re-serialised JSON does not verify.
 * During a secret roll pass both secrets; any one matching is enough.
 * Throws `WebhookVerificationError` when the delivery is not genuine.
 */
export function verifyWebhook(
  secret: string | readonly string[],
  headers: WebhookHeaders,
  body: string | Uint8Array,
): WebhookEvent {
  const flat: Record<string, string> = {};
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(" ") : value;
  }
  // The signature covers the header as sent; the library reads it with parseInt, so
  // `1700000000.9` would pass for `1700000000`. Whole Unix seconds only.
  const timestamp = flat["webhook-timestamp"];
  if (timestamp !== undefined && !/^[0-9]+$/.test(timestamp)) {
    throw new WebhookVerificationError(`webhook-timestamp ${JSON.stringify(timestamp)} is not whole Unix seconds`);
  }
  const secrets = typeof secret === "string" ? [secret] : secret;
  let failure = new WebhookVerificationError("No secret given");
  for (const candidate of secrets) {
    try {
      const event: unknown = new Webhook(candidate).verify(body, flat);
      if (event === null || typeof event !== "object" || Array.isArray(event)) {
        throw new WebhookVerificationError("The body is not a JSON object");
      }
      return event as WebhookEvent;
    } catch (error) {
      // A secret that is not one, or a signed body that is not JSON, is refused alike:
      // callers catch one error type.
      failure =
        error instanceof WebhookVerificationError
          ? error
          : new WebhookVerificationError(error instanceof Error ? error.message : String(error));
    }
  }
  throw failure;
}
