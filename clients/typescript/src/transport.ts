/**
 * The fetch every SDK request goes through: it re-sends a request the API asked to wait for
 * (429, 503 with `Retry-After`) and, once, a request refused with 401 after renewing the
 * token. It buffers the body so each attempt sends the same bytes and the same headers,
 * `Idempotency-Key` included, which is what makes re-sending a POST safe.
 */
import { PirrosApiError, PirrosRetryError } from "./errors.js";

export interface RetryPolicy {
  /** Re-sends after a 429 or 503, beyond the first attempt. */
  maxRetries: number;
  /** The longest `Retry-After` waited out; a longer one throws `PirrosRetryError` at once. */
  maxRetryWaitMs: number;
}

export interface TransportOptions extends RetryPolicy {
  fetch: (request: Request) => Promise<Response>;
  /**
   * Called on a 401 to a request that carried `Authorization`: answers the header value to
   * send instead (a renewed token), or undefined to give the 401 back.
   */
  reauthorize?: (stale: string) => Promise<string | undefined>;
}

// When 429/503 come without Retry-After (a proxy in the way), back off from this.
const FALLBACK_WAIT_MS = 1000;

export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  return async function send(original: Request): Promise<Response> {
    const body = original.body === null ? null : await original.arrayBuffer();
    const headers = new Headers(original.headers);
    let reauthorized = false;
    for (let attempt = 1; ; attempt++) {
      const response = await options.fetch(
        new Request(original.url, {
          method: original.method,
          headers,
          body,
          signal: original.signal,
          redirect: original.redirect,
        }),
      );

      const stale = headers.get("authorization");
      if (response.status === 401 && stale && options.reauthorize && !reauthorized) {
        reauthorized = true;
        const fresh = await options.reauthorize(stale);
        if (fresh !== undefined) {
          await discard(response);
          headers.set("authorization", fresh);
          continue;
        }
      }

      if (response.status !== 429 && response.status !== 503) return response;

      const waitMs = retryAfterMs(response.headers.get("retry-after")) ?? FALLBACK_WAIT_MS * 2 ** (attempt - 1);
      if (waitMs > options.maxRetryWaitMs) {
        const error = await PirrosApiError.fromResponse(response);
        throw new PirrosRetryError(
          error,
          waitMs,
          attempt,
          `Retry-After asks for ${Math.ceil(waitMs / 1000)} s, more than maxRetryWaitMs (${options.maxRetryWaitMs} ms)`,
        );
      }
      if (attempt > options.maxRetries) {
        const error = await PirrosApiError.fromResponse(response);
        throw new PirrosRetryError(error, waitMs, attempt, `still ${response.status} after ${attempt} attempts (maxRetries ${options.maxRetries})`);
      }
      await discard(response);
      await sleep(waitMs, original.signal);
    }
  };
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// An unread body keeps its connection busy until garbage collection; free it now.
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
