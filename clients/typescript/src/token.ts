/**
 * Client-credentials tokens, kept and renewed (docs/sync.md, "The loop", step 1): one token
 * is shared by every request, renewed shortly before `expires_in` runs out, and renewed at
 * once when the API refuses it. Callers arriving while a token is being fetched wait for
 * that same fetch, so a burst of requests costs one `POST /oauth/token`, which matters
 * because failed token attempts are rate limited per client id.
 */
import createFetchClient from "openapi-fetch";
import { PirrosApiError } from "./errors.js";
import type { paths } from "./generated/schema.js";

export interface TokenSourceOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: (request: Request) => Promise<Response>;
}

interface Held {
  header: string;
  renewAt: number;
}

export class TokenSource {
  readonly #api;
  readonly #clientId: string;
  readonly #clientSecret: string;
  #held: Held | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: TokenSourceOptions) {
    this.#api = createFetchClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
  }

  /** The `Authorization` header value to send now. */
  authorization(): Promise<string> {
    if (this.#held && Date.now() < this.#held.renewAt) return Promise.resolve(this.#held.header);
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /**
   * After a 401 to `stale`: forget it unless a newer token replaced it meanwhile (another
   * request's 401 already renewed it), then answer the header to retry with.
   */
  renew(stale: string): Promise<string> {
    if (this.#held?.header === stale) this.#held = undefined;
    return this.authorization();
  }

  async #fetch(): Promise<string> {
    const startedAt = Date.now();
    const { data, error, response } = await this.#api.POST("/oauth/token", {
      body: { grant_type: "client_credentials", client_id: this.#clientId, client_secret: this.#clientSecret },
    });
    if (!data) throw PirrosApiError.from(response, error);
    const lifetimeMs = data.expires_in * 1000;
    // A minute early, as docs/sync.md advises, but never more than a tenth of a short lifetime.
    const marginMs = Math.min(60_000, lifetimeMs / 10);
    const header = `Bearer ${data.access_token}`;
    this.#held = { header, renewAt: startedAt + lifetimeMs - marginMs };
    return header;
  }
}
