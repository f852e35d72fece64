// What the browser tests share: a free port, pirros-local started on it, and Debian's
// Chromium through playwright-core (infra/scripts/browser_test.sh installs both).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, '.cache/node/package.json'));
const { chromium } = require('playwright-core');

const BIN = path.join(root, 'target/debug/pirros-local');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const DEMO = {
  client: 'pirros-demo-client',
  secret: 'demo-secret-0123456789abcdef',
  workspace: '3f0c2a9e-7b1d-4c55-9e2a-5d6f1b2c3a40',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts pirros-local (with `env` added) and resolves once it prints that it listens. */
export function startServer(port, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['--addr', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pirros-local did not start in 30 s:\n${out}\n${err}`));
    }, 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Demo workspace id:')) {
        clearTimeout(timer);
        resolve({ child, stdout: () => out });
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pirros-local exited (${code}):\n${out}\n${err}`));
    });
  });
}

/** Stops what `startServer` started. */
export function stopServer(server) {
  if (server) {
    server.child.removeAllListeners('exit');
    server.child.kill('SIGTERM');
  }
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
