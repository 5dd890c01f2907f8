import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { PluginError } from './errors.js';
import { CORE_API_VERSION, PluginManifestSchema, type PluginManifest, type Provides } from './plugin.js';
import type { Registry } from './registry.js';

export interface LoadedPlugin {
  name: string;
  version: string;
  apiVersion: number;
  /** How it was found: listed in the config, discovered in the project, or built into core. */
  source: 'config' | 'discovered' | 'builtin';
  /** The specifier as written (config) or the package name (discovered). */
  specifier: string;
  /** Resolved entry file. */
  from: string;
  provides: Partial<Provides>;
}

const PackageJsonSchema = z
  .object({
    name: z.string().optional(),
    version: z.string().optional(),
    main: z.string().optional(),
    exports: z.unknown().optional(),
    lamdagent: z.unknown().optional(),
  })
  .passthrough();
type PackageJson = z.infer<typeof PackageJsonSchema>;

function readPackageJson(dir: string): PackageJson | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const res = PackageJsonSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return res.success ? res.data : undefined;
  } catch {
    return undefined;
  }
}

const CONDITIONS = ['import', 'node', 'default'];

function pickExport(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (Array.isArray(exp)) {
    for (const e of exp) {
      const r = pickExport(e);
      if (r) return r;
    }
    return undefined;
  }
  if (exp && typeof exp === 'object') {
    const rec = exp as Record<string, unknown>;
    if ('.' in rec) return pickExport(rec['.']);
    for (const c of CONDITIONS)
      if (c in rec) {
        const r = pickExport(rec[c]);
        if (r) return r;
      }
  }
  return undefined;
}

/** The ESM entry file of a package folder (exports `.` with import/node/default conditions, then main). */
export function packageEntry(dir: string): string | undefined {
  const pkg = readPackageJson(dir);
  if (!pkg) return undefined;
  const rel = pickExport(pkg.exports) ?? pkg.main ?? 'index.js';
  const file = path.resolve(dir, rel);
  return existsSync(file) ? file : undefined;
}

/** node_modules folders from `dir` up to the file system root. */
function nodeModulesChain(dir: string): string[] {
  const out: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    const nm = path.join(d, 'node_modules');
    if (existsSync(nm)) out.push(nm);
    const parent = path.dirname(d);
    if (parent === d) return out;
    d = parent;
  }
}

/** Resolve a plugin specifier: a relative path (from `fromDir`) or a package name (node_modules lookup upward). */
export function resolvePlugin(specifier: string, fromDir: string): string {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
    const p = path.resolve(fromDir, specifier);
    if (!existsSync(p)) throw new PluginError(specifier, `not found at ${p}`);
    if (statSync(p).isDirectory()) {
      const entry = packageEntry(p);
      if (!entry) throw new PluginError(specifier, `${p} is a folder without a package.json entry (exports or main); build it first?`);
      return entry;
    }
    return p;
  }
  for (const nm of nodeModulesChain(fromDir)) {
    const dir = path.join(nm, ...specifier.split('/'));
    if (existsSync(path.join(dir, 'package.json'))) {
      const entry = packageEntry(dir);
      if (!entry) throw new PluginError(specifier, `package at ${dir} has no entry file (exports or main); is it built?`);
      return entry;
    }
  }
  throw new PluginError(specifier, `not installed (looked in node_modules from ${fromDir} upward); run npm install ${specifier}`);
}

function declaresPlugin(pkg: PackageJson): boolean {
  const l = pkg.lamdagent;
  return l === true || (typeof l === 'object' && l !== null && (l as Record<string, unknown>)['plugin'] === true);
}

/** Packages installed in the project (node_modules from `fromDir` upward) whose package.json declares `"lamdagent": { "plugin": true }`. */
export function discoverPlugins(fromDir: string): string[] {
  const found = new Set<string>();
  for (const nm of nodeModulesChain(fromDir)) {
    for (const entry of readdirSync(nm)) {
      const dirs = entry.startsWith('@') ? readdirSync(path.join(nm, entry)).map((s) => `${entry}/${s}`) : entry.startsWith('.') ? [] : [entry];
      for (const name of dirs) {
        const pkg = readPackageJson(path.join(nm, name));
        if (pkg && declaresPlugin(pkg)) found.add(name);
      }
    }
  }
  return [...found].sort();
}

