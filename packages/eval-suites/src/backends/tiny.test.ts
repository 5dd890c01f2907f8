import { describe, expect, it } from 'vitest';
import { createTinyBackend, type TinyRuntime } from './tiny.js';

interface FakeModel {
  path: string;
  disposed: boolean;
}

function fakeRuntime(): TinyRuntime<FakeModel> & { loads: string[]; calls: { prompts: string[]; stop: string[] }[]; models: FakeModel[] } {
  const rt = {
    loads: [] as string[],
    calls: [] as { prompts: string[]; stop: string[] }[],
    models: [] as FakeModel[],
    async load(path: string): Promise<FakeModel> {
      rt.loads.push(path);
      if (path.includes('missing')) throw new Error('config.json not found');
      const m = { path, disposed: false };
      rt.models.push(m);
      return m;
    },
    async generate(model: FakeModel, prompts: string[], o: { maxNewTokens: number; stop: string[] }): Promise<string[]> {
      if (model.disposed) throw new Error('used after dispose');
      rt.calls.push({ prompts, stop: o.stop });
      await new Promise((r) => setTimeout(r, 5));
      return prompts.map((p) => ` ${p.length}/${o.maxNewTokens}`);
    },
    dispose(model: FakeModel): void {
      model.disposed = true;
    },
  };
  return rt;
}

describe('tiny backend', () => {
  it('generates in batches, always stopping at a newline', async () => {
    const rt = fakeRuntime();
    const b = createTinyBackend({ batchSize: 2 }, rt);
    expect(await b.generate('/m/a', ['x', 'yy', 'zzz'], { maxNewTokens: 4, stop: ['.'] })).toEqual([' 1/4', ' 2/4', ' 3/4']);
    expect(rt.calls.map((c) => c.prompts)).toEqual([['x', 'yy'], ['zzz']]);
    expect(rt.calls[0]?.stop).toEqual(['\n', '.']);
  });

  it('keeps the last loaded model and disposes the one it replaces', async () => {
    const rt = fakeRuntime();
    const b = createTinyBackend({}, rt);
    await b.generate('/m/a', ['x'], { maxNewTokens: 1 });
    await b.generate('/m/a', ['x'], { maxNewTokens: 1 });
    expect(rt.loads).toEqual(['/m/a']);
    await b.generate('/m/b', ['x'], { maxNewTokens: 1 });
    await new Promise((r) => setTimeout(r, 0));
    expect(rt.loads).toEqual(['/m/a', '/m/b']);
    expect(rt.models.map((m) => m.disposed)).toEqual([true, false]);
  });

  it('does not dispose a model while a generation still uses it', async () => {
    const rt = fakeRuntime();
    const b = createTinyBackend({}, rt);
    const first = b.generate('/m/a', ['x'], { maxNewTokens: 1 });
    const second = b.generate('/m/b', ['y'], { maxNewTokens: 1 });
    await expect(Promise.all([first, second])).resolves.toEqual([[' 1/1'], [' 1/1']]);
    await new Promise((r) => setTimeout(r, 0));
    expect(rt.models.map((m) => m.disposed)).toEqual([true, false]);
  });

  it('names the model path when it cannot load, and retries the load next time', async () => {
    const rt = fakeRuntime();
    const b = createTinyBackend({}, rt);
    await expect(b.generate('/m/missing', ['x'], { maxNewTokens: 1 })).rejects.toThrow(
      /generation backend tiny: cannot load the model at \/m\/missing: config\.json not found/,
    );
    await expect(b.generate('/m/missing', ['x'], { maxNewTokens: 1 })).rejects.toThrow(/cannot load/);
    expect(rt.loads).toEqual(['/m/missing', '/m/missing']);
  });

  it('checks its options and the abort signal', async () => {
    expect(() => createTinyBackend({ batchSize: 0 }, fakeRuntime())).toThrow(/options\.batchSize/);
    expect(createTinyBackend(undefined as unknown as object, fakeRuntime()).name).toBe('tiny');
    const c = new AbortController();
    c.abort(new Error('stop now'));
    await expect(createTinyBackend({}, fakeRuntime()).generate('/m/a', ['x'], { maxNewTokens: 1, signal: c.signal })).rejects.toThrow('stop now');
  });
});
