import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

describe('stdout closed by its reader (lamdagent ... | head)', () => {
  it('a short command ends quietly with exit 0, no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'help', 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the command writes (it takes a few hundred ms to start).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(code).toBe(0);
  });
});
