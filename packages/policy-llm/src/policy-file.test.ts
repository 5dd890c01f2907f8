import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyFile } from './policy-file.js';

function write(content: unknown, name = 'agent.json'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-file-'));
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadPolicyFile', () => {
  it('reads an llm policy config with defaults filled in, resolving paths from its folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policy-file-'));
    writeFileSync(path.join(dir, 'm.gguf'), 'GGUF');
    const file = path.join(dir, 'gemma.json');
    writeFileSync(file, JSON.stringify({ name: 'llm', options: { provider: 'llama-cpp', model: 'm.gguf', constrain: false } }));
    const p = loadPolicyFile(file);
    expect(p).toMatchObject({
      name: 'llm',
      configDir: dir,
      options: { provider: 'llama-cpp', model: 'm.gguf', constrain: false, contextSize: 8192, gpuLayers: 0, temperature: 0 },
    });
  });

  it('names the file and the field of every problem', () => {
    const bad = write({ name: 'llm', options: { provider: 'llama-cpp', model: 'x.gguf', baseURL: 'http://127.0.0.1:1/v1', gpuLayers: -1 } });
    expect(() => loadPolicyFile(bad)).toThrow(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid policy config[\\s\\S]*options.gpuLayers`));
    const missing = write({ name: 'llm', options: { provider: 'llama-cpp', model: 'nope.gguf' } });
    expect(() => loadPolicyFile(missing)).toThrow(/options.model: model file .*nope\.gguf does not exist/);
    expect(() => loadPolicyFile(write('{not json'))).toThrow(/cannot read a JSON policy config/);
    expect(() => loadPolicyFile(write({ name: 'random', options: {} }))).toThrow(/name/);
  });
});
