/**
 * On a terminal, long work shows a progress bar on stderr that ends cleanly; piped, or with
 * `NO_COLOR`, it shows none (the data alone goes to stdout). The terminal is a real
 * pseudo-terminal (`script`).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { es, fill, freshStore, PACKAGE, type StoreEnv } from "./stores.js";

const quoted = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** Runs `es verify` on a pseudo-terminal: its exit status, and what the terminal showed. */
function verifyOnTerminal(env: StoreEnv) {
  const command = [
    process.execPath,
    "--import",
    "tsx",
    join(PACKAGE, "src", "bin.ts"),
    "verify",
    "--app",
    "Worlds",
  ]
    .map(quoted)
    .join(" ");
  return spawnSync("script", ["-q", "-e", "-c", command, "/dev/null"], {
    cwd: PACKAGE,
    encoding: "utf8",
    env: { ...process.env, TERM: "xterm", ...env },
    timeout: 60_000,
  });
}

describe("es on a terminal", () => {
  it("verify draws a progress bar to the end, then the report", async () => {
    const env = freshStore("sqlite", { IS_EVENT_HASHING_ENABLED: "y" });
    await fill(env, 400, 4);
    const run = verifyOnTerminal({ ...env, NO_COLOR: "" });
    expect(run.status).toBe(0);
    const screen = run.stdout;
    expect(screen).toMatch(
      /100% \| 2000\/2000 notifications \| [\d,]+\/s \| ETA 0s \| 0 violations/,
    );
    expect(screen).toMatch(/notifications checked:\s+2000/);
    // The cursor, hidden while the bar draws, is shown again.
    expect(screen).toContain("\u001b[?25h");
  });

  it("shows no bar when stderr is not a terminal, or with NO_COLOR", async () => {
    const env = freshStore("sqlite", { IS_EVENT_HASHING_ENABLED: "y" });
    await fill(env);
    const piped = es(["verify", "--app", "Worlds"], env);
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe("");
    const plain = verifyOnTerminal({ ...env, NO_COLOR: "1" });
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/notifications checked:\s+9/);
    expect(plain.stdout).not.toContain("%");
    expect(plain.stdout).not.toContain("\u001b[");
  });
});
