// Free loopback ports for test servers, claimed through files so parallel test processes never pick the same one.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Client ports 10000-19999 and their cluster bus ports (+10000) stay below the kernel's ephemeral range (32768+)
// and never overlap each other.
const FIRST_PORT = 10000;
const PORT_COUNT = 10000;
export const BUS_OFFSET = 10000;
const CLAIM_DIR = join(tmpdir(), 'skyscope-test-ports');

const ours = new Set<number>();

/** A port (and its bus port when `withBus`) that is bindable on 127.0.0.1 and claimed by this process. */
export async function claimFreePort(withBus: boolean): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * PORT_COUNT);
    if (ours.has(port) || !claimFile(port)) continue;
    if ((await canBind(port)) && (!withBus || (await canBind(port + BUS_OFFSET)))) return port;
    releasePort(port);
  }
  throw new Error('no free port found on 127.0.0.1 after 200 attempts');
}

/** Claims a caller-chosen port; fails if another process holds it. */
export async function claimPort(port: number, withBus: boolean): Promise<void> {
  if (!ours.has(port) && !claimFile(port)) throw new Error(`port ${port} is claimed by another test process`);
  if (!(await canBind(port)) || (withBus && !(await canBind(port + BUS_OFFSET)))) {
    releasePort(port);
    throw new Error(`port ${port}${withBus ? ` or ${port + BUS_OFFSET}` : ''} is in use on 127.0.0.1`);
  }
}

export function releasePort(port: number): void {
  if (!ours.delete(port)) return;
  try {
    unlinkSync(claimPath(port));
  } catch {
    // Already gone: nothing to release.
  }
}

/** True when nothing listens on the port (used by tests to check that servers really went away). */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function claimFile(port: number): boolean {
  mkdirSync(CLAIM_DIR, { recursive: true });
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(claimPath(port), String(process.pid), { flag: 'wx' });
      ours.add(port);
      return true;
    } catch {
      // A claim left by a process that died is stale: take it over.
      if (!staleClaim(port)) return false;
      try {
        unlinkSync(claimPath(port));
      } catch {
        return false;
      }
    }
  }
  return false;
}

function staleClaim(port: number): boolean {
  try {
    const pid = Number(readFileSync(claimPath(port), 'utf8'));
    return !Number.isInteger(pid) || pid <= 0 || !isAlive(pid);
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function claimPath(port: number): string {
  return join(CLAIM_DIR, String(port));
}
