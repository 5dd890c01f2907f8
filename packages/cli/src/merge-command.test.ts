import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeTensor } from '@lamdagent/action-ties';
import { encodeFromFloat32, openCheckpoint, writeSharded, type Dtype } from '@lamdagent/safetensors';
import { runCli } from './run-main.test-helper.js';

const root = mkdtempSync(path.join(tmpdir(), 'cli-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface T {
  name: string;
  shape: number[];
  dtype?: Dtype;
}
const HIDDEN = 4;
function arch(vocab = 6, layers = 2, tied = false): T[] {
  const a: T[] = [{ name: 'model.embed_tokens.weight', shape: [vocab, HIDDEN] }];
  for (let l = 0; l < layers; l++) {
    a.push(
      { name: `model.layers.${l}.self_attn.q_proj.weight`, shape: [HIDDEN, HIDDEN] },
      { name: `model.layers.${l}.mlp.up_proj.weight`, shape: [6, HIDDEN] },
      { name: `model.layers.${l}.input_layernorm.weight`, shape: [HIDDEN] },
    );
  }
  a.push({ name: 'model.norm.weight', shape: [HIDDEN] });
  if (!tied) a.push({ name: 'lm_head.weight', shape: [vocab, HIDDEN] });
  return a;
}

function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** A model folder: bf16 weights (sharded when maxShardBytes), config.json, a tokenizer file naming the model. */
async function model(name: string, seed: number, o: { arch?: T[]; maxShardBytes?: number; dtype?: Dtype } = {}): Promise<string> {
  const dir = path.join(root, name);
  const a = o.arch ?? arch();
  await writeSharded(
    dir,
    a.map((t) => {
      const dtype = t.dtype ?? o.dtype ?? 'BF16';
      const v = values(
        t.shape.reduce((x, y) => x * y, 1),
        seed + t.name.length,
      );
      return {
        name: t.name,
        shape: t.shape,
        dtype,
        data: dtype === 'I32' ? new Uint8Array(Int32Array.from(v, (x) => Math.round(x * 9)).buffer) : encodeFromFloat32(v, dtype),
      };
    }),
    { maxShardBytes: o.maxShardBytes ?? 1e12 },
  );
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', num_hidden_layers: 2, torch_dtype: 'bfloat16' }));
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ from: name }));
  return dir;
}

const run = (argv: string[]) => runCli(argv, root);

let n = 0;
function yaml(text: string): string {
  const file = path.join(root, `config-${n++}.yaml`);
  writeFileSync(file, text);
  return file;
}

const base = model('base', 1);
const a = model('a', 2);
const b = model('b', 3);

const TIES = `merge_method: ties
base_model: base
models:
  - model: a
    parameters: { weight: 0.7, density: 0.5 }
  - model: b
    parameters: { weight: 0.3, density: 0.5 }
parameters: { normalize: true }
`;

async function tensor(dir: string, name: string): Promise<Float32Array> {
  const c = await openCheckpoint(dir);
  try {
    return await c.readFloat32(name);
  } finally {
    await c.close();
  }
}

