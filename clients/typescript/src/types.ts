/**
 * Types read off the generated schema, so the hand-written layer follows `openapi.json`
 * as it changes: which paths are lists, what they hold, which GETs answer 304.
 */
import type { FetchOptions } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type Schemas = components["schemas"];

export type Event = Schemas["Event"];
export type EventPage = Schemas["EventPage"];
export type Me = Schemas["Me"];
export type Tag = Schemas["Tag"];
export type Project = Schemas["Project"];
export type Detail = Schemas["Detail"];
export type Family = Schemas["Family"];
export type Stash = Schemas["Stash"];
export type Job = Schemas["Job"];
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export type WebhookTestEvent = Schemas["WebhookTestEvent"];

/** The GET operation of a path (`never` when it has none). */
export type GetOperation<P extends keyof paths> = paths[P] extends { get: infer O } ? O : never;

/** What a 200 answers as JSON: the `{response, meta}` envelope on `/v1`. */
export type OkBody<O> = O extends { responses: { 200: { content: { "application/json": infer B } } } } ? B : never;

/** The `response` inside a `/v1` envelope. */
export type Unwrapped<B> = B extends { response: infer R } ? R : B;

/**
 * Paths whose GET answers a page `{data, next_cursor: string | null}`, walked by passing
 * `next_cursor` back as `cursor` (README.md, "Search"). The events feed is not one of them:
 * its `next_cursor` is never null and goes back as `after` (see `events()`).
 */
export type ListPath = {
  [P in keyof paths]: Unwrapped<OkBody<GetOperation<P>>> extends { data: unknown[]; next_cursor: infer C }
    ? null extends C
      ? P
      : never
    : never;
}[keyof paths];

/** One page of a list path. */
export type PageOf<P extends ListPath> = Unwrapped<OkBody<GetOperation<P>>>;

/** One item of a list path. */
export type ItemOf<P extends ListPath> = PageOf<P> extends { data: (infer I)[] } ? I : never;

/** Paths whose GET takes `If-None-Match` and may answer 304. */
export type ConditionalPath = {
  [P in keyof paths]: GetOperation<P> extends { responses: { 304: unknown } } ? P : never;
}[keyof paths];

/** The options `client.api.GET(path, options)` takes for a path. */
export type GetInit<P extends keyof paths> = FetchOptions<GetOperation<P>>;

/** The query a path's GET takes, without `cursor`, which the SDK sets itself. */
export type ListQuery<P extends ListPath> = Omit<
  NonNullable<GetOperation<P> extends { parameters: { query?: infer Q } } ? Q : never>,
  "cursor"
>;
