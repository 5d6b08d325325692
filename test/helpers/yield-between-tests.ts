/**
 * Let the event loop turn before every test. Most CLI tests run the CLI synchronously; vitest
 * awaits a synchronous test only through microtasks, so a file of them blocked the worker's
 * event loop for minutes with both cores busy and vitest's own worker messages timed out
 * ("Timeout calling onTaskUpdate"). One macrotask per test keeps each block to one test.
 */
import { beforeEach } from "vitest";

beforeEach(() => new Promise<void>((done) => setImmediate(done)));