describe('lamdagent merge', () => {
  it('merges as the mergekit YAML says, in bf16 steps, with the base tokenizer and config', async () => {
    await Promise.all([base, a, b]);
    const r = await run(['merge', yaml(TIES), 'out-ties', '--threads', '2']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/wrote .*out-ties: 1 weight file/);
    const out = path.join(root, 'out-ties');
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(JSON.parse(readFileSync(path.join(out, 'tokenizer.json'), 'utf8'))).toEqual({ from: 'base' });
    const name = 'model.layers.1.mlp.up_proj.weight';
    const want = mergeTensor({
      method: 'ties',
      base: await tensor(path.join(root, 'base'), name),
      models: [await tensor(path.join(root, 'a'), name), await tensor(path.join(root, 'b'), name)],
      modelParams: [
        { weight: 0.7, density: 0.5 },
        { weight: 0.3, density: 0.5 },
      ],
      dtype: 'BF16',
    });
    expect(Array.from(await tensor(out, name))).toEqual(Array.from(want));
  });

  it('gives the same bytes from sharded inputs as from single files, and shards its output', async () => {
    await model('base-sh', 1, { maxShardBytes: 100 });
    await model('a-sh', 2, { maxShardBytes: 70 });
    await model('b-sh', 3, { maxShardBytes: 150 });
    const sharded = TIES.replace('base_model: base', 'base_model: base-sh').replace('model: a\n', 'model: a-sh\n').replace('model: b\n', 'model: b-sh\n');
    expect((await run(['merge', yaml(TIES), 'single', '--max-shard-size', '120B'])).code).toBe(0);
    const r = await run(['merge', yaml(sharded), 'sharded', '--max-shard-size', '120B']);
    expect(r.code, r.err).toBe(0);
    const files = readdirSync(path.join(root, 'sharded')).filter((f) => f.startsWith('model'));
    expect(files.length).toBeGreaterThan(3);
    expect(files).toEqual(readdirSync(path.join(root, 'single')).filter((f) => f.startsWith('model')));
    for (const f of files) expect(readFileSync(path.join(root, 'sharded', f)).equals(readFileSync(path.join(root, 'single', f))), f).toBe(true);
  });

  it('--dry-run checks headers and writes nothing', async () => {
    const r = await run(['merge', yaml(TIES), 'dry', '--dry-run', '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as { valid: boolean; tensors: number; merged: number };
    expect(doc).toMatchObject({ valid: true, tensors: 9, merged: 9 });
    expect(existsSync(path.join(root, 'dry'))).toBe(false);
  });

  it('refuses bad input with exit 2, naming the problem, writing nothing', async () => {
    await model('wide', 4, { arch: arch().map((t) => (t.name === 'model.norm.weight' ? { ...t, shape: [HIDDEN + 1] } : t)) });
    await model('f32int', 5, { arch: arch().map((t) => (t.name === 'model.norm.weight' ? { ...t, dtype: 'I32' as Dtype } : t)) });
    await model('small-vocab', 6, { arch: arch(5) });
    mkdirSync(path.join(root, 'exists'), { recursive: true });
    const cases: [string, string[], RegExp][] = [
      ['unknown method', [TIES.replace('merge_method: ties', 'merge_method: tie')], /merge_method: unknown merge_method "tie"; known: .*breadcrumbs.*ties/],
      [
        'unknown parameter',
        [TIES.replace('density: 0.5 }\n  - model: b', 'densty: 0.5 }\n  - model: b')],
        /models\[0\]\.parameters\.densty: unknown parameter for ties; known per-model: weight, density/,
      ],
      [
        'unknown global parameter',
        [TIES.replace('normalize: true', 'normalise: true')],
        /parameters\.normalise: unknown parameter for ties; known: normalize, rescale, lambda, int8_mask/,
      ],
      ['weight missing', [TIES.replace('weight: 0.3, ', '')], /models\[1\]: missing required parameter weight for ties/],
      ['shape', [TIES.replace('model: b\n', 'model: wide\n')], /wide: tensor model\.norm\.weight: shape \[5\] differs from \[4\]/],
      ['dtype', [TIES.replace('model: b\n', 'model: f32int\n')], /f32int: tensor model\.norm\.weight: dtype I32 cannot be merged/],
      [
        'vocabulary',
        [TIES.replace('model: b\n', 'model: small-vocab\n')],
        /small-vocab: tensor model\.embed_tokens\.weight: vocabulary size 5 .* smaller than 6/,
      ],
      ['missing model', [TIES.replace('model: b\n', 'model: nowhere\n')], /model "nowhere": no such folder/],
      ['bad yaml', ['merge_method: [ties'], /not valid YAML/],
      ['both', [`${TIES}slices: []\n`], /slices/],
    ];
    for (const [label, [text], message] of cases) {
      const out = `bad-${label.replace(/ /g, '-')}`;
      const r = await run(['merge', yaml(text as string), out]);
      expect(r.code, `${label}: ${r.err}`).toBe(2);
      expect(r.err, label).toMatch(message);
      expect(existsSync(path.join(root, out)), label).toBe(false);
    }
    const r = await run(['merge', yaml(TIES), 'exists']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/output folder .*exists/);
    expect(readdirSync(path.join(root, 'exists'))).toEqual([]);
  });

  it('handles a larger vocabulary (first rows), tied embeddings, and tokenizer_source', async () => {
    await model('big-vocab', 7, { arch: arch(8) });
    await model('tied', 8, { arch: arch(6, 2, true) });
    const text = `merge_method: task_arithmetic
base_model: base
tokenizer_source: big-vocab
models:
  - { model: big-vocab, parameters: { weight: 0.5 } }
  - { model: tied, parameters: { weight: 0.5 } }
`;
    const r = await run(['merge', yaml(text), 'vocab']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/big-vocab: model\.embed_tokens\.weight has 8 rows .* the first 6 rows are merged/);
    expect(r.err).toMatch(/tied: no lm_head\.weight \(tied embeddings\): model\.embed_tokens\.weight used in its place/);
    expect(JSON.parse(readFileSync(path.join(root, 'vocab', 'tokenizer.json'), 'utf8'))).toEqual({ from: 'big-vocab' });
    const head = await tensor(path.join(root, 'vocab'), 'lm_head.weight');
    expect(head.length).toBe(6 * HIDDEN);
  });

  it('passthrough slices stack layers and set the layer count; gradients vary by depth', async () => {
    const text = `merge_method: passthrough
slices:
  - sources: [{ model: a, layer_range: [0, 2] }]
  - sources: [{ model: b, layer_range: [1, 2] }]
`;
    const r = await run(['merge', yaml(text), 'frankenmerge']);
    expect(r.code, r.err).toBe(0);
    const out = path.join(root, 'frankenmerge');
    expect(JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')).num_hidden_layers).toBe(3);
    expect(Array.from(await tensor(out, 'model.layers.2.mlp.up_proj.weight'))).toEqual(
      Array.from(await tensor(path.join(root, 'b'), 'model.layers.1.mlp.up_proj.weight')),
    );
    expect(Array.from(await tensor(out, 'model.layers.1.mlp.up_proj.weight'))).toEqual(
      Array.from(await tensor(path.join(root, 'a'), 'model.layers.1.mlp.up_proj.weight')),
    );

    // slerp with t from 0 (layer 0: the base) to 1 (last layer: the other model)
    const slerp = `merge_method: slerp\nbase_model: a\nmodels: [{ model: a }, { model: b }]\nparameters: { t: [0, 1] }\n`;
    expect((await run(['merge', yaml(slerp), 'slerp'])).code).toBe(0);
    const name = (l: number): string => `model.layers.${l}.self_attn.q_proj.weight`;
    expect(Array.from(await tensor(path.join(root, 'slerp'), name(0)))).toEqual(Array.from(await tensor(path.join(root, 'a'), name(0))));
    expect(Array.from(await tensor(path.join(root, 'slerp'), name(1)))).toEqual(Array.from(await tensor(path.join(root, 'b'), name(1))));
  });
});
