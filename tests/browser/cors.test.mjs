// CORS in a real browser: a page served from another origin that CORS_ALLOWED_ORIGINS
// lists gets a token (a JSON POST, so the browser sends a preflight first) and lists the
// demo workspace's tags with it; the same page from an origin the list does not name is
// refused by the browser itself, before its script sees any answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { DEMO, freePort, launchBrowser, startServer, stopServer } from './harness.mjs';

/** The integrator's page: its script calls the API and leaves the outcome in `window.outcome`. */
function page(api) {
  return `<!doctype html><meta charset="utf-8"><title>integrator</title><script>
window.outcome = (async () => {
  try {
    const token = await fetch(${JSON.stringify(`${api}/oauth/token`)}, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({grant_type: "client_credentials", client_id: ${JSON.stringify(DEMO.client)}, client_secret: ${JSON.stringify(DEMO.secret)}}),
    }).then((r) => r.json());
    const tags = await fetch(${JSON.stringify(`${api}/v1/workspaces/${DEMO.workspace}/tags`)}, {
      headers: {"Authorization": "Bearer " + token.access_token},
    });
    return {ok: true, status: tags.status, requestId: tags.headers.get("X-Request-Id"),
            body: await tags.json()};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
})();
</script>`;
}

/** A server for the page alone, on its own port (so its own origin). */
function servePage(port, html) {
  return new Promise((resolve) => {
    const srv = http.createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

let api;
let browser;
let listed;
let unlisted;
const pages = [];

before(async () => {
  const [apiPort, listedPort, unlistedPort] = [await freePort(), await freePort(), await freePort()];
  const base = `http://127.0.0.1:${apiPort}`;
  listed = `http://127.0.0.1:${listedPort}`;
  unlisted = `http://127.0.0.1:${unlistedPort}`;
  api = await startServer(apiPort, { CORS_ALLOWED_ORIGINS: listed });
  pages.push(await servePage(listedPort, page(base)));
  pages.push(await servePage(unlistedPort, page(base)));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const p of pages) p.close();
  stopServer(api);
});

async function outcomeAt(origin) {
  const tab = await browser.newPage();
  const console = [];
  tab.on('console', (m) => console.push(m.text()));
  try {
    await tab.goto(`${origin}/`);
    const outcome = await tab.evaluate(() => window.outcome);
    return { outcome, console };
  } finally {
    await tab.close();
  }
}

test('a page on a listed origin gets a token and lists tags', async () => {
  const { outcome } = await outcomeAt(listed);
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal(outcome.status, 200);
  // An exposed header is readable by the page's script; an unexposed one would be null.
  assert.match(outcome.requestId ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(outcome.body.response.data.length > 0, JSON.stringify(outcome.body));
  assert.ok(outcome.body.response.data.every((t) => typeof t.id === 'string'));
});

test('a page on an unlisted origin is refused by the browser', async () => {
  const { outcome, console } = await outcomeAt(unlisted);
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  assert.match(outcome.error, /TypeError|Failed to fetch/);
  assert.ok(
    console.some((line) => /CORS|Access-Control-Allow-Origin/.test(line)),
    `the browser says why: ${console.join('\n')}`,
  );
});
