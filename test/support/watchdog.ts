/**
 * A per-file watchdog, loaded into every test file (vitest.config.ts setupFiles). vitest bounds each
 * test and hook, but not a file whose worker never reports back (a promise nothing settles after a
 * timeout, a child process holding the worker open); in CI such a file would hold the run until the
 * job's own limit and print nothing about itself. This fails it with what it was waiting on instead.
 */
import { afterAll, beforeAll } from 'vitest';

/** Well above the slowest file (the Redis kill tests take about 70 s on 2 cores). */
const FILE_LIMIT_MS = Number(process.env.NUDGE_TEST_FILE_LIMIT_MS ?? 10 * 60_000);

let timer: NodeJS.Timeout | null = null;

beforeAll(({}, suite) => {
  const file = suite.file?.filepath ?? suite.name;
  const started = Date.now();
  timer = setTimeout(() => {
    const resources = process.getActiveResourcesInfo().join(', ');
    process.stderr.write(
      `[watchdog] ${file} still running after ${Math.round((Date.now() - started) / 1000)} s; active resources: ${resources}; killing this worker\n`,
    );
    // vitest turns process.exit() into an error and keeps waiting; a worker that dies is reported as
    // "Worker exited unexpectedly" and the run goes on with the other files.
    process.kill(process.pid, 'SIGKILL');
  }, FILE_LIMIT_MS);
  // Only a file that is still running needs it.
  timer.unref();
});

afterAll(() => {
  if (timer !== null) clearTimeout(timer);
  timer = null;
});
