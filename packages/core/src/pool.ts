import type { PoolObject } from './objects.js';

/** The typed objects actions take as inputs. Grows with every produced model. */
export class ObjectPool {
  readonly #all: PoolObject[] = [];
  readonly #byKind = new Map<string, PoolObject[]>();
  readonly #byId = new Map<string, PoolObject>();

  constructor(objects: Iterable<PoolObject> = []) {
    for (const o of objects) this.add(o);
  }

  add(obj: PoolObject): void {
    if (this.#byId.has(obj.id)) throw new Error(`object pool already holds ${obj.id}`);
    this.#all.push(obj);
    this.#byId.set(obj.id, obj);
    let list = this.#byKind.get(obj.kind);
    if (!list) this.#byKind.set(obj.kind, (list = []));
    list.push(obj);
  }

  get(id: string): PoolObject | undefined {
    return this.#byId.get(id);
  }

  ofKind(kind: string): readonly PoolObject[] {
    return this.#byKind.get(kind) ?? [];
  }

  kinds(): string[] {
    return [...this.#byKind.keys()];
  }

  get size(): number {
    return this.#all.length;
  }

  all(): readonly PoolObject[] {
    return this.#all;
  }
}
