// The /docs console in a real browser: authorize with the demo client credentials (the
// oauth2 clientCredentials flow posts to /oauth/token), then "try it out" on the tags
// route and see a 200. Run with `node --test tests/browser/` after a debug build; it needs
// playwright-core in .cache/node and Debian's Chromium (infra/scripts/browser_test.sh
// installs both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEMO, freePort, launchBrowser, root, startServer, stopServer } from './harness.mjs';

const SCREENSHOT = path.join(root, 'tests/artifacts/docs.png');

let server;
let browser;
let base;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServer(port);
  // What the binary prints is what the test types in.
  const printed = server.stdout();
  assert.match(printed, new RegExp(`Demo client id:\\s+${DEMO.client}`));
  assert.match(printed, new RegExp(`Demo client secret:\\s+${DEMO.secret}`));
  assert.match(printed, new RegExp(`Demo workspace id:\\s+${DEMO.workspace}`));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  stopServer(server);
});

test('the console authorizes with client credentials and lists tags', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const tokenCalls = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/oauth/token') tokenCalls.push(r);
  });
  // Anything the Content-Security-Policy refused: the console must need nothing it forbids.
  const refused = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  try {
    const docs = await page.goto(`${base}/docs`);
    const docsHeaders = docs.headers();
    assert.match(docsHeaders['content-security-policy'] ?? '', /default-src 'none'/);
    assert.match(docsHeaders['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.equal(docsHeaders['x-frame-options'], 'DENY');
    assert.equal(docsHeaders['x-content-type-options'], 'nosniff');
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /Pirros External API/);

    // Authorize: the oauth2 (clientCredentials) section of the dialog.
    await page.locator('.auth-wrapper button.authorize').click();
    const oauth = page
      .locator('.dialog-ux .auth-container')
      .filter({ hasText: 'clientCredentials' });
    await oauth.locator('input[id^="client_id_"]').fill(DEMO.client);
    await oauth.locator('input[id^="client_secret_"]').fill(DEMO.secret);
    await oauth.locator('button.authorize').click();
    await oauth.locator('button', { hasText: 'Logout' }).waitFor({ timeout: 15_000 });
    assert.equal(tokenCalls.length, 1, 'one token request');
    assert.equal(tokenCalls[0].status(), 200);
    // Swagger UI's clientCredentials flow: a form body, the client pair in HTTP Basic.
    const tokenRequest = tokenCalls[0].request();
    const headers = await tokenRequest.allHeaders();
    assert.match(headers['content-type'], /^application\/x-www-form-urlencoded/);
    assert.match(tokenRequest.postData() ?? '', /grant_type=client_credentials/);
    const basic = Buffer.from(`${DEMO.client}:${DEMO.secret}`).toString('base64');
    assert.equal(headers.authorization, `Basic ${basic}`);
    await page.locator('.dialog-ux .close-modal').first().click();

    // The tags operation: Try it out, the demo workspace, Execute.
    const op = page.locator('#operations-tags-listTags');
    await op.locator('.opblock-summary').click();
    const tryOut = op.locator('button.try-out__btn');
    if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
    const ws = op.locator('tr[data-param-name="ws"] input');
    await ws.fill(DEMO.workspace);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/tags'));
    await op.locator('button.execute').click();
    const resp = await answer;
    assert.equal(resp.status(), 200);
    assert.match(resp.request().headers()['authorization'] ?? '', /^Bearer ey/);

    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    assert.equal((await status.innerText()).trim(), '200');
    const body = await op.locator('.live-responses-table .response-col_description pre').first().innerText();
    assert.match(body, /"name": "concrete"/);

    // The secret and the token stay in the page's memory: no browser storage, no cookie.
    const token = (await tokenCalls[0].json()).access_token;
    const stored = await page.evaluate(() => JSON.stringify({
      local: Object.entries(localStorage),
      session: Object.entries(sessionStorage),
      cookies: document.cookie,
    }));
    assert.ok(!stored.includes(DEMO.secret), `the client secret is in browser storage: ${stored}`);
    assert.ok(!stored.includes(token), `the access token is in browser storage: ${stored}`);
    assert.deepEqual(refused, [], 'the Content-Security-Policy refused something the console needs');
    await status.scrollIntoViewIfNeeded();
  } finally {
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await page.close();
  }
});

test('the ReDoc reference renders offline under its policy', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const refused = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  // What came back from elsewhere (a request the policy blocks never gets an answer).
  const outside = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url());
  });
  try {
    const resp = await page.goto(`${base}/redoc`);
    assert.equal(resp.status(), 200);
    const csp = resp.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(resp.headers()['x-frame-options'], 'DENY');
    // The document's title and an operation of it, as ReDoc renders them.
    await page.getByRole('heading', { name: /Pirros External API/ }).first().waitFor({ timeout: 20_000 });
    await page.getByRole('heading', { name: 'List events' }).first().waitFor({ timeout: 20_000 });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), 'redoc.png') });
    // ReDoc's branding links a logo on its CDN: refused, as anything from elsewhere is.
    const needed = refused.filter((m) => !m.includes('https://cdn.redoc.ly/redoc/logo-mini.svg'));
    assert.deepEqual(needed, [], 'the policy refused nothing the page needs');
    assert.deepEqual(outside, [], 'nothing is loaded from elsewhere');
  } finally {
    await page.close();
  }
});
