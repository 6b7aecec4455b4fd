/**
 * A `System` defines how applications follow each other: `new System([[Worlds, Counters]])`
 * says that `Counters` follows `Worlds`. Each pipe is a chain: every application in it but the
 * first follows the one before it. The definition is checked when it is made.
 */
import { Application, type ApplicationClass, applicationNameOf } from "@es/application";
import { SystemDefinitionError } from "./errors.js";
import { isFollowerClass } from "./follower.js";
import { isLeaderClass, leading } from "./leading.js";

const describe = (cls: ApplicationClass) => cls.name || "an anonymous class";

/**
 * How applications follow each other: each pipe is a chain in which every application but the
 * first follows the one before it. Checked when made.
 *
 * @example
 * ```ts
 * const system = new System([[Worlds, Counters]]); // Counters follows Worlds
 * ```
 * @throws {@link SystemDefinitionError} for a class that is not an application, a follower that
 *   is not a `Follower`, two classes of one name, or an application that follows itself.
 */
export class System {
  /** The application classes, by application name, in the order they first appear. */
  readonly nodes: ReadonlyMap<string, ApplicationClass>;
  /** `[leader, follower]` name pairs, each once. */
  readonly edges: readonly (readonly [string, string])[];

  constructor(pipes: readonly (readonly ApplicationClass[])[]) {
    const nodes = new Map<string, ApplicationClass>();
    const edges: [string, string][] = [];
    for (const pipe of pipes) {
      let previous: string | undefined;
      for (const [index, cls] of pipe.entries()) {
        if (!(cls.prototype instanceof Application) && cls !== Application) {
          throw new SystemDefinitionError(`Not an application class: ${describe(cls)}`);
        }
        const name = applicationNameOf(cls);
        const known = nodes.get(name);
        if (known && known !== cls) {
          throw new SystemDefinitionError(
            `Two classes are named '${name}' in this system (${describe(known)} and ${describe(cls)}): give each its own static applicationName`,
          );
        }
        nodes.set(name, cls);
        const follows = index > 0;
        const leads = index < pipe.length - 1;
        if (follows && leads && !(isFollowerClass(cls) && isLeaderClass(cls))) {
          throw new SystemDefinitionError(`Not a process application class: ${describe(cls)}`);
        }
        if (follows && !isFollowerClass(cls)) {
          throw new SystemDefinitionError(`Not a follower class: ${describe(cls)}`);
        }
        if (previous !== undefined) {
          if (previous === name) {
            throw new SystemDefinitionError(`'${name}' can't follow itself`);
          }
          if (!edges.some(([l, f]) => l === previous && f === name)) edges.push([previous, name]);
        }
        previous = name;
      }
    }
    this.nodes = nodes;
    this.edges = edges;
  }

  /** The names of the applications that lead others. */
  get leaders(): string[] {
    return [...new Set(this.edges.map(([leader]) => leader))];
  }

  /** The names of the applications that follow others. */
  get followers(): string[] {
    return [...new Set(this.edges.map(([, follower]) => follower))];
  }

  /** The names of the applications that lead and don't follow. */
  get leadersOnly(): string[] {
    const followers = new Set(this.followers);
    return this.leaders.filter((name) => !followers.has(name));
  }

  /** The names of the applications `leader` leads, in the order the pipes give them. */
  followersOf(leader: string): string[] {
    return this.edges.filter(([l]) => l === leader).map(([, follower]) => follower);
  }

  /** The names of the applications `follower` follows. */
  leadersOf(follower: string): string[] {
    return this.edges.filter(([, f]) => f === follower).map(([leader]) => leader);
  }

  /** The class for `name`. */
  classOf(name: string): ApplicationClass {
    const cls = this.nodes.get(name);
    if (!cls) throw new SystemDefinitionError(`No application named '${name}' in this system`);
    return cls;
  }

  /**
   * The class a runner makes for `name`: the class itself, or, for a plain application that
   * leads, a subclass of it that prompts its followers after each save.
   */
  leaderClassOf(name: string): ApplicationClass {
    const cls = this.classOf(name);
    if (isLeaderClass(cls) || !this.leaders.includes(name)) return cls;
    return class extends leading(cls) {
      static override applicationName = name;
    };
  }
}
