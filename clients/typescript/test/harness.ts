// What every test file shares: a real pirros-local on a free port, with the environment the
// test needs, and a client of the packed @pirros/api pointed at it. infra/scripts/sdk_typescript.sh
// sets PIRROS_LOCAL to the binary; each server lives as long as its test file.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { after } from "node:test";
import { createClient, type ClientOptions, type PirrosClient } from "@pirros/api";

export const WS = "3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40";
export const CLIENT_ID = "pirros-demo-client";
export const CLIENT_SECRET = "demo-secret-0123456789abcdef";

export interface Server {
  baseUrl: string;
  log: () => string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Starts pirros-local (stopped when the file's tests end) and waits until it answers. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const bin = process.env["PIRROS_LOCAL"];
  if (!bin) throw new Error("PIRROS_LOCAL must name the pirros-local binary");
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ["--addr", `127.0.0.1:${port}`], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  after(() => {
    child.kill();
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pirros-local exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/openapi.json`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`pirros-local did not answer on ${baseUrl}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { baseUrl, log: () => output };
}

/** One request as the wire saw it, for tests that count what the SDK sent. */
export interface Sent {
  method: string;
  path: string;
  /** The query string as sent, `?` included (empty when none). */
  search: string;
  status: number;
  at: number;
  headers: Headers;
  retryAfter: string | null;
}

/**
 * A client whose requests are recorded in `sent`; `tamper` may change a request before it
 * goes, or answer in the server's place (a lost answer, say).
 */
export function recordingClient(
  server: Server,
  options: Partial<ClientOptions> & {
    tamper?: (request: Request, send: (r: Request) => Promise<Response>) => Promise<Response>;
  } = {},
): { client: PirrosClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const send = async (request: Request) => {
    const response = await fetch(request);
    sent.push({
      method: request.method,
      path: new URL(request.url).pathname,
      search: new URL(request.url).search,
      status: response.status,
      at: Date.now(),
      headers: new Headers(request.headers),
      retryAfter: response.headers.get("retry-after"),
    });
    return response;
  };
  const { tamper, ...rest } = options;
  const client = createClient({
    baseUrl: server.baseUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...rest,
    fetch: tamper ? (request) => tamper(request, send) : send,
  });
  return { client, sent };
}

export const tokenRequests = (sent: Sent[]) => sent.filter((s) => s.path === "/oauth/token");

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A stash in the demo workspace: the write that tests use to make events. */
export async function createStash(client: PirrosClient, name: string, idempotencyKey?: string) {
  const projects: string[] = [];
  for await (const project of client.projects(WS)) projects.push(project.id);
  const projectId = projects[0];
  if (projectId === undefined) throw new Error("the demo fixture has no project");
  return client.api.POST("/v1/workspaces/{ws}/stashes", {
    params: { path: { ws: WS }, ...(idempotencyKey ? { header: { "Idempotency-Key": idempotencyKey } } : {}) },
    body: { name, project_id: projectId, item_ids: { detail_ids: [], family_ids: [] } },
  });
}
