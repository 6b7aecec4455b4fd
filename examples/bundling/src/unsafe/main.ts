/** A command line over Cattery, as src/safe/main.ts is over DogSchool. */
import { Cattery } from "./application.js";

const [command, name = "", what = ""] = process.argv.slice(2);
const app = new Cattery();
try {
  if (command === "register") await app.registerCat(name);
  else if (command === "add-trick") await app.addTrick(name, what);
  else if (command !== "show") throw new Error(`unknown command ${command}`);
  console.log(JSON.stringify(await app.getCat(name)));
} finally {
  await app.close();
}
