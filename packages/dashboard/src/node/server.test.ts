import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { StudyLock } from '@lamdagent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStudy } from '../../test-fixtures/world.js';
import { serveDashboard, type DashboardServer } from './server.js';
import { StudySource } from './study-source.js';
import type { StudyData, TrialTranscripts } from '../types.js';

let out: string;
let server: DashboardServer;

/** Every file under a folder with its size and mtime: to show the dashboard never writes there. */
function snapshot(dir: string): Record<string, string> {
  const res: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        res[path.relative(dir, p)] = `${st.size}:${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return res;
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let before: Record<string, string>;
beforeAll(async () => {
  ({ out } = await makeStudy({ iterations: 12 }));
  before = snapshot(out);
  server = await serveDashboard([out], { port: 0 });
});
afterAll(async () => {
  await server?.close();
});

describe('dashboard server', () => {
  it('binds 127.0.0.1 on a free port and serves the page with the data embedded', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('id="lamdagent-data"');
    expect(page.body).not.toMatch(/<script[^>]+src=/);
    expect(page.body).not.toContain('<script>alert(1)</script>'); // transcript text is never inlined as HTML
  });

  it('serves a study and a trial transcript through the trial index only', async () => {
    const res = await get(`${server.url}api/studies/0`);
    const s = JSON.parse(res.body) as StudyData;
    expect(s.trials).toHaveLength(12);
    expect(s.name).toBe('toy-study');
    expect(s.tasks.map((t) => [t.name, t.inReward])).toEqual([
      ['ta', true],
      ['tb', true],
      ['tc_ood', false],
    ]);
    expect(s.observes.length).toBe(12);
    const tr = JSON.parse((await get(`${server.url}api/studies/0/trials/3/transcripts`)).body) as TrialTranscripts;
    expect(tr.select?.[0]).toMatchObject({ step: 'type', role: 'user' });
    expect(tr.observe?.[1]).toMatchObject({ step: 'memory', role: 'assistant' });
    expect(tr.errors).toEqual([]);
    for (const bad of [
      'api/studies/0/trials/999/transcripts',
      'api/studies/7',
      'api/studies/0/trials/..%2F..%2Fetc/transcripts',
      '..%2F..%2Fetc%2Fpasswd',
      'api/studies/0/../../../etc/passwd',
      'study.json',
    ]) {
      const r = await get(`${server.url}${bad}`);
      expect(r.status, bad).toBe(404);
      expect(r.body).not.toContain('root:');
    }
  });

  it('refuses other hosts (DNS rebinding) and other methods', async () => {
    expect((await get(server.url, { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(server.url, { host: `localhost:${new URL(server.url).port}` })).status).toBe(200);
    const post = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}api/data`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(post).toBe(405);
  });

  it('pushes a change event when the journal grows, and the study shows the new line', async () => {
    const events: string[] = [];
    const ctrl = new AbortController();
    const got = new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}api/events`, { signal: ctrl.signal }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          events.push(c);
          if (events.join('').includes('event: study')) resolve();
        });
      });
      req.on('error', (e) => (ctrl.signal.aborted ? undefined : reject(e)));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    appendFileSync(
      path.join(out, 'journal.jsonl'),
      `${JSON.stringify({ kind: 'evaluate', index: 0, split: 'test', scores: { ta: 0.5, tb: 0.25, tc_ood: 0.1 } })}\n`,
    );
    await got;
    ctrl.abort();
    expect(events.join('')).toContain('event: hello');
    const s = JSON.parse((await get(`${server.url}api/studies/0`)).body) as StudyData;
    expect(s.evaluations).toEqual([{ index: 0, split: 'test', scores: { ta: 0.5, tb: 0.25, tc_ood: 0.1 } }]);
  });

  it('never writes into the study folder', () => {
    const after = snapshot(out);
    const journal = 'journal.jsonl';
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const [k, v] of Object.entries(before)) if (k !== journal) expect(after[k], k).toBe(v);
  });

  it('refuses a port in use with a clear message, and bad options', async () => {
    const port = Number(new URL(server.url).port);
    await expect(serveDashboard([out], { port })).rejects.toThrow(/port \d+ on 127.0.0.1 is in use/);
    await expect(serveDashboard([out], { port: -1 })).rejects.toThrow(RangeError);
    await expect(serveDashboard([path.dirname(out)], { port: 0 })).rejects.toThrow(/not a study folder/);
    await expect(serveDashboard([], { port: 0 })).rejects.toThrow(/at least one study folder/);
  });
});

describe('StudySource transcripts', () => {
  it('refuses transcript paths that leave the study folder (.., absolute, symlinks out)', async () => {
    const { out: dir, world } = await makeStudy({ iterations: 3 });
    writeFileSync(path.join(world.dir, 'secret.json'), JSON.stringify([{ step: 's', role: 'user', content: 'secret' }]));
    mkdirSync(path.join(dir, 'jobs', 'evil'), { recursive: true });
    symlinkSync(path.join(world.dir, 'secret.json'), path.join(dir, 'jobs', 'evil', 'link.json'));
    const journal = path.join(dir, 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    const rewrite = (rel: string): string => `${JSON.stringify({ kind: 'observe', index: 0, usage: [], transcript: rel })}\n`;
    for (const rel of ['../secret.json', path.join(world.dir, 'secret.json'), 'jobs/evil/link.json']) {
      appendFileSync(journal, rewrite(rel));
      const src = new StudySource(dir, 0);
      const tr = src.transcripts(0);
      expect(tr.observe, rel).toBeUndefined();
      expect(tr.errors.join(' '), rel).toMatch(/outside the study folder|not a relative path/);
    }
    expect(lines.length).toBeGreaterThan(3);
  });

  it('shows an unfinished trial as interrupted when no live process holds the study lock, as running while one does', async () => {
    const { out: dir } = await makeStudy({ iterations: 2 });
    const journal = path.join(dir, 'journal.jsonl');
    const start = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; index?: number })
      .find((r) => r.kind === 'trial-start');
    appendFileSync(journal, `${JSON.stringify({ ...start, index: 2 })}\n`);
    const src = new StudySource(dir, 0);
    expect(src.data().running.map((r) => [r.index, r.interrupted])).toEqual([[2, true]]);
    const lock = StudyLock.acquire(dir);
    try {
      src.refresh();
      expect(src.data().running.map((r) => [r.index, r.interrupted])).toEqual([[2, undefined]]);
    } finally {
      lock.release();
    }
  });

  it('reads baselines.json when valid and warns (without failing) when not', async () => {
    const { out: dir } = await makeStudy({ iterations: 2 });
    writeFileSync(path.join(dir, 'baselines.json'), JSON.stringify([{ name: 'Fully Fine-Tuned', split: 'validation', scores: { ta: 0.5, tb: 0.5 } }]));
    const src = new StudySource(dir, 0);
    expect(src.data().baselines).toHaveLength(1);
    writeFileSync(path.join(dir, 'baselines.json'), JSON.stringify([{ name: 'x', split: 'dev', scores: {} }]));
    const t = statSync(path.join(dir, 'baselines.json'));
    expect(t.size).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 20));
    appendFileSync(path.join(dir, 'baselines.json'), ' ');
    src.refresh();
    expect(src.data().baselines).toEqual([]);
    expect(src.data().warnings[0]).toMatch(/^baselines\.json: 0\.split: /);
  });
});
