// A CommonJS consumer: the packages are ES modules, which Node 20.19+ lets `require` load.
const assert = require("node:assert/strict");
const { Application } = require("@es/application");
const { Aggregate, AggregateEvent, registerTopic } = require("@es/domain");

class Counter extends Aggregate {
  count = 0;
  static Incremented = class Incremented extends AggregateEvent {
    apply(counter) {
      counter.count += this.by;
    }
  };
  increment(by) {
    this.triggerEvent(Counter.Incremented, { by });
  }
}
registerTopic("Counter", Counter);

class Counters extends Application {
  static applicationName = "Counters";
}

const main = async () => {
  const app = new Counters();
  const counter = Counter.create();
  counter.increment(2);
  counter.increment(3);
  await app.save(counter);
  const copy = await app.repository.get(counter.id);
  assert.equal(copy.count, 5);
  console.log(JSON.stringify({ count: copy.count, version: copy.version }));
  await app.close();
};
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
