// A test plugin with an LLM-like policy that needs no LLM: it chooses with the seeded rng, but records what
// an LLM policy records (a transcript of prompts and replies per step, token usage and cost, a memory after
// each trial), so the dashboard's agent views have real files to show. Plain JS, imports nothing.
const fmt = (x) => (typeof x === 'number' ? x.toFixed(3) : 'n/a');

class ScriptedPolicy {
  name = 'scripted-llm';
  #memory = '';
  #updates = 0;

  async select(ctx) {
    const types = ctx.space.bindings.map((b, i) => ({ b, i })).filter(({ i }) => ctx.space.countFor(i) > 0);
    const { b, i } = ctx.rng.pick(types);
    const action = ctx.space.atFor(i, ctx.rng.int(ctx.space.countFor(i)));
    const names = types.map((t) => t.b.name).join(', ');
    const transcript = [
      { step: 'type', role: 'user', content: `Memory:\n${this.#memory || '(empty)'}\n\nChoose one action type among: ${names}.\nAnswer with [[type]].` },
      { step: 'type', role: 'assistant', content: `The scores suggest trying ${b.name} next. [[${b.name}]]` },
      { step: 'objects', role: 'user', content: `Choose the inputs of ${b.name} <script>alert(1)</script> from the pool.` },
      { step: 'objects', role: 'assistant', content: `I pick ${action.inputs.map((o) => o.name).join(', ')}.` },
    ];
    const usage = [
      { step: 'type', inputTokens: 900 + 40 * ctx.iteration, outputTokens: 60, costUsd: 0.0025 },
      { step: 'objects', inputTokens: 1100 + 55 * ctx.iteration, outputTokens: 35, costUsd: 0.003 },
    ];
    return { action, transcript, usage };
  }

  async observe(trial) {
    this.#updates += 1;
    const line = `Trial ${trial.index} ${trial.action.name}(${trial.action.inputs.map((x) => x.name).join(', ')}): ${trial.state}, reward ${fmt(trial.reward)}.`;
    this.#memory = `${this.#memory}\n${line}`.trim().split('\n').slice(-6).join('\n');
    return {
      state: { version: 1, memory: this.#memory, updates: this.#updates },
      transcript: [
        { step: 'memory', role: 'user', content: `Update the memory with: ${line}` },
        { step: 'memory', role: 'assistant', content: this.#memory },
      ],
      usage: [{ step: 'memory', inputTokens: 700, outputTokens: 80, costUsd: 0.0026 }],
    };
  }

  restore(state) {
    if (state && typeof state === 'object' && typeof state.memory === 'string') {
      this.#memory = state.memory;
      this.#updates = state.updates ?? 0;
    }
  }
}

export default {
  name: 'scripted-policy',
  version: '1.0.0',
  apiVersion: 1,
  provides: { policies: ['scripted-llm'] },
  register(r) {
    r.policy({ name: 'scripted-llm', description: 'rng choices with LLM-like transcripts (tests)', create: () => new ScriptedPolicy() });
  },
};
