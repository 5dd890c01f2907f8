/** Marks our errors with the names of their classes, under a key every copy of core agrees on. */
const KINDS = Symbol.for('lamdagent.error.kinds');

/**
 * Errors the CLI maps to exit codes: bad input (config, paths, plugins, usage) exits 2,
 * a failure while running exits 1.
 *
 * Test an error's kind with `LamdagentError.isInstance(e)` / `ConfigError.isInstance(e)`, never with
 * `instanceof`: a plugin may load another installed copy of core, whose classes are other objects
 * (the lint rule `no-restricted-syntax` forbids `instanceof` on these classes).
 */
export class LamdagentError extends Error {
  readonly exitCode: 1 | 2;
  declare readonly [KINDS]: readonly string[];
  constructor(message: string, exitCode: 1 | 2 = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) kinds.push((c as { name: string }).name);
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
  }

  /** Whether `e` is an error of this class (or a subclass), made by any copy of core. */
  static isInstance<T extends abstract new (...args: never[]) => LamdagentError>(this: T, e: unknown): e is InstanceType<T> {
    const kinds = typeof e === 'object' && e !== null ? (e as { [KINDS]?: unknown })[KINDS] : undefined;
    return Array.isArray(kinds) && kinds.includes(this.name);
  }
}

/** One problem inside a config file: where (dotted path) and what was expected. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A config that cannot be used. The message names the file, the path inside it and what was expected. */
export class ConfigError extends LamdagentError {
  readonly file: string;
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super(`${file}: invalid config\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`, 2);
    this.file = file;
    this.issues = issues;
  }
}

/** A plugin that is missing, malformed, or targets another core API version. */
export class PluginError extends LamdagentError {
  readonly plugin: string;
  constructor(plugin: string, message: string, options?: { cause?: unknown }) {
    super(`plugin ${plugin}: ${message}`, 2, options);
    this.plugin = plugin;
  }
}

/** Bad command-line input, a missing path, a study folder that is not one. */
export class UsageError extends LamdagentError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Another process holds the study folder. */
export class StudyLockedError extends LamdagentError {
  constructor(dir: string, pid: number, host?: string) {
    super(
      `study ${dir} is in use by process ${pid}${host ? ` on host ${host}` : ''} (lock file ${dir}/.lock); stop it first, or remove the lock if that process is gone`,
      2,
    );
  }
}
