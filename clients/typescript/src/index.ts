/**
 * @pirros/api: the Pirros External API from TypeScript. `createClient` gives the typed
 * client (`api`), paging, the events feed and conditional GETs; `verifyWebhook` checks
 * deliveries. The generated types are `paths` and `components` (also `@pirros/api/schema`).
 */
export { createClient, unwrap } from "./client.js";
export type { ClientOptions, Conditional, EventFeed, EventFeedOptions, PirrosClient } from "./client.js";
export { PirrosApiError, PirrosRetryError } from "./errors.js";
export { verifyWebhook, WebhookVerificationError } from "./webhooks.js";
export type { WebhookEvent, WebhookHeaders } from "./webhooks.js";
export type { components, operations, paths, webhooks } from "./generated/schema.js";
export type * from "./types.js";
