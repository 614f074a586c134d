/** The exit codes of every command, as the README documents them (test/exit-codes.test.ts produces each). */
export const EXIT = {
  /** Every row ok (warnings allowed), or the command did what it was asked. */
  OK: 0,
  /** The run finished and some rows have status `error`. */
  ROW_ERRORS: 1,
  /** Nothing could be applied: a file-level problem, the removal guard, bad arguments, an unreachable target, a fault found before the first change. */
  NOT_APPLIED: 2,
  /**
   * Stopped by a fault part-way (the disk filled up, the database or report folder became
   * unwritable, the target refused the token or went away, an unexpected error): the run is left
   * unfinished with nothing half-done; fix the cause and run the printed command to resume it.
   */
  STOPPED: 3,
  /** Stopped by a signal at the next safe point: 128 + its number, as a shell reports it (SIGHUP 129, SIGINT 130, SIGTERM 143). */
  SIGNAL_BASE: 128,
} as const;

/** The exit codes in one paragraph, for `--help`: of bulkhub, and of the commands a nightly job runs (users import, validate). */
export const EXIT_CODES_HELP =
  'Exit codes: 0 every row ok (warnings allowed); 1 the run finished and some rows have status error; ' +
  '2 nothing could be applied (file-level problem, removal guard, bad arguments, unreachable target, a fault found before the first change); ' +
  '3 stopped part-way by a fault (disk full, database unwritable, token refused): resume with the printed command; ' +
  '129/130/143 stopped by SIGHUP/SIGINT/SIGTERM at a safe point: resume with the printed command.';
