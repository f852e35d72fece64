/**
 * `createClient`: the typed openapi-fetch client over the generated schema, with what every
 * caller of this API would otherwise write by hand (README.md, docs/sync.md): a kept token,
 * waiting out 429 and 503, an `Idempotency-Key` on every POST, walking `next_cursor`, the
 * events feed and conditional GETs.
 */
import createFetchClient, { type Client, type Middleware } from "openapi-fetch";
import { PirrosApiError } from "./errors.js";
import type { paths } from "./generated/schema.js";
import { TokenSource } from "./token.js";
import { createTransport, sleep } from "./transport.js";
import type {
  ConditionalPath,
  Event,
  EventPage,
  GetInit,
  GetOperation,
  ItemOf,
  ListPath,
  ListQuery,
  OkBody,
  PageOf,
  Unwrapped,
} from "./types.js";

export interface ClientOptions {
  /** Where the API is: `https://...`, or `http://127.0.0.1:3000` for pirros-local. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Re-sends after a 429 or 503 beyond the first attempt (default 3). */
  maxRetries?: number;
  /**
   * The longest `Retry-After` the SDK waits out (default 60 000 ms). A longer one throws
   * `PirrosRetryError` at once: an hourly rate limit can ask for most of an hour, which a
   * request handler should not sit through unknowingly.
   */
  maxRetryWaitMs?: number;
  /** The fetch to send with (default: the global one). */
  fetch?: (request: Request) => Promise<Response>;
}

export interface PirrosClient {
  /**
   * The typed client: `api.GET("/v1/me")`, `api.POST("/v1/workspaces/{ws}/stashes", {...})`.
   * It answers openapi-fetch's `{data, error, response}`; `unwrap()` turns that into the
   * `response` or a thrown `PirrosApiError`.
   */
  readonly api: Client<paths>;
  /** The `Authorization` header value requests carry now (fetching a token if needed). */
  authorization(): Promise<string>;
  /** Every item of a list, page after page, following `next_cursor` until it is null. */
  paginate<P extends ListPath>(path: P, init: GetInit<P>): AsyncGenerator<ItemOf<P>, void, undefined>;
  /** Every page of a list (with `expanded`, when `include` asked for it). */
  pages<P extends ListPath>(path: P, init: GetInit<P>): AsyncGenerator<PageOf<P>, void, undefined>;
  /** The events feed of a workspace; see `EventFeedOptions`. */
  events(ws: string, options?: EventFeedOptions): EventFeed;
  /**
   * A GET that sends `etag` as `If-None-Match`: `{notModified: true}` on 304, else the new
   * `data` and its `etag`. Errors throw `PirrosApiError`.
   */
  getIfChanged<P extends ConditionalPath>(
    path: P,
    init: GetInit<P> & { etag?: string | undefined },
  ): Promise<Conditional<Unwrapped<OkBody<GetOperation<P>>>>>;

  tags(ws: string): AsyncGenerator<ItemOf<"/v1/workspaces/{ws}/tags">, void, undefined>;
  projects(ws: string): AsyncGenerator<ItemOf<"/v1/workspaces/{ws}/projects">, void, undefined>;
  details(ws: string, query?: ListQuery<"/v1/workspaces/{ws}/details">): AsyncGenerator<ItemOf<"/v1/workspaces/{ws}/details">, void, undefined>;
  families(ws: string, query?: ListQuery<"/v1/workspaces/{ws}/families">): AsyncGenerator<ItemOf<"/v1/workspaces/{ws}/families">, void, undefined>;
  stashes(ws: string, query?: ListQuery<"/v1/workspaces/{ws}/stashes">): AsyncGenerator<ItemOf<"/v1/workspaces/{ws}/stashes">, void, undefined>;
  webhookEndpoints(ws: string): AsyncGenerator<ItemOf<"/v1/workspaces/{ws}/webhook-endpoints">, void, undefined>;
}

