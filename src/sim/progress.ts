/**
 * Progress of one run, reported to a caller's onSteps in chunks of at least `every` steps (a progress
 * bar needs no finer grain, and a call per step would cost more than the step), then the rest at end().
 */
export class StepProgress {
  private reported = 0;

  constructor(
    private readonly onSteps: ((steps: number) => void) | undefined,
    private readonly every: number,
  ) {}

  /** `done` steps are done: reports them when a chunk has gathered. */
  at(done: number): void {
    if (this.onSteps !== undefined && done - this.reported >= this.every) this.flush(done);
  }

  /** The run ended after `done` steps: reports what is left. */
  end(done: number): void {
    if (this.onSteps !== undefined && done > this.reported) this.flush(done);
  }

  private flush(done: number): void {
    this.onSteps!(done - this.reported);
    this.reported = done;
  }
}
