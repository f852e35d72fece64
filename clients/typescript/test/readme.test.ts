// The README's examples, as the packed package ships them: extracted, type-checked (strict)
// and run against pirros-local. The two sync loops must print the same thing, and the line
// counts the README states must be the blocks' own.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { unwrap } from "@pirros/api";
import { recordingClient, sleep, startServer, WS } from "./harness.js";

const readme = readFileSync(new URL("../node_modules/@pirros/api/README.md", import.meta.url), "utf8");
const dir = fileURLToPath(new URL("../readme-examples/", import.meta.url));
const names = ["quickstart", "sync-sdk", "sync-fetch"] as const;

function block(name: string): { code: string; statedLines: number | undefined } {
  const found = new RegExp(`(?:(\\d+) lines[^\\n]*\\n+)?<!-- example:${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(found?.[2], `README.md has no example:${name} block`);
  return { code: found[2], statedLines: found[1] === undefined ? undefined : Number(found[1]) };
}

const server = await startServer();
const env = { ...process.env, PIRROS_BASE_URL: server.baseUrl };

before(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of names) writeFileSync(`${dir}${name}.ts`, block(name).code);
  const tsc = process.env["PIRROS_TSC"];
  const types = process.env["PIRROS_TYPES"];
  assert.ok(tsc && types, "PIRROS_TSC and PIRROS_TYPES name tsc and @types");
  const flags = ["--strict", "--noUncheckedIndexedAccess", "--target", "ES2022", "--module", "NodeNext"];
  execFileSync(tsc, [...flags, "--types", "node", "--typeRoots", types, "--outDir", `${dir}out`, ...names.map((n) => `${dir}${n}.ts`)], {
    stdio: "inherit",
  });
});

test("the quickstart lists the first workspace's tags", () => {
  const quickstart = block("quickstart").code.split("\n").filter((line) => line.trim() !== "");
  assert.ok(quickstart.length <= 12, `${quickstart.length} lines is not a short example`);
  const output = execFileSync(process.execPath, [`${dir}out/quickstart.js`], { env, encoding: "utf8" });
  assert.match(output, /Demo workspace/);
  for (const tag of ["concrete", "steel", "timber"]) assert.match(output, new RegExp(`^- ${tag}$`, "m"));
});

test("the README states each sync loop's line count", () => {
  for (const name of ["sync-sdk", "sync-fetch"]) {
    const { code, statedLines } = block(name);
    assert.equal(statedLines, code.trimEnd().split("\n").length, `${name}: the README's line count`);
  }
});

test("both sync loops copy every detail, then apply the same changes", async () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((child) => child.kill()));
  const outputs = ["sync-sdk", "sync-fetch"].map((name) => {
    const child = spawn(process.execPath, [`${dir}out/${name}.js`], { env, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    const output = { text: "" };
    child.stdout?.on("data", (chunk) => (output.text += chunk));
    return output;
  });
  const until = async (done: () => boolean, what: string) => {
    for (const deadline = Date.now() + 15_000; !done(); await sleep(100)) {
      if (Date.now() > deadline) throw new Error(`waited for ${what}; got ${JSON.stringify(outputs.map((o) => o.text))}`);
    }
  };

  const { client } = recordingClient(server);
  let details = 0;
  for await (const _ of client.details(WS)) details++;
  await until(() => outputs.every((o) => o.text.includes("synced")), "the first copy");
  for (const output of outputs) assert.equal(output.text, `synced ${details} details\n`);

  const flag = unwrap(
    await client.api.POST("/v1/workspaces/{ws}/details/{id}/flags", {
      params: { path: { ws: WS, id: "det-parapet" } },
      body: { reason: "outdated", note: "checked by readme.test.ts" },
    }),
  );
  await until(() => outputs.every((o) => o.text.includes("flag.created")), "the flag");
  unwrap(
    await client.api.PATCH("/v1/workspaces/{ws}/details/{id}/flags/{flag_id}", {
      params: { path: { ws: WS, id: "det-parapet", flag_id: flag.id } },
      body: { status: "resolved", resolution_note: "done" },
    }),
  );
  await until(() => outputs.every((o) => o.text.includes("flag.resolved")), "the resolution");
  for (const output of outputs) {
    assert.equal(
      output.text,
      `synced ${details} details\nflag.created det-parapet open_flags=1\nflag.resolved det-parapet open_flags=0\n`,
    );
  }
});
