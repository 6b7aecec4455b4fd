/**
 * A command line over DogSchool, built several ways by the test: `register <name>`,
 * `add-trick <name> <trick>`, `show <name>` (prints the dog as JSON). The store comes from
 * the environment (e.g. INFRASTRUCTURE_FACTORY=@es/sqlite SQLITE_DBNAME=dogs.db).
 */
import { DogSchool } from "./application.js";

const [command, name = "", trick = ""] = process.argv.slice(2);
const app = new DogSchool();
try {
  if (command === "register") await app.registerDog(name);
  else if (command === "add-trick") await app.addTrick(name, trick);
  else if (command !== "show") throw new Error(`unknown command ${command}`);
  console.log(JSON.stringify(await app.getDog(name)));
} finally {
  await app.close();
}
