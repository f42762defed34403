/**
 * Progress of a benchmark in the terminal: on a TTY one status line redrawn in place with a bar
 * per running loss; otherwise plain lines, one per finished epoch.
 */
import type { StepReport } from '../training/trainer.js';

interface RunState {
  report: StepReport;
  lastEpochPrinted: number;
}

export class ProgressView {
  private runs = new Map<string, RunState>();
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly interactive = stream.isTTY === true,
  ) {}

  step(loss: string, report: StepReport): void {
    const state = this.runs.get(loss) ?? { report, lastEpochPrinted: -1 };
    state.report = report;
    this.runs.set(loss, state);
    const stepsPerEpoch = report.totalSteps / report.epochs;
    const endOfEpoch = (report.step + 1) % stepsPerEpoch === 0;
    if (this.interactive) {
      const now = Date.now();
      if (now - this.lastDraw > 200 || report.step + 1 === report.totalSteps) this.draw();
      this.lastDraw = now;
    } else if (endOfEpoch && state.lastEpochPrinted < report.epoch) {
      state.lastEpochPrinted = report.epoch;
      const weights =
        report.lossWeights.length > 0 ? `  weights ${report.lossWeights.join('/')}` : '';
      this.stream.write(
        `${loss}  epoch ${report.epoch + 1}/${report.epochs}  step ${report.step + 1}/${report.totalSteps}` +
          `  loss ${report.loss.toFixed(4)}  lr ${report.lr.toExponential(2)}${weights}\n`,
      );
    }
  }

  /** Prints a line above the status line. */
  message(text: string): void {
    if (this.interactive) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
    if (this.interactive && this.runs.size > 0) this.draw();
  }

  finish(loss: string): void {
    this.runs.delete(loss);
    if (this.interactive) this.stream.write('\r\x1b[2K');
  }

  private draw(): void {
    const parts = [...this.runs].map(([loss, { report }]) => {
      const fraction = (report.step + 1) / report.totalSteps;
      const filled = Math.round(fraction * 20);
      const bar = '█'.repeat(filled) + '░'.repeat(20 - filled);
      return `${loss} ${bar} ${(100 * fraction).toFixed(0)}% loss ${report.loss.toFixed(3)}`;
    });
    const columns = this.stream.columns ?? 120;
    this.stream.write(`\r\x1b[2K${parts.join('  |  ').slice(0, columns - 1)}`);
  }
}
