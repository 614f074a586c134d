/** The exit codes of every command, as the README documents them. */
export const EXIT = {
  /** Every row ok (warnings allowed), or the command did what it was asked. */
  OK: 0,
  /** The run finished and some rows have status `error`. */
  ROW_ERRORS: 1,
  /** Nothing could be applied: a file-level problem, the removal guard, bad arguments, an unreachable target. */
  NOT_APPLIED: 2,
} as const;
