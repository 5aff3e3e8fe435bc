import { markAliases } from './markers';
import { logicalLines } from './pythonLines';

/** What a module or class body defines, in definition order (a later definition of a name replaces the earlier). */
export interface FuncDef {
  kind: 'func';
  name: string;
  decorators: string[];
  isAsync: boolean;
  /** 0-based lines: the `def` line and the last line of its body. */
  line: number;
  endLine: number;
  /** Made by assignment (`test_alias = test_original`): the name it was defined under. */
  aliasOf?: string;
}
export interface ClassDef {
  kind: 'class';
  name: string;
  bases: string[];
  decorators: string[];
  line: number;
  endLine: number;
  members: Map<string, FuncDef | ClassDef>;
  /** The class's own `__test__ = True/False`, when set. */
  testAttr?: boolean;
  hasInit: boolean;
  /** The value of the class's own `pytestmark = …`, when set. */
  pytestmark?: string;
  /** Made by assignment (`TestAlias = TestOriginal`): the name it was defined under. */
  aliasOf?: string;
}
interface Outline {
  members: Map<string, FuncDef | ClassDef>;
  /** The value of the module's `pytestmark = …`, when set. */
  pytestmark?: string;
  /** Names bound to `pytest.mark` by `from pytest import mark as …`. */
  markAliases: string[];
}

/** Each scope knows the nearest class or module around it (or itself), so no line walks the stack. */
type Scope =
  | { kind: 'module'; indent: -1; members: Map<string, FuncDef | ClassDef>; container: Container }
  | {
      kind: 'class';
      indent: number;
      def: ClassDef;
      members: Map<string, FuncDef | ClassDef>;
      container: Container;
    }
  | { kind: 'def'; indent: number; def: FuncDef; container: Container }
  | { kind: 'block'; indent: number; container: Container };
type Container = Extract<Scope, { kind: 'module' | 'class' | 'def' }>;

const BLOCK = /^(if|elif|else|try|except|finally|with|for|while|async\s+with|async\s+for|match|case)\b.*:$/;
/** Python refuses more levels of indentation than this ("too many levels of indentation"). */
const MAX_DEPTH = 100;

/** The classes and functions of a Python module, read from its text by indentation (no Python needed). */
export function outline(source: string): Outline {
  const module = { kind: 'module', indent: -1, members: new Map() } as Scope & { kind: 'module' };
  module.container = module;
  const stack: Scope[] = [module];
  let decorators: string[] = [];
  let modulePytestmark: string | undefined;
  const markAliasNames: string[] = [];
  // The end of the last line read: a def or class that a later line closes ends there (set when popped).
  let lastEnd = 0;
  const pop = () => {
    const s = stack.pop()!;
    if (s.kind === 'def' || s.kind === 'class') s.def.endLine = lastEnd;
  };
  for (const l of logicalLines(source)) {
    while (stack.length > 1 && l.indent <= stack[stack.length - 1].indent) pop();
    lastEnd = l.end;
    const top = stack[stack.length - 1];
    const container = top.container;
    // Inside a function body nothing is collected; the def's scope ends at the first line back at its indent.
    if (container.kind === 'def' || stack.length > MAX_DEPTH) continue;
    const members = container.members;
    if (l.text.startsWith('@')) {
      decorators.push(l.text.slice(1).trim());
      continue;
    }
    const fn = /^(async\s+)?def\s+([A-Za-z_]\w*)\s*\(/.exec(l.text);
    if (fn) {
      const def: FuncDef = {
        kind: 'func',
        name: fn[2],
        decorators,
        isAsync: !!fn[1],
        line: l.start,
        endLine: l.end,
      };
      members.set(def.name, def);
      if (container.kind === 'class' && def.name === '__init__') container.def.hasInit = true;
      decorators = [];
      const scope = { kind: 'def', indent: l.indent, def } as Scope & { kind: 'def' };
      scope.container = scope;
      stack.push(scope);
      continue;
    }
    const cls = /^class\s+([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*:/.exec(l.text);
    if (cls) {
      const bases = (cls[2] ?? '')
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b && !b.includes('='));
      const def: ClassDef = {
        kind: 'class',
        name: cls[1],
        bases,
        decorators,
        line: l.start,
        endLine: l.end,
        members: new Map(),
        hasInit: false,
      };
      members.set(def.name, def);
      decorators = [];
      const scope = { kind: 'class', indent: l.indent, def, members: def.members } as Scope & {
        kind: 'class';
      };
      scope.container = scope;
      stack.push(scope);
      continue;
    }
    decorators = [];
    if (top === container) {
      const marks = /^pytestmark\s*(?::[^=]*)?=(?!=)([\s\S]*)$/.exec(l.text);
      if (marks && container.kind === 'class') container.def.pytestmark = marks[1];
      else if (marks) modulePytestmark = marks[1];
      else if (container.kind === 'module' && l.text.startsWith('from'))
        markAliasNames.push(...markAliases(l.text));
      if (container.kind === 'class') {
        const attr = /^__test__\s*=\s*(True|False)\b/.exec(l.text);
        if (attr) container.def.testAttr = attr[1] === 'True';
        const assigned = /^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)/.exec(l.text);
        // A plain assignment replaces a method of the same name.
        if (assigned && members.get(assigned[1])?.kind === 'func') members.delete(assigned[1]);
      }
      // `test_alias = test_original`: pytest collects the same function (or class) again under the new name.
      const alias = /^([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)\s*(?:#.*)?$/.exec(l.text);
      const original = alias && alias[1] !== alias[2] ? members.get(alias[2]) : undefined;
      if (alias && original)
        members.set(alias[1], {
          ...original,
          name: alias[1],
          aliasOf: original.name,
          line: l.start,
          endLine: l.end,
        });
    }
    if (BLOCK.test(l.text)) stack.push({ kind: 'block', indent: l.indent, container });
  }
  while (stack.length > 1) pop();
  return { members: module.members, pytestmark: modulePytestmark, markAliases: markAliasNames };
}
