/**
 * One aggregate, as each compiler a user is likely to run it through emits it: `tsc` (with and
 * without `useDefineForClassFields`, decorators native or lowered), esbuild as vite runs it
 * without a tsconfig, esbuild as tsx runs it (whitespace stripped, names kept), and esbuild
 * minifying. Unminified code works whatever its names (`class Ox`, `move(x, y)`); minified code
 * is refused before anything is recorded, and works once the names are stated as strings and
 * property keys.
 */
import * as domain from "@es/domain";
import { topicScope } from "@es/domain/testing";
import ts from "typescript";
import { transformWithEsbuild } from "vite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** Short names a minifier might have made, written by hand: trusted where not minified. */
const SHORT_NAMES = `
import { Aggregate, aggregate, event } from "@es/domain";

@aggregate
export class Ox extends Aggregate {
  x = 0;
  y = 0;
  trail: string[] = [];
  name: string;

  constructor(name: string) {
    super();
    this.name = name;
  }

  @event("Moved")
  move(x: number, y: number) {
    this.x = x;
    this.y = y;
    this.trail.push(\`\${x},\${y}\`);
  }
}
`;

/** The same aggregate with its names stated: a topic string and object parameters. */
const STATED_NAMES = `
import { Aggregate, aggregate, event } from "@es/domain";

@aggregate("Ox")
export class Ox extends Aggregate {
  x = 0;
  y = 0;
  trail: string[] = [];
  name: string;

  constructor({ name }: { name: string }) {
    super();
    this.name = name;
  }

  @event("Moved")
  move({ x, y }: { x: number; y: number }) {
    this.x = x;
    this.y = y;
    this.trail.push(\`\${x},\${y}\`);
  }
}
`;

type Compile = (source: string) => Promise<string>;

function tsc(target: ts.ScriptTarget, useDefineForClassFields: boolean): Compile {
  return async (source) =>
    ts.transpileModule(source, {
      compilerOptions: { target, module: ts.ModuleKind.CommonJS, useDefineForClassFields },
    }).outputText;
}

function esbuild(options: Parameters<typeof transformWithEsbuild>[2]): Compile {
  // A file name outside the repository: no tsconfig of ours is found and merged in.
  return async (source) =>
    (await transformWithEsbuild(source, "/tmp/es-compilers/ox.ts", { format: "cjs", ...options }))
      .code;
}

/** Runs compiled CommonJS with `@es/domain` as its one import. */
function run(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string) => {
    if (specifier !== "@es/domain") throw new Error(`unexpected import ${specifier}`);
    return domain;
  };
  new Function("require", "module", "exports", code)(require, module, module.exports);
  return module.exports;
}

interface Ox extends domain.Aggregate {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly trail: string[];
  move(...args: unknown[]): void;
}
type OxClass = typeof domain.Aggregate & { create(...args: unknown[]): Ox };

/** Creates, moves, and reconstructs from the recorded events: the names are the written ones. */
function exercise(Ox: OxClass, create: unknown[], move: (ox: Ox) => void): void {
  const ox = Ox.create(...create);
  move(ox);
  expect([ox.name, ox.x, ox.y, ox.trail]).toEqual(["Rex", 3, 4, ["3,4"]]);
  const events = ox.collectEvents();
  expect(events.map((e) => domain.getTopic(e.constructor as typeof domain.AggregateEvent))).toEqual(
    ["Ox.Created", "Ox.Moved"],
  );
  expect(events.map((e) => Object.keys(attributesOf(e)))).toEqual([["name"], ["x", "y"]]);
  let copy: Ox | undefined;
  for (const e of events) copy = e.mutate(copy) as Ox;
  expect(copy).toMatchObject({ name: "Rex", x: 3, y: 4, trail: ["3,4"], version: 2 });
}

function attributesOf(e: object): Record<string, unknown> {
  const base = new Set(["originatorId", "originatorVersion", "timestamp", "originatorTopic"]);
  return Object.fromEntries(Object.entries(e).filter(([key]) => !base.has(key)));
}

const UNMINIFIED: [string, Compile][] = [
  ["tsc, ES2022", tsc(ts.ScriptTarget.ES2022, true)],
  ["tsc, ES2022, useDefineForClassFields false", tsc(ts.ScriptTarget.ES2022, false)],
  ["tsc, ES2020 (decorators and fields lowered)", tsc(ts.ScriptTarget.ES2020, false)],
  [
    "esbuild as vite runs it without a tsconfig",
    esbuild({ target: "es2020", tsconfigRaw: { compilerOptions: {} } }),
  ],
  [
    "esbuild, useDefineForClassFields false",
    esbuild({
      target: "esnext",
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    }),
  ],
  [
    "esbuild as tsx runs it (whitespace stripped, names kept)",
    esbuild({ target: "node20", minifyWhitespace: true, keepNames: true }),
  ],
];

const MINIFIED = esbuild({ target: "node20", minify: true });

describe("an aggregate compiled by", () => {
  let scope: ReturnType<typeof topicScope>;
  let warnings: string[];
  beforeEach(() => {
    scope = topicScope();
    warnings = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning) => {
      warnings.push(String(warning));
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    scope.end();
  });

  it.each(UNMINIFIED)("%s takes its names as written, even short ones", async (_, compile) => {
    const { Ox } = run(await compile(SHORT_NAMES)) as { Ox: OxClass };
    expect(Ox.name).toBe("Ox");
    exercise(Ox, ["Rex"], (ox) => ox.move(3, 4));
    expect(warnings).toEqual([]);
  });

  it.each(UNMINIFIED)("%s takes names stated as strings and keys", async (_, compile) => {
    const { Ox } = run(await compile(STATED_NAMES)) as { Ox: OxClass };
    exercise(Ox, [{ name: "Rex" }], (ox) => ox.move({ x: 3, y: 4 }));
  });

  it("a minifier is refused names it may have made, before anything is recorded", async () => {
    const code = await MINIFIED(SHORT_NAMES);
    expect(code).not.toContain("move(x,y)");
    expect(() => run(code)).toThrow(
      /the code was minified .*@aggregate\("Name"\)|the code was minified .*destructured object parameter/,
    );
  });

  it("a minifier keeps names stated as strings and keys", async () => {
    const { Ox } = run(await MINIFIED(STATED_NAMES)) as { Ox: OxClass };
    exercise(Ox, [{ name: "Rex" }], (ox) => ox.move({ x: 3, y: 4 }));
  });
});
