import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from './scaffold.js';

// The packages as users get them: every publishable package of the workspace is packed (npm pack),
// installed into a fresh project offline (from the npm cache, as a fresh clone's `npm install` leaves
// it), imported, and used to scaffold, build, test and discover one plugin of each kind.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}
const publishable = readdirSync(path.join(REPO, 'packages'))
  .map((d) => path.join(REPO, 'packages', d))
  .filter(
    (d) => existsSync(path.join(d, 'package.json')) && !(JSON.parse(readFileSync(path.join(d, 'package.json'), 'utf8')) as { private?: boolean }).private,
  );

let tarDir: string;
let project: string;
const packed: Packed[] = [];
const run = (cmd: string, args: string[], cwd: string): string => {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_audit: 'false', npm_config_fund: 'false' },
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

beforeAll(() => {
  tarDir = mkdtempSync(path.join(tmpdir(), 'lamdagent-tarballs-'));
  for (const dir of publishable)
    packed.push(...(JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', tarDir], { cwd: dir, encoding: 'utf8' })) as Packed[]));
  project = mkdtempSync(path.join(tmpdir(), 'lamdagent-fresh-'));
  const root = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const dev = Object.fromEntries(['vitest', 'tsup', 'typescript', '@types/node'].map((n) => [n, root.devDependencies[n]!]));
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'fresh-project',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(packed.map((p) => [p.name, `file:${path.join(tarDir, p.filename)}`])),
        devDependencies: dev,
      },
      null,
      2,
    ),
  );
  // What a user must set (and what the onnxruntime note in @lamdagent/eval-suites' README says).
  writeFileSync(path.join(project, '.npmrc'), 'onnxruntime-node-install=skip\n');
  install([]);
}, 900_000);

/**
 * `npm install` offline: our packages come from local tarballs, third-party ones from the npm cache. A
 * cache filled by a lockfile install holds tarballs but not always the registry metadata an install
 * without a lockfile resolves with; then the metadata is fetched once (--prefer-offline), and says so.
 */
function install(extra: string[]): void {
  try {
    run(NPM, ['install', '--offline', '--no-audit', '--no-fund', ...extra], project);
  } catch (e) {
    if (!/ENOTCACHED|ERESOLVE/.test((e as Error).message)) throw e;
    console.warn('offline install: registry metadata not cached; fetching it once (--prefer-offline)');
    run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...extra], project);
  }
}

describe('packed packages in a fresh project (offline install)', () => {
  it('ship their built entry, types and README, and no sources or tests', () => {
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toContain('README.md');
      expect(
        files.filter((f) => /\.test\.[cm]?[jt]s$|^src\//.test(f)),
        p.name,
      ).toEqual([]);
      const pkg = JSON.parse(readFileSync(path.join(project, 'node_modules', p.name, 'package.json'), 'utf8')) as {
        exports: Record<string, { types?: string; import?: string }>;
      };
      for (const [sub, e] of Object.entries(pkg.exports)) {
        for (const f of [e.types, e.import]) expect(existsSync(path.join(project, 'node_modules', p.name, f!)), `${p.name} exports ${sub}: ${f}`).toBe(true);
      }
    }
  });

  it('import in plain Node, and their dependency tree (peer ranges included) is valid', () => {
    for (const p of packed) {
      const n = run(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(p.name)}); console.log(Object.keys(m).length);`],
        project,
      );
      expect(Number(n.trim()), p.name).toBeGreaterThan(0);
    }
    run(NPM, ['ls', '--all', '--offline'], project);
  });

  it('the eval-suites README tells users about onnxruntime-node-install=skip', () => {
    expect(readFileSync(path.join(project, 'node_modules', '@lamdagent', 'eval-suites', 'README.md'), 'utf8')).toContain('onnxruntime-node-install=skip');
  });

  it('create-lamdagent-plugin scaffolds each kind: it builds, passes its conformance suite and 3-trial study, and `lamdagent plugins` discovers it', () => {
    const bin = path.join(project, 'node_modules', 'create-lamdagent-plugin', 'bin', 'create-lamdagent-plugin.js');
    mkdirSync(path.join(project, 'plugins'));
    for (const kind of KINDS) {
      run(process.execPath, [bin, `my-${kind}`, '--kind', kind, '--dir', `plugins/${kind}`], project);
      const dir = path.join(project, 'plugins', kind);
      run(NPM, ['run', 'build'], dir);
      run(NPM, ['run', 'typecheck'], dir);
      const out = run(NPM, ['test'], dir);
      expect(out, kind).toMatch(/Tests\s+\d+ passed/);
      expect(out, kind).not.toMatch(/failed|skipped/);
    }
    install(KINDS.map((k) => `./plugins/${k}`));
    const listed = JSON.parse(
      run(process.execPath, [path.join(project, 'node_modules', '@lamdagent', 'cli', 'bin', 'lamdagent.js'), 'plugins', '--json'], project),
    ) as {
      name: string;
      source: string;
      provides: { kind: string; name: string }[];
    }[];
    for (const kind of KINDS) {
      const p = listed.find((x) => x.name === `my-${kind}`);
      expect(p, kind).toMatchObject({ source: 'discovered' });
      expect(
        p!.provides.map((c) => c.name),
        kind,
      ).toContain(`my-${kind}`);
    }
  }, 900_000);
});
