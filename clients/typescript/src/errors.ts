/**
 * Errors the SDK throws. The API answers errors in three shapes (README.md, "Error codes"):
 * `/v1` wraps them as `{error: {code, message, details?}, meta: {request_id}}`, while
 * `/oauth/token` and every 429 use the flat `{error, error_description, request_id, retry_after?}`.
 * `PirrosApiError` reads all three so callers handle one type.
 */
export class PirrosApiError extends Error {
  override readonly name: string = "PirrosApiError";
  /** The HTTP status. */
  readonly status: number;
  /** `error.code` on `/v1`, `error` on `/oauth/token` and 429s (`invalid_token`, `not_found`, ...). */
  readonly code: string;
  /** The request id to quote to support (`meta.request_id`, `request_id` or `X-Request-Id`). */
  readonly requestId: string | undefined;
  /** `error.details` when the API gave some (`{field}` for `invalid_request`, ...). */
  readonly details: unknown;
  /** The parsed body as the API sent it. */
  readonly body: unknown;

  constructor(status: number, code: string, message: string, requestId: string | undefined, details: unknown, body: unknown) {
    super(`${status} ${code}: ${message}${requestId ? ` (request id ${requestId})` : ""}`);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
    this.body = body;
  }

  /** Builds the error from an answer whose body was already parsed (openapi-fetch's `error`). */
  static from(response: Response, body: unknown): PirrosApiError {
    const headerId = response.headers.get("x-request-id") ?? undefined;
    if (isObject(body)) {
      const inner = body["error"];
      if (isObject(inner)) {
        const meta = body["meta"];
        return new PirrosApiError(
          response.status,
          stringOr(inner["code"], "unknown_error"),
          stringOr(inner["message"], response.statusText),
          (isObject(meta) ? stringOr(meta["request_id"], "") : "") || headerId,
          inner["details"],
          body,
        );
      }
      if (typeof inner === "string") {
        return new PirrosApiError(
          response.status,
          inner,
          stringOr(body["error_description"], response.statusText),
          stringOr(body["request_id"], "") || headerId,
          undefined,
          body,
        );
      }
    }
    return new PirrosApiError(response.status, `http_${response.status}`, response.statusText || "unexpected answer", headerId, undefined, body);
  }

  /** Reads the body of an answer not yet consumed, then builds the error. */
  static async fromResponse(response: Response): Promise<PirrosApiError> {
    const text = await response.text().catch(() => "");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's HTML page, an empty body): keep the text for the caller.
    }
    return PirrosApiError.from(response, body);
  }
}

/**
 * A 429 or 503 the SDK stopped waiting out: `Retry-After` asked for longer than
 * `maxRetryWaitMs`, or `maxRetries` retries were spent. Nothing more was sent after it.
 */
export class PirrosRetryError extends PirrosApiError {
  override readonly name: string = "PirrosRetryError";
  /** How long the last answer asked to wait, in milliseconds. */
  readonly retryAfterMs: number;
  /** Requests sent, the first included. */
  readonly attempts: number;

  constructor(cause: PirrosApiError, retryAfterMs: number, attempts: number, why: string) {
    super(cause.status, cause.code, `${why}; the API said: ${cause.message}`, cause.requestId, cause.details, cause.body);
    this.retryAfterMs = retryAfterMs;
    this.attempts = attempts;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}
