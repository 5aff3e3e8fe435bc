import { load } from 'js-yaml';

/** One `workflow_dispatch` input, typed as GitHub types it. */
export type WorkflowInput =
  | { type: 'string'; name: string; description: string; required: boolean; default?: string }
  | { type: 'number'; name: string; description: string; required: boolean; default?: number }
  | { type: 'boolean'; name: string; description: string; required: boolean; default?: boolean }
  | {
      type: 'choice';
      name: string;
      description: string;
      required: boolean;
      default?: string;
      options: string[];
    }
  | { type: 'environment'; name: string; description: string; required: boolean; default?: string };

type WorkflowFile =
  | { kind: 'dispatchable'; name: string | undefined; inputs: WorkflowInput[] }
  | { kind: 'invalid'; reason: string };

/** Reads a workflow file: it must declare `workflow_dispatch`; its inputs become typed prompts. */
export function parseWorkflow(text: string, fileName = 'the workflow file'): WorkflowFile {
  let doc: unknown;
  try {
    // Aliases are capped: a few of them can otherwise stand for gigabytes of nested copies.
    doc = load(text, { maxAliases: 100 });
  } catch (e) {
    return {
      kind: 'invalid',
      reason: `${fileName} is not valid YAML: ${shown((e as Error).message.split('\n')[0])}`,
    };
  }
  if (!isRecord(doc))
    return { kind: 'invalid', reason: `${fileName} is not a workflow (no top-level mapping).` };
  // YAML 1.1 readers turn the key `on` into `true`; accept both.
  const on = 'on' in doc ? doc.on : (doc as Record<string, unknown>)['true'];
  const name = typeof doc.name === 'string' ? doc.name : undefined;
  const noDispatch: WorkflowFile = {
    kind: 'invalid',
    reason: `${fileName} does not declare a \`workflow_dispatch\` trigger, so GitHub cannot start it on request. Add \`workflow_dispatch:\` under \`on:\`.`,
  };
  if (typeof on === 'string')
    return on === 'workflow_dispatch' ? { kind: 'dispatchable', name, inputs: [] } : noDispatch;
  if (Array.isArray(on))
    return on.includes('workflow_dispatch') ? { kind: 'dispatchable', name, inputs: [] } : noDispatch;
  if (!isRecord(on) || !('workflow_dispatch' in on)) return noDispatch;
  const dispatch = on.workflow_dispatch;
  if (dispatch === null || dispatch === undefined) return { kind: 'dispatchable', name, inputs: [] };
  if (!isRecord(dispatch))
    return { kind: 'invalid', reason: `${fileName}: \`workflow_dispatch\` must be a mapping.` };
  const raw = dispatch.inputs;
  if (raw === null || raw === undefined) return { kind: 'dispatchable', name, inputs: [] };
  if (!isRecord(raw))
    return { kind: 'invalid', reason: `${fileName}: \`workflow_dispatch.inputs\` must be a mapping.` };
  const inputs: WorkflowInput[] = [];
  for (const [key, spec] of Object.entries(raw)) {
    const input = parseInput(key, spec ?? {});
    if (typeof input === 'string')
      return { kind: 'invalid', reason: `${fileName}: input \`${shown(key)}\` ${input}` };
    inputs.push(input);
  }
  return { kind: 'dispatchable', name, inputs };
}

function parseInput(name: string, spec: unknown): WorkflowInput | string {
  if (!isRecord(spec)) return 'must be a mapping.';
  const description = typeof spec.description === 'string' ? spec.description : '';
  const required = spec.required === true || spec.required === 'true';
  if (spec.type !== undefined && scalar(spec.type) === undefined) return 'has a `type` that is not a word.';
  const type = spec.type === undefined ? 'string' : scalar(spec.type)!;
  const dflt: unknown = spec.default;
  if (dflt !== undefined && dflt !== null && scalar(dflt) === undefined)
    return 'has a `default` that is a list or a mapping, not a single value.';
  const base = { name, description, required };
  switch (type) {
    case 'string':
    case 'environment':
      return {
        ...base,
        type: type as 'string' | 'environment',
        default: dflt === undefined || dflt === null ? undefined : scalar(dflt),
      };
    case 'number': {
      if (dflt === undefined || dflt === null || dflt === '') return { ...base, type: 'number' };
      const n = Number(dflt);
      return Number.isFinite(n)
        ? { ...base, type: 'number', default: n }
        : `has a default that is not a number (${shown(scalar(dflt) ?? '')}).`;
    }
    case 'boolean': {
      if (dflt === undefined || dflt === null) return { ...base, type: 'boolean' };
      if (dflt === true || dflt === 'true') return { ...base, type: 'boolean', default: true };
      if (dflt === false || dflt === 'false') return { ...base, type: 'boolean', default: false };
      return `has a default that is not true or false (${shown(scalar(dflt) ?? '')}).`;
    }
    case 'choice': {
      if (!Array.isArray(spec.options) || spec.options.length === 0) return 'is a choice without `options`.';
      const options = spec.options.map(scalar);
      if (!options.every((o): o is string => o !== undefined))
        return 'has an option that is a list or a mapping, not a single value.';
      const d = dflt === undefined || dflt === null ? undefined : scalar(dflt);
      if (d !== undefined && !options.includes(d))
        return `has a default (${shown(d)}) that is not one of its options.`;
      return { ...base, type: 'choice', options, default: d };
    }
    default:
      return `has an unknown type \`${shown(type)}\` (GitHub knows string, number, boolean, choice and environment).`;
  }
}

/** Checks what a person typed for an input; returns the reason it is refused, or undefined when fine. */
export function validateInputText(input: WorkflowInput, text: string): string | undefined {
  const value = text.trim();
  if (value === '')
    return input.required && input.default === undefined ? `${input.name} is required.` : undefined;
  switch (input.type) {
    case 'number':
      return Number.isFinite(Number(value)) ? undefined : `${input.name} must be a number.`;
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : `${input.name} must be true or false.`;
    case 'choice':
      return input.options.includes(value)
        ? undefined
        : `${input.name} must be one of: ${input.options.join(', ')}.`;
    default:
      return undefined;
  }
}

/**
 * The value sent to GitHub for an input. GitHub takes every input as a string in the dispatch body;
 * an empty answer falls back to the default so required inputs are never sent blank.
 */
export function inputValue(input: WorkflowInput, text: string): string | undefined {
  const value = text.trim();
  if (value !== '') return input.type === 'number' ? String(Number(value)) : value;
  return input.default === undefined ? undefined : String(input.default);
}

/**
 * A YAML scalar as text; undefined for a list or mapping. String() of a nested list would walk every alias
 * copy (a "billion laughs" document), and its text would be nonsense in a prompt anyway.
 */
function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  return undefined;
}

/** Text from the file quoted in a message, cut so a huge value cannot make a huge message. */
function shown(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
