import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeToyWorld } from '../test-fixtures/toy-world.js';
import { assemble } from './assemble.js';
import { loadConfig } from './config-load.js';
import { ConfigError } from './errors.js';
import type { Observer, ObserverContext } from './observer.js';
import { ObserverHub, type ObserverFailure } from './observer-hub.js';
import { openStudy } from './study-folder.js';
import { buildRegistry, runStudy } from './study-run.js';
import type { StudyEvent } from './study-services.js';

const OBSERVER_PLUGIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures', 'observer-plugin', 'index.mjs');
const ctx: ObserverContext = { dir: '/tmp/x', studyName: 'x', seed: 0, config: {}, object: () => undefined };
const stop = (reason: string): StudyEvent => ({ type: 'stop', reason });
const noSleep = (): Promise<void> => Promise.resolve();

describe('ObserverHub', () => {
  it('delivers events in order, one at a time, without making emit wait', async () => {
    const seen: string[] = [];
    let inFlight = 0;
    const slow: Observer = {
      name: 'slow',
      notify: async (e) => {
        inFlight++;
        expect(inFlight).toBe(1);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(e.type === 'stop' ? e.reason : e.type);
        inFlight--;
      },
    };
    const hub = new ObserverHub([slow], ctx, { onFailure: () => undefined });
    for (const r of ['a', 'b', 'c']) hub.emit(stop(r));
    expect(seen).toEqual([]);
    await hub.close();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('retries a failing event with a doubling delay, then reports it and goes on with the next event', async () => {
    const delays: number[] = [];
    const failures: ObserverFailure[] = [];
    let calls = 0;
    const flaky: Observer = {
      name: 'flaky',
      notify: (e) => {
        calls++;
        if (e.type === 'stop' && e.reason === 'bad') throw new Error('server refused');
        if (e.type === 'stop' && e.reason === 'once' && calls === 1) throw new Error('first attempt fails');
      },
    };
    const hub = new ObserverHub([flaky], ctx, {
      retry: () => ({ attempts: 3, delayMs: 100 }),
      onFailure: (f) => failures.push(f),
      sleep: (ms) => (delays.push(ms), Promise.resolve()),
    });
    hub.emit(stop('once'));
    hub.emit(stop('bad'));
    hub.emit(stop('fine'));
    await hub.close();
    // 'once': 2 calls, 'bad': 3 calls, 'fine': 1 call.
    expect(calls).toBe(6);
    expect(delays).toEqual([100, 100, 200]);
    expect(failures).toEqual([{ observer: 'flaky', event: 'stop', attempts: 3, error: 'server refused' }]);
  });

  it('gives each observer its own copy of the event and reports a failing close', async () => {
    const failures: ObserverFailure[] = [];
    const mutator: Observer = {
      name: 'mutator',
      notify: (e) => {
        if (e.type === 'stop') (e as { reason: string }).reason = 'changed';
      },
      close: () => Promise.reject(new Error('cannot flush')),
    };
    const hub = new ObserverHub([mutator], ctx, { onFailure: (f) => failures.push(f), sleep: noSleep });
    const e = stop('kept');
    hub.emit(e);
    await hub.close();
    expect(e).toEqual({ type: 'stop', reason: 'kept' });
    expect(failures).toEqual([{ observer: 'mutator', event: 'close', attempts: 1, error: 'cannot flush' }]);
  });
});

describe('observers in a study', () => {
  it('a config-enabled observer plugin sees every trial; its failures are retried, journaled, and the study goes on', async () => {
    const file = path.join(makeToyWorld().dir, 'events.jsonl');
    const wTwo = makeToyWorld({
      iterations: 4,
      extra: `observers:\n  - { name: record, options: { file: ${JSON.stringify(file)}, failOn: [1] }, retry: { attempts: 2, delayMs: 1 } }\n`,
    });
    const cfg = readFileSync(wTwo.configPath, 'utf8').replace(/plugins: \[(.*)\]/, `plugins: [$1, ${JSON.stringify(OBSERVER_PLUGIN)}]`);
    writeFileSync(wTwo.configPath, cfg);
    const notices: string[] = [];
    const given: string[] = [];
    const s = await runStudy({
      configPath: wTwo.configPath,
      outDir: path.join(wTwo.dir, 'study'),
      onEvent: (e) => e.type === 'notice' && notices.push(e.message),
      observers: [{ name: 'inline', notify: (e) => void given.push(e.type) }],
    });
    expect(s.trials).toHaveLength(4);
    expect(existsSync(file)).toBe(true);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; index?: number; study: string });
    expect(lines[0]).toEqual({ type: 'start', study: 'study' });
    expect(lines.filter((l) => l.type === 'trial-end').map((l) => l.index)).toEqual([0, 2, 3]);
    expect(lines.at(-1)?.type).toBe('stop');
    expect(given.filter((t) => t === 'trial-end')).toHaveLength(4);
    const journal = openStudy(s.dir).journal;
    const failures = journal.observerFailures;
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'observer-failure', observer: 'record', event: 'trial-end', index: 1, attempts: 2, error: 'refused trial 1' });
    expect(notices.some((n) => n.includes('observer record: trial-end of trial 1 failed after 2 attempts'))).toBe(true);
  });

  it('validation names an unknown observer and bad retry settings by their config path', async () => {
    const w = makeToyWorld({ extra: 'observers: [nope, { name: also-nope, retry: { attempts: 0 } }]\n' });
    expect(() => loadConfig(w.configPath)).toThrow(/observers\.1\.retry\.attempts|observers\[1\]\.retry\.attempts/);
    const w2 = makeToyWorld({ extra: 'observers: [nope]\n' });
    const loaded = loadConfig(w2.configPath);
    const { registry } = await buildRegistry(loaded);
    let err: unknown;
    try {
      assemble(loaded, registry, { skipDigests: true });
    } catch (e) {
      err = e;
    }
    expect(ConfigError.isInstance(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/observers\[0\].*no observer "nope"/);
  });
});

describe('ObserverHub close', () => {
  it('does not let a hanging observer hold the study: close gives up after closeTimeoutMs and reports what was not delivered', async () => {
    const failures: ObserverFailure[] = [];
    const hanging: Observer = { name: 'hangs', notify: () => new Promise<void>(() => undefined) };
    const hub = new ObserverHub([hanging], ctx, { onFailure: (f) => failures.push(f), closeTimeoutMs: 50 });
    hub.emit(stop('a'));
    hub.emit(stop('b'));
    hub.emit(stop('c'));
    const t0 = Date.now();
    await hub.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(failures).toEqual([
      {
        observer: 'hangs',
        event: 'undelivered',
        attempts: 0,
        error: "3 events not delivered within 0.05 s of the study's end (the observer hangs or is slow)",
      },
    ]);
  });
});