export type Conditional<T> =
  | { notModified: true; etag: string; response: Response }
  | { notModified: false; data: T; etag: string | null; response: Response };

export interface EventFeedOptions {
  /** Resume after this cursor (a saved `feed.cursor`, or a snapshot's `events_cursor`). Absent: the oldest event kept. */
  after?: string | undefined;
  /** Only these types or patterns (`stash.updated`, `detail.*`). */
  types?: string | readonly string[] | undefined;
  /** Events per request, 1 to 100 (the API's default is 25). */
  limit?: number | undefined;
  /** Keep asking after reaching the end (`has_more: false`), every `pollIntervalMs`, until `signal` aborts. */
  follow?: boolean | undefined;
  /** Pause between requests once caught up (default 5000 ms). */
  pollIntervalMs?: number | undefined;
  /** Ends the iteration (without an error) when aborted. */
  signal?: AbortSignal | undefined;
}

/**
 * The events of a workspace, in `sequence` order. Iterate it; `cursor` is where to resume
 * once every event yielded so far has been handled: it moves to a page's `next_cursor` when
 * that page's last event is yielded, so saving it after handling each event loses nothing,
 * and a consumer that stops mid-page sees that page's remaining events again next time
 * (handle events idempotently, as docs/sync.md says to).
 */
export interface EventFeed extends AsyncIterable<Event> {
  readonly cursor: string | undefined;
}

/** The `response` of a `{data, error, response}` result, or its error thrown as `PirrosApiError`. */
export function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(
  result: R,
): Unwrapped<NonNullable<R["data"]>> {
  if (!result.response.ok) throw PirrosApiError.from(result.response, result.error);
  const data = result.data as { response?: unknown } | undefined;
  return (data !== null && typeof data === "object" && "response" in data ? data.response : data) as Unwrapped<
    NonNullable<R["data"]>
  >;
}

// The one query parameter the document declares `explode: false` (comma-separated); every
// other array (`tag_id`) repeats, which is also openapi-fetch's default. See openapi.json.
const COMMA_SEPARATED = new Set(["include"]);

