import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStudy } from '../../test-fixtures/world.js';
import { DATA_ELEMENT_ID } from './page.js';
import { writeReport } from './report.js';
import type { DashboardData } from '../types.js';

describe('writeReport', () => {
  it('writes one self-contained HTML file: scripts, styles, data and transcripts inlined, no network', async () => {
    const { out, world } = await makeStudy({ iterations: 6 });
    writeFileSync(path.join(out, 'baselines.json'), JSON.stringify([{ name: 'base model', split: 'test', scores: { ta: 0, tb: 0 } }]));
    const file = path.join(world.dir, 'reports', 'report.html');
    await writeReport([out], file, { k: 2 });
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(https?:/i);
    expect(html).toContain("connect-src 'none'");
    const json = html.match(new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">(.*?)</script>`, 's'))?.[1];
    const data = JSON.parse(json ?? 'null') as DashboardData;
    expect(data.mode).toBe('report');
    expect(data.k).toBe(2);
    expect(data.studies[0]!.trials).toHaveLength(6);
    expect(data.studies[0]!.baselines).toHaveLength(1);
    expect(Object.keys(data.transcripts ?? {}).length).toBe(6);
    expect(data.transcripts?.['0:0']?.select?.[1]?.role).toBe('assistant');
    // Text that looks like markup stays inside the JSON, escaped.
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  it('refuses a folder that is not a study', async () => {
    const { world } = await makeStudy({ iterations: 1 });
    await expect(writeReport([world.dir], path.join(world.dir, 'r.html'))).rejects.toThrow(/not a study folder/);
  });
});