/** Import a plugin module, validate its manifest and API version, and register it. */
export async function loadPluginModule(registry: Registry, specifier: string, entry: string, source: LoadedPlugin['source']): Promise<LoadedPlugin> {
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(entry).href);
  } catch (e) {
    throw new PluginError(specifier, `failed to import ${entry}: ${(e as Error).message}`, { cause: e });
  }
  const m = await registerPlugin(registry, (mod as { default?: unknown }).default, specifier);
  return { name: m.name, version: m.version, apiVersion: m.apiVersion, source, specifier, from: entry, provides: m.provides };
}

const PROVIDES_KIND: Record<keyof Provides, string> = {
  actionTypes: 'actionType',
  runners: 'runner',
  policies: 'policy',
  executors: 'executor',
  evaluators: 'evaluator',
  aggregators: 'aggregator',
  generationBackends: 'generationBackend',
  observers: 'observer',
  scorers: 'scorer',
};

/**
 * Validate a plugin manifest (shape, core API version), run its `register`, and check that what it
 * registered is exactly what it declares in `provides`. Errors name the plugin.
 */
export async function registerPlugin(registry: Registry, manifest: unknown, label = 'plugin'): Promise<PluginManifest> {
  const res = PluginManifestSchema.safeParse(manifest);
  if (!res.success) {
    const why = res.error.issues.map((i) => `${i.path.join('.') || 'default export'}: ${i.message}`).join('; ');
    throw new PluginError(label, `default export is not a plugin manifest (${why})`);
  }
  const m = manifest as PluginManifest;
  if (m.apiVersion !== CORE_API_VERSION) {
    throw new PluginError(
      m.name,
      `targets core API version ${m.apiVersion}, but this @lamdagent/core implements version ${CORE_API_VERSION}; upgrade the plugin or core`,
    );
  }
  const before = new Set(registry.entries());
  try {
    await m.register(registry.forPlugin(m.name));
  } catch (e) {
    if (PluginError.isInstance(e)) throw e;
    throw new PluginError(m.name, `register() failed: ${(e as Error).message}`, { cause: e });
  }
  checkProvides(
    m,
    registry.entries().filter((e) => !before.has(e)),
  );
  return m;
}

/** A manifest must say what it provides: what it registers and what it declares must agree. */
function checkProvides(m: PluginManifest, added: readonly { kind: string; name: string }[]): void {
  for (const [key, kind] of Object.entries(PROVIDES_KIND) as [keyof Provides, string][]) {
    const declared = new Set(m.provides[key] ?? []);
    const registered = new Set(added.filter((a) => a.kind === kind).map((a) => a.name));
    for (const d of declared) if (!registered.has(d)) throw new PluginError(m.name, `manifest declares ${key} "${d}" but register() did not register it`);
    for (const r of registered)
      if (!declared.has(r)) throw new PluginError(m.name, `register() registered ${kind} "${r}" that provides.${key} does not declare`);
  }
}

export interface LoadPluginsOptions {
  /** Specifiers from the config's `plugins:` list. */
  configured: readonly string[];
  /** Folder the config lives in: relative specifiers and the node_modules search start here. */
  fromDir: string;
  /** Also load discovered plugins. */
  discover: boolean;
}

/** Load the configured and discovered plugins into a registry (each package once). */
export async function loadPlugins(registry: Registry, opts: LoadPluginsOptions): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  const seen = new Set<string>();
  const load = async (specifier: string, source: LoadedPlugin['source']): Promise<void> => {
    const entry = resolvePlugin(specifier, opts.fromDir);
    const real = realpathSync(entry);
    if (seen.has(real)) return;
    seen.add(real);
    loaded.push(await loadPluginModule(registry, specifier, real, source));
  };
  for (const s of opts.configured) await load(s, 'config');
  if (opts.discover) for (const s of discoverPlugins(opts.fromDir)) await load(s, 'discovered');
  return loaded;
}