function serializeQuery(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      if (COMMA_SEPARATED.has(name)) parts.push(`${key}=${value.map((v) => encodeURIComponent(String(v))).join(",")}`);
      else for (const v of value) parts.push(`${key}=${encodeURIComponent(String(v))}`);
    } else {
      parts.push(`${key}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.join("&");
}

/**
 * Path templates filled in with each parameter percent-encoded. An id of only dots can
 * reach no resource: `fetch` resolves `.` and `..` (and `%2E`) as dot segments, so the
 * request would land on another route and answer something else; it is refused here.
 */
function serializePath(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) return whole;
    const text = String(value);
    if (text === "." || text === "..") throw new TypeError(`path parameter ${name} cannot be ${JSON.stringify(text)}`);
    return encodeURIComponent(text);
  });
}

type LooseGet = (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export function createClient(options: ClientOptions): PirrosClient {
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const policy = { maxRetries: options.maxRetries ?? 3, maxRetryWaitMs: options.maxRetryWaitMs ?? 60_000 };
  const tokens = new TokenSource({
    baseUrl: options.baseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    fetch: createTransport({ ...policy, fetch: baseFetch }),
  });
  const api = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    fetch: createTransport({ ...policy, fetch: baseFetch, reauthorize: (stale) => tokens.renew(stale) }),
    querySerializer: serializeQuery,
    pathSerializer: serializePath,
  });

  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set("Authorization", await tokens.authorization());
      // Set here, before the transport, so its re-sends carry the same key and the API
      // answers a re-sent write with the first answer instead of writing twice.
      if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
        request.headers.set("Idempotency-Key", crypto.randomUUID());
      }
      return request;
    },
  };
  api.use(auth);

  // openapi-fetch's methods are typed per literal path; the generic helpers below pass a
  // path type parameter it cannot narrow, so they call it through this loose signature.
  const get = api.GET as unknown as LooseGet;

  async function* pages<P extends ListPath>(path: P, init: GetInit<P>): AsyncGenerator<PageOf<P>, void, undefined> {
    const params = (init as { params?: { query?: Record<string, unknown> } }).params ?? {};
    let cursor = params.query?.["cursor"];
    for (;;) {
      const query = { ...params.query, cursor };
      const page = unwrap(await get(path, { ...init, params: { ...params, query } })) as PageOf<P>;
      yield page;
      const next = (page as { next_cursor: string | null }).next_cursor;
      if (next === null) return;
      cursor = next;
    }
  }

  async function* paginate<P extends ListPath>(path: P, init: GetInit<P>): AsyncGenerator<ItemOf<P>, void, undefined> {
    for await (const page of pages(path, init)) yield* (page as { data: ItemOf<P>[] }).data;
  }

  function events(ws: string, feed: EventFeedOptions = {}): EventFeed {
    const state: { cursor: string | undefined } = { cursor: feed.after };
    const types = typeof feed.types === "string" ? feed.types : feed.types?.join(",");
    const filters = { ...(types === undefined ? {} : { types }), ...(feed.limit === undefined ? {} : { limit: feed.limit }) };
    async function* iterate(): AsyncGenerator<Event, void, undefined> {
      try {
        for (;;) {
          const page = unwrap(
            await api.GET("/v1/workspaces/{ws}/events", {
              params: { path: { ws }, query: { ...filters, ...(state.cursor === undefined ? {} : { after: state.cursor }) } },
              signal: feed.signal ?? null,
            }),
          ) as EventPage;
          if (page.data.length === 0) state.cursor = page.next_cursor;
          for (const [i, event] of page.data.entries()) {
            if (i === page.data.length - 1) state.cursor = page.next_cursor;
            yield event;
          }
          if (page.has_more) continue;
          if (!feed.follow) return;
          await sleep(feed.pollIntervalMs ?? 5000, feed.signal);
        }
      } catch (error) {
        if (feed.signal?.aborted) return;
        throw error;
      }
    }
    return {
      get cursor() {
        return state.cursor;
      },
      [Symbol.asyncIterator]: iterate,
    };
  }

  async function getIfChanged<P extends ConditionalPath>(
    path: P,
    init: GetInit<P> & { etag?: string | undefined },
  ): Promise<Conditional<Unwrapped<OkBody<GetOperation<P>>>>> {
    const { etag, ...rest } = init as { etag?: string; params?: { header?: Record<string, unknown> } };
    const header = { ...rest.params?.header, "If-None-Match": etag };
    const result = await get(path, { ...rest, params: { ...rest.params, header } });
    const { response } = result;
    if (response.status === 304) return { notModified: true, etag: response.headers.get("etag") ?? etag ?? "", response };
    const data = unwrap(result) as Unwrapped<OkBody<GetOperation<P>>>;
    return { notModified: false, data, etag: response.headers.get("etag"), response };
  }

  const inWorkspace = (ws: string) => ({ params: { path: { ws } } });
  const searching = <Q extends object>(ws: string, query: Q | undefined) => ({ params: { path: { ws }, query: query ?? {} } });

  return {
    api,
    authorization: () => tokens.authorization(),
    paginate,
    pages,
    events,
    getIfChanged,
    tags: (ws) => paginate("/v1/workspaces/{ws}/tags", inWorkspace(ws)),
    projects: (ws) => paginate("/v1/workspaces/{ws}/projects", inWorkspace(ws)),
    details: (ws, query) => paginate("/v1/workspaces/{ws}/details", searching(ws, query)),
    families: (ws, query) => paginate("/v1/workspaces/{ws}/families", searching(ws, query)),
    stashes: (ws, query) => paginate("/v1/workspaces/{ws}/stashes", searching(ws, query)),
    webhookEndpoints: (ws) => paginate("/v1/workspaces/{ws}/webhook-endpoints", inWorkspace(ws)),
  };
}
