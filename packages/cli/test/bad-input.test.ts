/**
 * What `es` does with bad input: a missing or wrong application, store or option, a file that
 * isn't there, a missing cipher key, a corrupted row. Each is one line on stderr and exit
 * status 2, never a stack trace unless `--debug`, and nothing is written to the store.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { es, fill, freshStore, jsonLines } from "./stores.js";
import { tamper } from "./tamper.js";

const APP = ["--app", "Worlds"];
const KEY = Buffer.alloc(32, 7).toString("base64");

/** Exit status 2 and one line on stderr, starting `es: `, with no stack trace. */
function expectOneLineFailure(run: { status: number | null; stderr: string }, message: RegExp) {
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^es: .*\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe("es, given bad input", () => {
  it("asks which application when none is named", () => {
    expectOneLineFailure(es(["info"], freshStore("sqlite")), /--app NAME/);
  });

  it("says no store is configured when no variable names one", () => {
    expectOneLineFailure(es(["log", ...APP]), /No store is configured .* INFRASTRUCTURE_FACTORY/);
  });

  it("refuses a SQLite database that isn't there, and makes no file", () => {
    const env = freshStore("sqlite");
    expectOneLineFailure(
      es(["info", ...APP], env),
      /no SQLite database at .*worlds\.db .*SQLITE_DBNAME/,
    );
    expect(existsSync(env.SQLITE_DBNAME ?? "")).toBe(false);
  });

  it("names an invalid store variable", async () => {
    const env = freshStore("sqlite");
    await fill(env);
    expectOneLineFailure(
      es(["info", ...APP], { ...env, SQLITE_SYNCHRONOUS: "sometimes" }),
      /SQLITE_SYNCHRONOUS/,
    );
  });

  it("names an application whose tables the store doesn't have", async () => {
    const env = freshStore("sqlite");
    await fill(env);
    expectOneLineFailure(es(["log", "--app", "Wrolds"], env), /wrolds_events/);
  });

  it("refuses an unknown option or a bad number with the usage hint", () => {
    const unknown = es(["log", ...APP, "--nope"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--nope'");
    const bad = es(["log", ...APP, "--limit", "-3"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("expected a whole number from 1");
  });

  it("reads the store's variables from --env-file, and refuses one that can't be read", async () => {
    const env = freshStore("sqlite");
    await fill(env);
    const file = join(mkdtempSync(join(tmpdir(), "es-cli-env-")), "store.env");
    writeFileSync(
      file,
      `INFRASTRUCTURE_FACTORY=${env.INFRASTRUCTURE_FACTORY}\nWORLDS_SQLITE_DBNAME=${env.SQLITE_DBNAME}\n`,
    );
    const run = es(["log", ...APP, "--env-file", file, "--json"]);
    expect(run.stderr).toBe("");
    expect(jsonLines(run.stdout)).toHaveLength(9);
    // Node 20 reads --env-file itself, even after the script's name, and stops (status 9) when
    // the file isn't there; later Nodes leave it to es. Either way, one line names the file.
    const missing = es(["log", ...APP, "--env-file", `${file}.missing`]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.trim().split("\n")).toEqual([expect.stringContaining(`${file}.missing`)]);
  });

  it("decodes an encrypted store only with its key, and lists and verifies it without", async () => {
    const env = freshStore("sqlite", {
      CIPHER_TOPIC: "@es/cipher:AESCipher",
      IS_EVENT_HASHING_ENABLED: "y",
    });
    const [id = ""] = await fill({ ...env, CIPHER_KEY: KEY });
    expectOneLineFailure(es(["history", id, ...APP], env), /CIPHER_KEY/);
    expect(es(["log", ...APP, "--json"], env).status).toBe(0);
    expect(es(["verify", ...APP], env).status).toBe(0);
    const decoded = es(["history", id, ...APP, "--json"], { ...env, CIPHER_KEY: KEY });
    expect(jsonLines(decoded.stdout)[1]).toMatchObject({ attributes: { what: "change 0" } });
    // The key is never shown, whatever is printed.
    expect(decoded.stdout + decoded.stderr).not.toContain(KEY);
  });

  it("shows a corrupted row as not decoded, and fails to decode it in one line (the stack with --debug)", async () => {
    const env = freshStore("sqlite");
    const [id = ""] = await fill(env);
    await tamper(
      env,
      `UPDATE worlds_events SET state = X'00ff' WHERE originator_id = '${id}' AND originator_version = 2`,
    );
    const shown = es(["history", id, ...APP, "--json"], env);
    expect(shown.status).toBe(0);
    expect(jsonLines(shown.stdout)[1]).toMatchObject({
      version: 2,
      undecoded: expect.stringMatching(/^not decoded: /),
      state: "AP8=",
    });
    const decode = ["history", id, ...APP, "--decode", "./test/fixtures/worlds.ts"];
    expectOneLineFailure(es(decode, env), new RegExp(`${id} version 2`));
    const debug = es([...decode, "--debug"], env);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
