import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { acquireOwnerLock, JSON_FORMAT, ownerLockState, tryAcquireOwnerLock } from './owner-lock.js';

// Children load the built kit (like test-fixtures/lock-racer.mjs): run `npx turbo run build --filter=@lamdagent/core` first.
const DIST = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kit', 'index.js')).href;

/** Waits for START (epoch ms), takes the lock FILE (waiting), holds it HOLD ms, prints `{got, released}`. */
const RACER = `
const { acquireOwnerLock } = await import(process.argv[1]);
const [file, start, hold] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const now = () => performance.timeOrigin + performance.now();
while (now() < start) {}
const release = await acquireOwnerLock(file, { pollMs: 5 });
const got = now();
while (now() < got + hold) {}
const released = now();
release();
console.log(JSON.stringify({ got, released }));
`;

/** Takes the lock FILE (it must be free), says "held", and keeps it until killed. */
const HOLDER = `
const { tryAcquireOwnerLock } = await import(process.argv[1]);
if (!tryAcquireOwnerLock(process.argv[2])) process.exit(3);
process.stdout.write('held\\n');
setInterval(() => {}, 1000);
`;

function node(code: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--input-type=module', '-e', code, DIST, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function output(p: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`)))));
}

function holder(file: string): Promise<ChildProcess> {
  const p = node(HOLDER, [file]);
  return new Promise((resolve, reject) => {
    p.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve(p));
    p.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
}

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'owner-lock-'));
/** A pid that no process has now (a child that already exited). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('owner lock', () => {
  it('is exclusive across processes that race for a free lock and for a dead owner’s lock', async () => {
    for (const stale of [false, true, true]) {
      const dir = tmp();
      const file = path.join(dir, 'x.lock');
      if (stale) writeFileSync(file, `${deadPid()} dead-owner ${hostname()}`);
      const start = String(Date.now() + 500);
      const runs = await Promise.all([0, 1, 2].map(() => output(node(RACER, [file, start, '100']))));
      const held = runs.map((o) => JSON.parse(o) as { got: number; released: number }).sort((a, b) => a.got - b.got);
      expect(held).toHaveLength(3); // every racer got the lock in turn (they wait)
      for (let i = 1; i < held.length; i++) expect(held[i - 1]!.released, JSON.stringify(held)).toBeLessThanOrEqual(held[i]!.got);
      expect(readdirSync(dir)).toEqual([]); // no lock, guard or private file left behind
    }
  }, 60_000);

  it('takes over the lock of a process killed with SIGKILL, not before', async () => {
    const dir = tmp();
    const file = path.join(dir, 'x.lock');
    const child = await holder(file);
    expect(readFileSync(file, 'utf8').split(' ')).toEqual([String(child.pid), expect.any(String), hostname()]);
    expect(tryAcquireOwnerLock(file)).toBeUndefined();
    expect(ownerLockState(file)).toMatchObject({ owner: { pid: child.pid }, alive: true });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(ownerLockState(file)).toMatchObject({ owner: { pid: child.pid }, alive: false });
    const release = tryAcquireOwnerLock(file);
    expect(release).toBeTypeOf('function');
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    expect(readdirSync(dir)).toEqual(['x.lock']);
    release!();
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);

  it('releases only while the file holds its token; a second release does nothing', () => {
    const file = path.join(tmp(), 'x.lock');
    const release = tryAcquireOwnerLock(file)!;
    // Another (live) owner's lock stands there now: our release leaves it alone.
    writeFileSync(file, `${process.ppid} someone-else ${hostname()}`);
    release();
    expect(readFileSync(file, 'utf8')).toBe(`${process.ppid} someone-else ${hostname()}`);
    expect(tryAcquireOwnerLock(file)).toBeUndefined();
    const again = tryAcquireOwnerLock(path.join(path.dirname(file), 'y.lock'))!;
    again();
    writeFileSync(path.join(path.dirname(file), 'y.lock'), 'not ours');
    again();
    expect(readFileSync(path.join(path.dirname(file), 'y.lock'), 'utf8')).toBe('not ours');
  });

  it('waits while the lock is held in this process, and gives up when aborted', async () => {
    const file = path.join(tmp(), 'x.lock');
    const first = tryAcquireOwnerLock(file)!;
    const ac = new AbortController();
    const waiting = acquireOwnerLock(file, { signal: ac.signal, pollMs: 10 }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(new Error('stop waiting')), 80);
    expect(await waiting).toEqual(new Error('stop waiting'));
    const mine = readFileSync(file, 'utf8');
    expect(mine).toMatch(new RegExp(`^${process.pid} `));
    // Once released, a waiter gets it.
    const second = acquireOwnerLock(file, { pollMs: 10 });
    setTimeout(first, 30);
    const release = await second;
    expect(readFileSync(file, 'utf8')).not.toBe(mine);
    release();
    expect(existsSync(file)).toBe(false);
  });

  it('a lock with this pid but a token this process does not hold was left by an earlier process with our pid', () => {
    const file = path.join(tmp(), 'x.lock');
    writeFileSync(file, `${process.pid} earlier-container ${hostname()}`);
    const release = tryAcquireOwnerLock(file);
    expect(release).toBeTypeOf('function');
    release!();
  });

  it('never takes over from another host; reads old files without a host as this host', () => {
    const file = path.join(tmp(), 'x.lock');
    writeFileSync(file, '999999999 other login-node-7');
    expect(tryAcquireOwnerLock(file)).toBeUndefined();
    expect(ownerLockState(file)).toEqual({ owner: { pid: 999999999, token: 'other', host: 'login-node-7' }, alive: true });
    writeFileSync(file, '999999999');
    expect(ownerLockState(file)).toEqual({ owner: { pid: 999999999 }, alive: false });
    tryAcquireOwnerLock(file)!();
  });

  it('an unreadable lock is held until it is old, then taken over', () => {
    const file = path.join(tmp(), 'x.lock');
    writeFileSync(file, '');
    expect(tryAcquireOwnerLock(file, { format: JSON_FORMAT })).toBeUndefined();
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const release = tryAcquireOwnerLock(file, { format: JSON_FORMAT })!;
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), token: expect.any(String) });
    release();
  });

  it('a takeover guard held by a live process is respected; one left by a dead process is taken over', () => {
    const dir = tmp();
    const file = path.join(dir, 'x.lock');
    writeFileSync(file, `${deadPid()} dead ${hostname()}`);
    writeFileSync(`${file}.takeover`, `${process.ppid} live-taker ${hostname()}`);
    expect(tryAcquireOwnerLock(file)).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['x.lock', 'x.lock.takeover']);
    writeFileSync(`${file}.takeover`, `${deadPid()} dead-taker ${hostname()}`);
    const release = tryAcquireOwnerLock(file)!;
    expect(release).toBeTypeOf('function');
    expect(readdirSync(dir)).toEqual(['x.lock']);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });
});
