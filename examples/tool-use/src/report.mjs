// The Figure-4-style comparison (tool use and instruction following per method) and the scripted
// config that trains each dataset's SFT baseline.
import { parse, stringify } from 'yaml';

const bar = (x, max, width = 20) => '#'.repeat(Math.round((Math.max(0, x) / max) * width)).padEnd(width);

/** rows: [{ group, name, test: { tool_call, instruct, reward }, validation: {...} }] */
export function figure4(rows) {
  const w = Math.max(32, ...rows.map((r) => r.name.length + 2));
  const lines = [
    'Held-out test split: tool use (ACEBench-like, exact call), instruction following (judge, 1-10), reward = tool + instruct/10',
    '',
    `${'Method'.padEnd(w)}  tool_call                     instruct                      reward  (val reward)`,
  ];
  let group;
  for (const r of rows) {
    if (r.group !== group) lines.push((group = r.group));
    const t = r.test;
    lines.push(
      `  ${r.name.padEnd(w - 2)}  ${t.tool_call.toFixed(3)} ${bar(t.tool_call, 1)}  ${t.instruct.toFixed(2).padStart(5)} ${bar(t.instruct, 10)}  ${t.reward.toFixed(3)}   (${r.validation.reward.toFixed(3)})`,
    );
  }
  return lines.join('\n');
}

/** A study config played by the scripted policy: SFT of the base on each dataset, one trial each (`count` trials). */
export function datasetsConfig(studyYaml, from = 'study.yaml') {
  const cfg = parse(studyYaml);
  const n = cfg.objects.sft_dataset.values.length;
  cfg.name = `${cfg.name}-datasets`;
  cfg.plugins = [...cfg.plugins, '@lamdagent/science'];
  cfg.budget = { iterations: n };
  cfg.policy = {
    name: 'scripted',
    options: { steps: Array.from({ length: n }, (_, i) => ({ action: 'sft', inputs: ['models/0', `sft_dataset/${i}`, 'sft_lr/0'] })) },
  };
  return { yaml: `# Written by src/main.mjs from ${from}: each dataset's SFT from the base (a baseline).\n${stringify(cfg)}`, count: n };
}
