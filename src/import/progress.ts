/**
 * How a long stage tells the outside world how far it is. The core only counts; the CLI
 * decides how to show it (a bar on a terminal, a log line every few seconds for a batch job).
 */
export interface Progress {
  /** A stage begins; `total` is in `unit`s (bytes while reading, rows after). */
  start(phase: string, total: number | undefined, unit: 'rows' | 'bytes'): void;
  /** `done` in the stage's unit; `rows` when the unit is bytes and rows are counted too. */
  update(done: number, rows?: number): void;
  finish(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, finish() {} };
