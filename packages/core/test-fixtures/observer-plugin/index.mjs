// An observer plugin for core's tests: appends each event it receives to a JSONL file, and fails on
// purpose for the trial indexes its options name (always), to exercise retries and journaled failures.
import { appendFileSync } from 'node:fs';

export default {
  name: 'observer-fixture',
  version: '0.0.0',
  apiVersion: 1,
  provides: { observers: ['record'] },
  register(r) {
    r.observer({
      name: 'record',
      create(options) {
        const failOn = new Set(options.failOn ?? []);
        return {
          name: 'record',
          notify(event, ctx) {
            const index = event.type === 'trial-end' ? event.trial.index : event.type === 'trial-start' ? event.index : undefined;
            if (event.type === 'trial-end' && failOn.has(index)) throw new Error(`refused trial ${index}`);
            appendFileSync(options.file, `${JSON.stringify({ type: event.type, index, study: ctx.studyName })}\n`);
          },
        };
      },
    });
  },
};
