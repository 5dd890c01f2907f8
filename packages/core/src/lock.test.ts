import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StudyLock } from './lock.js';

const RACER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures', 'lock-racer.mjs');

interface Outcome {
  pid: number;
  got?: number;
  released?: number;
  refused?: string;
}

function race(dir: string, n: number, holdMs: number): Promise<Outcome[]> {
  const start = Date.now() + 400;
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Outcome>((resolve, reject) => {
          const p = spawn(process.execPath, [RACER, dir, String(start), String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.stderr.on('data', (d: Buffer) => (err += d.toString()));
          p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as Outcome) : reject(new Error(`racer exited ${code}: ${err}`))));
        }),
    ),
  );
}

/** No two holders' [got, released] intervals overlap. */
function exclusive(outcomes: Outcome[]): boolean {
  const held = outcomes.filter((o) => o.got !== undefined).sort((a, b) => a.got! - b.got!);
  return held.every((o, i) => i === 0 || held[i - 1]!.released! <= o.got!);
}

describe('StudyLock', () => {
  it('is exclusive when many processes race for a stale lock and for a missing one', async () => {
    let rounds = 0;
    for (const stale of [true, false]) {
      for (let r = 0; r < 6; r++) {
        const dir = mkdtempSync(path.join(tmpdir(), 'lock-race-'));
        // A lock left by a dead process (pids above pid_max do not exist).
        if (stale) writeFileSync(path.join(dir, '.lock'), '999999999 dead-owner');
        const outcomes = await race(dir, 8, 150);
        expect(outcomes.filter((o) => o.got !== undefined).length).toBeGreaterThanOrEqual(1);
        expect(exclusive(outcomes), JSON.stringify(outcomes)).toBe(true);
        for (const o of outcomes.filter((x) => x.refused)) expect(o.refused).toMatch(/is in use by process \d+/);
        // Every holder released its own lock: nothing left behind.
        expect(existsSync(path.join(dir, '.lock'))).toBe(false);
        rounds++;
      }
    }
    expect(rounds).toBe(12);
  }, 120_000);

  it('releases only its own lock', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-own-'));
    const lock = StudyLock.acquire(dir);
    const file = path.join(dir, '.lock');
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    // Another (live) owner took the folder over meanwhile: our release must leave its lock alone.
    writeFileSync(file, `${process.ppid} someone-else`);
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe(`${process.ppid} someone-else`);
    expect(() => StudyLock.acquire(dir)).toThrow(new RegExp(`in use by process ${process.ppid}`));
  });

  it('waits for a lock an older version is still writing (empty), and takes one over once it is old', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-empty-'));
    const file = path.join(dir, '.lock');
    writeFileSync(file, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const lock = StudyLock.acquire(dir);
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('owner: tells who holds a folder and whether that process is alive on this host', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-owner-'));
    expect(StudyLock.owner(dir)).toBeUndefined();
    const lock = StudyLock.acquire(dir);
    expect(StudyLock.owner(dir)).toEqual({ pid: process.pid, alive: true });
    lock.release();
    expect(StudyLock.owner(dir)).toBeUndefined();
    writeFileSync(path.join(dir, '.lock'), '999999999 dead-owner');
    expect(StudyLock.owner(dir)).toEqual({ pid: 999999999, alive: false });
    // an old version's lock still being written counts as alive until it is old
    const file = path.join(dir, '.lock');
    writeFileSync(file, '');
    expect(StudyLock.owner(dir)).toEqual({ pid: undefined, alive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    expect(StudyLock.owner(dir)).toEqual({ pid: undefined, alive: false });
  });
});
