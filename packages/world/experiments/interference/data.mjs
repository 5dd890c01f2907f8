// node data.mjs OUT [--seed 0] [--rc-clean 300] [--rc-chat 1500] [--mc-clean 1000] [--mc-plain 0] [--arith 1000] [--curated 0] [--rc-skip 0] [--clean-union]
// Variant SFT data for the interference prototype (issue 14, third edition). Every dataset is drawn from
// the world's own train streams (drawSplits), so it never shares a prompt with validation or test:
//   arith-<n>     the default arith train split (its first n items: n = 1000 is today's arith-1k)
//   mc-<n>        the default mc train split, first n items, answers ` [[B]]`
//   rc-<n>        the default rc train split, first n items (clean: ` Tokyo`, what the `exact` scorer wants)
//   curated-<n>   n/3 further clean items of each skill (a small curated set in the target's formats)
//   rc-chat-<n>   n further rc train items (never in rc-<n>), answered in a sentence as a chat-style QA
//                 set does (` Ann lives in Tokyo.`): same skill, another answer format
//   mc-plain-<n>  n further mc train items, answered with the option's letter and text (` (B) pear`)
//   clean         (--clean-union) the union of the sets in the target's formats (all but rc-chat, mc-plain)
//   all           the union of every set above but `clean`, shuffled with the seed
// Writes OUT/<name>.jsonl and OUT/manifest.json (names, sizes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Rng } from '@lamdagent/core/kit';
import { chatAnswer, drawSplits, completionFor } from '@lamdagent/world';

const args = process.argv.slice(2);
const out = args[0];
if (!out || out.startsWith('--')) {
  console.error(
    'usage: node data.mjs OUT [--seed 0] [--rc-clean 300] [--rc-chat 1500] [--mc-clean 1000] [--mc-plain 0] [--arith 1000] [--curated 0] [--rc-skip 0] [--clean-union]',
  );
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`data.mjs: --${name} must be a non-negative integer, got ${args[i + 1]}`);
    process.exit(2);
  }
  return v;
};
const seed = opt('seed', 0);
const sizes = {
  arith: opt('arith', 1000),
  mcClean: opt('mc-clean', 1000),
  mcPlain: opt('mc-plain', 0),
  rcClean: opt('rc-clean', 300),
  rcChat: opt('rc-chat', 1500),
  curated: opt('curated', 0),
  rcSkip: opt('rc-skip', 0),
};
const train = (task, n) => drawSplits(task, seed, { trainSize: n, valSize: 1000, testSize: 1000 }).train;

/** ` (B) pear`: the option's label and text, no [[ ]]. */
function plainAnswer(item) {
  const m = new RegExp(`\\(${item.answer}\\) ([^()]+?)(?= \\(|\\s+A:$)`).exec(item.prompt);
  if (!m) throw new Error(`no option ${item.answer} in ${item.prompt}`);
  return ` (${item.answer}) ${m[1].trim()}`;
}

// Each task's train stream is handed out in order, so no two datasets share an item: arith-<n> and
// mc-<n> take items 0..n-1 (today's sets when n = 1000), rc-<n> takes rc's first n, then the curated
// set, then rc-chat, then mc-plain.
const cursor = { arith: 0, mc: 0, rc: 0 };
const take = (task, n) => {
  const all = train(task, cursor[task] + n).slice(cursor[task]);
  cursor[task] += n;
  return all;
};
const sft = (task, i) => ({ prompt: i.prompt, completion: completionFor(task, i.answer) });
const sets = {};
if (sizes.arith) sets[`arith-${sizes.arith}`] = take('arith', sizes.arith).map((i) => sft('arith', i));
if (sizes.mcClean) sets[`mc-${sizes.mcClean}`] = take('mc', sizes.mcClean).map((i) => sft('mc', i));
if (sizes.rcClean) sets[`rc-${sizes.rcClean}`] = take('rc', sizes.rcClean).map((i) => sft('rc', i));
cursor.rc += sizes.rcSkip; // leave rc items unused (design A: --rc-skip 700, so rc-chat starts at item 1000)
if (sizes.curated) {
  const k = Math.floor(sizes.curated / 3);
  sets[`curated-${3 * k}`] = Rng.labelled(seed, 'interference-curated').shuffle(['arith', 'mc', 'rc'].flatMap((t) => take(t, k).map((i) => sft(t, i))));
}
if (sizes.rcChat) sets[`rc-chat-${sizes.rcChat}`] = take('rc', sizes.rcChat).map((i) => ({ prompt: i.prompt, completion: chatAnswer(i.prompt) }));
if (sizes.mcPlain) sets[`mc-plain-${sizes.mcPlain}`] = take('mc', sizes.mcPlain).map((i) => ({ prompt: i.prompt, completion: plainAnswer(i) }));
const cleanNames = Object.keys(sets).filter((k) => !k.startsWith('rc-chat') && !k.startsWith('mc-plain'));
if (args.includes('--clean-union')) sets.clean = Rng.labelled(seed, 'interference-clean').shuffle(cleanNames.flatMap((k) => sets[k]));
sets.all = Rng.labelled(seed, 'interference-all').shuffle(
  Object.entries(sets)
    .filter(([k]) => k !== 'clean')
    .flatMap(([, v]) => v),
);
mkdirSync(out, { recursive: true });
for (const [name, rows] of Object.entries(sets)) writeFileSync(`${out}/${name}.jsonl`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
writeFileSync(`${out}/manifest.json`, JSON.stringify({ seed, sizes: Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.length])) }, null, 2) + '\n');
console.log(out, JSON.stringify(Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.length]))));
