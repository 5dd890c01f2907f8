/**
 * The built-in prompt templates. Our own wording; the structure follows the paper's Appendix D:
 * role, reflections (memory), numbered candidates, output format, an exploration directive against
 * mode collapse, and an instruction that counters the bias against neutrally named produced models.
 * `{{name}}` is replaced by a variable (see README: "Prompt templates").
 */

const ROLE =
  'You are an engineer who improves large language models by post-training. You are searching for the best ' +
  'post-training pipeline: every trial applies one method (an action type) to existing models, datasets and ' +
  'hyperparameters, produces a new model, and scores it on the target tasks. The reward combines those scores; ' +
  'higher is better. Produced models can be trained or merged again, so pipelines grow step by step.';

const NAMING =
  'Models named like 0--7--0 were produced by this study (trial 7, output 0). These names are neutral on purpose: ' +
  'they say nothing about quality. Judge every model by its reward and lineage, and consider produced models as ' +
  'seriously as the initial ones; building on a good produced model is often the way forward.';

/** What the objects and shortlist prompts show of the study: memory, progress with history, failures. */
const STUDY_STATE = `# Reflections (your memory of earlier trials)
{{memory}}

# Progress
{{summary}}
{{history}}

# Recent failures
{{failures}}
`;

export const DEFAULT_TYPE_TEMPLATE = `${ROLE}

# Reflections (your memory of earlier trials)
{{memory}}

# Progress
{{summary}}

# Recent failures
{{failures}}

# Running now
{{pending}}

# Action types
{{action_types}}

# Task
Choose the action type for trial {{iteration}}. Base the choice on your reflections and the progress so far; if there are no reflections yet, choose freely. Keep exploring: do not settle on one type out of habit. If recent trials all used the same type, or a type has rarely been tried, prefer trying something different unless the evidence clearly says otherwise.
${NAMING}

Reason briefly, then finish with the number of the chosen type in double brackets, for example [[0]]. The number must be between 0 and {{max_type_index}}.`;

export const DEFAULT_OBJECTS_TEMPLATE = `${ROLE}

${STUDY_STATE}
# Running now (do not choose these again)
{{pending}}

# Action for trial {{iteration}}
{{action_type}}: {{action_description}}
It takes {{arity}} inputs, in this order:
{{positions}}

# Candidate lists
{{object_lists}}

# Task
Pick one candidate for every input. Use what the reflections and results suggest, but keep exploring: a combination that already ran only returns its old result, and untried datasets, models and orderings may hold the next improvement. Avoid causes of earlier failures.
${NAMING}

Reason briefly, then finish with exactly {{arity}} numbers in double brackets, one per input in the order above, each the index of the candidate in that input's list, for example {{answer_example}}.`;

export const DEFAULT_SHORTLIST_TEMPLATE = `${ROLE}

${STUDY_STATE}
# Running now
{{pending}}

# Shortlist for trial {{iteration}}
A model of this search ({{ranker}}), fitted to every result so far, proposes these untried actions, best first by its own criterion, with the reward it predicts for each (± its uncertainty). Its predictions can be wrong, especially for pipelines unlike those already tried.
{{proposals}}

# Task
Choose the action to run for trial {{iteration}}. Weigh the model's predictions against your reflections: follow it when the evidence agrees, and prefer a proposal that explores a promising direction it undervalues when your reflections say so.
${NAMING}

Reason briefly, then finish with the number of the chosen action in double brackets, for example [[0]]. The number must be between 0 and {{max_proposal_index}}.`;

export const DEFAULT_MEMORY_TEMPLATE = `${ROLE}
You keep a short memory of this search. You will read it before every choice, so it should hold what worked, what failed and why, and which directions look promising but are still unexplored.

# Earlier results
{{previous_results}}

# Your memory so far
{{previous_memory}}

# New result
{{new_result}}

# Task
Rewrite your memory to take the new result into account. Keep lessons that still hold, correct any that the new result contradicts, note the cause of a failure so it is not repeated, and name one or two promising next steps, including at least one not tried yet. Refer to models, datasets and action types by their names. Stay under {{memory_limit_words}} words. Reply with the updated memory only.`;
