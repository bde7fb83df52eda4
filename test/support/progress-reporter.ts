/**
 * A vitest reporter that appends one line when a test file starts and one when it ends to the file
 * named by NUDGE_TEST_PROGRESS (.ci/run sets it). The default reporter says nothing about a file until
 * it ends, so when a run is stopped from outside, this file is what tells which files were running.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export default class ProgressReporter implements Reporter {
  private readonly out = process.env.NUDGE_TEST_PROGRESS ?? '';
  private readonly started = new Map<string, number>();

  onTestModuleStart(m: TestModule): void {
    this.started.set(m.moduleId, Date.now());
    this.write(`start ${this.name(m)}`);
  }

  onTestModuleEnd(m: TestModule): void {
    const t0 = this.started.get(m.moduleId) ?? Date.now();
    this.write(`end ${this.name(m)} ${m.state()} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }

  private name(m: TestModule): string {
    return path.relative(process.cwd(), m.moduleId);
  }

  private write(line: string): void {
    if (this.out !== '') fs.appendFileSync(this.out, `${new Date().toISOString()} ${line}\n`);
  }
}
