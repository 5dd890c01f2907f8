import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { KINDS, pluginFiles, scaffold } from './scaffold.js';

const io = (cwd: string) => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), cwd } };
};

describe('create-lamdagent-plugin', () => {
  it('writes a package per kind that declares itself a plugin and peer-depends on core', () => {
    for (const kind of KINDS) {
      const files = pluginFiles({ name: '@acme/lamdagent-x', kind, lamdagentRange: '^0.1.0' });
      const pkg = JSON.parse(files['package.json']!) as Record<string, unknown>;
      expect(pkg).toMatchObject({ name: '@acme/lamdagent-x', type: 'module', lamdagent: { plugin: true }, peerDependencies: { '@lamdagent/core': '^0.1.0' } });
      expect(files['src/index.ts']).toContain("name: '@acme/lamdagent-x'");
      expect(files['src/index.ts']).not.toMatch(/__(NAME|PKG|CLASS)__/);
      expect(files['src/plugin.test.ts']).toContain('runs a 3-trial study');
      expect(files['.npmrc']).toBe('onnxruntime-node-install=skip\n');
    }
  });

  it('the command writes into NAME (or --dir), refuses a non-empty folder, and exits 2 on bad arguments', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'create-'));
    const ok = io(cwd);
    expect(main(['my-policy', '--kind', 'policy'], ok.io)).toBe(0);
    expect(JSON.parse(readFileSync(path.join(cwd, 'my-policy', 'package.json'), 'utf8')).name).toBe('my-policy');
    const again = io(cwd);
    expect(main(['my-policy', '--kind', 'policy'], again.io)).toBe(2);
    expect(again.err.join('\n')).toContain('exists and is not empty');
    const badKind = io(cwd);
    expect(main(['x', '--kind', 'sampler'], badKind.io)).toBe(2);
    expect(badKind.err.join('\n')).toContain('--kind must be one of action, policy, executor, evaluator (got "sampler")');
    const badName = io(cwd);
    expect(main(['My Plugin', '--kind', 'action'], badName.io)).toBe(2);
    expect(badName.err.join('\n')).toContain('"My Plugin" is not a valid npm package name');
    expect(main([], io(cwd).io)).toBe(2);
    writeFileSync(path.join(cwd, 'f'), '');
    expect(() => scaffold({ name: 'y', kind: 'action', dir: cwd })).toThrow(/not empty/);
  });
});
