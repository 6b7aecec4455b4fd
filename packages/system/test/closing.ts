/** Applications a test makes, closed after it whether it passes or fails. */
import { afterEach } from "vitest";

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** `app`, closed after the test. */
export function made<A extends { close(): Promise<void> }>(app: A): A {
  apps.push(app);
  return app;
}
