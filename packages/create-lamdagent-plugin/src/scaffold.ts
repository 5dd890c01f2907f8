import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const KINDS = ['action', 'policy', 'executor', 'evaluator'] as const;
export type Kind = (typeof KINDS)[number];

export interface ScaffoldOptions {
  /** npm package name, e.g. `my-plugin` or `@me/lamdagent-linear`. */
  name: string;
  kind: Kind;
  /** Folder to create (must not exist or be empty). */
  dir: string;
  /** Semver range of the @lamdagent packages (default: `^` this scaffolder's version; they are versioned together). */
  lamdagentRange?: string;
}

export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..');

function ownVersion(): string {
  const v = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown }).version;
  if (typeof v !== 'string') throw new ScaffoldError(`${packageRoot}/package.json has no version`);
  return v;
}

/** The contribution name a package name gives: its unscoped part (`@me/lamdagent-linear` → `lamdagent-linear`). */
export function contributionName(pkg: string): string {
  return pkg.replace(/^@[^/]+\//, '');
}

const className = (n: string): string =>
  n
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
    .replace(/^(\d)/, 'P$1');

/** Files of a new plugin package, by relative path. */
export function pluginFiles(o: Omit<ScaffoldOptions, 'dir'>): Record<string, string> {
  if (!NPM_NAME.test(o.name)) throw new ScaffoldError(`"${o.name}" is not a valid npm package name (lower case, no spaces)`);
  if (!(KINDS as readonly string[]).includes(o.kind)) throw new ScaffoldError(`--kind must be one of ${KINDS.join(', ')} (got "${o.kind}")`);
  const name = contributionName(o.name);
  const range = o.lamdagentRange ?? `^${ownVersion()}`;
  const fill = (tpl: string): string =>
    readFileSync(path.join(packageRoot, 'templates', o.kind, tpl), 'utf8')
      .replaceAll('__PKG__', o.name)
      .replaceAll('__NAME__', name)
      .replaceAll('__CLASS__', className(name));
  const pkg = {
    name: o.name,
    version: '0.1.0',
    type: 'module',
    description: `A LaMDAgent ${o.kind} plugin`,
    lamdagent: { plugin: true },
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' } },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist'],
    scripts: { build: 'tsup src/index.ts --format esm --dts --clean', typecheck: 'tsc --noEmit', test: 'vitest run', prepack: 'npm run build' },
    peerDependencies: { '@lamdagent/core': range },
    devDependencies: {
      '@lamdagent/core': range,
      '@lamdagent/testkit': range,
      '@types/node': '20.19.43',
      tsup: '8.5.0',
      typescript: '5.9.3',
      vitest: '4.1.12',
    },
    engines: { node: '>=20.19' },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      types: ['node'],
      outDir: 'dist',
    },
    include: ['src'],
  };
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules\ndist\n',
    // onnxruntime-node (a dependency of @lamdagent/eval-suites) downloads at install time unless told not to.
    '.npmrc': 'onnxruntime-node-install=skip\n',
    'src/index.ts': fill('index.ts.tpl'),
    'src/plugin.test.ts': fill('plugin.test.ts.tpl'),
    'README.md': `# ${o.name}\n\nA LaMDAgent ${o.kind} plugin (\`${name}\`), scaffolded by create-lamdagent-plugin.\n\n\`\`\`sh\nnpm install\nnpm run build && npm test   # conformance suites + a 3-trial study\n\`\`\`\n\nInstalled in a project, \`lamdagent plugins\` lists it (its package.json declares \`"lamdagent": { "plugin": true }\`).\nThe contracts: https://github.com/lamdagent/lamdagent-ts/blob/main/docs/plugins.md\n`,
  };
}

/** Write a new plugin package into `dir`; returns the files written. Refuses a non-empty folder. */
export function scaffold(o: ScaffoldOptions): string[] {
  const files = pluginFiles(o);
  if (existsSync(o.dir) && readdirSync(o.dir).length > 0) throw new ScaffoldError(`${o.dir} exists and is not empty`);
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(o.dir, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  return Object.keys(files);
}
