/**
 * `node run-system.js <name…>`: registers the puppies, waits until the Greeter's worker has
 * greeted them, and prints who greeted whom, from which process.
 */
import { MultiProcessRunner } from "@es/system";
import { Greeter, type Greeting, Kennel, system } from "./system.js";

const runner = new MultiProcessRunner(system, { module: new URL("./system.js", import.meta.url) });
await runner.start();
try {
  const kennel = runner.get(Kennel);
  for (const name of process.argv.slice(2)) await kennel.register(name);
  await runner.idle();
  const greeter = runner.get(Greeter);
  const greetings = await Promise.all(
    (await greeter.log.select(1, 10)).map((n) => greeter.repository.get<Greeting>(n.originatorId)),
  );
  console.log(
    JSON.stringify({
      greeted: greetings.map((g) => g.puppy),
      inWorker: greetings.every((g) => g.greeterPid === runner.pidOf(Greeter)),
      notHere: greetings.every((g) => g.greeterPid !== process.pid),
    }),
  );
} finally {
  await runner.stop();
}
