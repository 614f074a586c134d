import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import type { Issue } from '../domain/codes.js';
import { outcomeOf } from '../domain/outcome.js';
import type { Action, Intent } from '../domain/user.js';
import type { ReportRow } from './types.js';

/** A freshly validated line, as ingest writes it. */
export interface IngestedRow {
  line: number;
  email: string;
  key?: string;
  cells: readonly string[];
  intent?: Intent;
  issues: readonly Issue[];
}

/** A line waiting for the next stage: what that stage needs to know of it. */
export interface WorkRow {
  line: number;
  key: string;
  intent: Intent;
  issues: Issue[];
  plannedAction: Action | null;
  state: 'valid' | 'pending' | 'in_flight';
}

export interface FinalRow {
  line: number;
  action: Action;
  issues: readonly Issue[];
  note?: string;
}

/** The lines of one run in the journal. Statements are prepared once per run. */
export class RunRows {
  private readonly insert: Statement;
  private readonly window: Statement;
  private readonly plan: Statement;
  private readonly inFlight: Statement;
  private readonly finish: Statement;

  constructor(private readonly db: Db, readonly runId: string) {
    this.insert = db.prepare(
      `INSERT INTO journal_rows (run_id, line, email, key, cells, intent, issues, phone, ext_key, state, action, status, code, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.window = db.prepare(
      `SELECT line, key, intent, issues, planned_action, state FROM journal_rows
       WHERE run_id = ? AND state IN (?, ?) AND line > ? ORDER BY line LIMIT ?`,
    );
    this.plan = db.prepare(`UPDATE journal_rows SET state = 'pending', planned_action = ?, issues = ?, note = ? WHERE run_id = ? AND line = ?`);
    this.inFlight = db.prepare(`UPDATE journal_rows SET state = 'in_flight' WHERE run_id = ? AND line = ?`);
    this.finish = db.prepare(
      `UPDATE journal_rows SET state = 'done', planned_action = COALESCE(planned_action, ?), action = ?, issues = ?, note = ?,
         status = ?, code = ?, message = ? WHERE run_id = ? AND line = ?`,
    );
  }

  /** Writes validated lines in one transaction. An invalid line is final at once. */
  readonly add = (rows: readonly IngestedRow[]): void => {
    this.db.transaction(() => {
      for (const row of rows) {
        const attrs = row.intent?.kind === 'set' ? row.intent.attributes : undefined;
        const extKey = attrs?.extension !== undefined && attrs.location !== undefined ? `${attrs.location.toLowerCase()}|${attrs.extension}` : null;
        const outcome = row.intent ? null : outcomeOf(row.issues);
        this.insert.run(
          this.runId, row.line, row.email, row.key ?? null, JSON.stringify(row.cells),
          row.intent ? JSON.stringify(row.intent) : null, JSON.stringify(row.issues),
          attrs?.phoneNumber ?? null, extKey,
          outcome ? 'done' : 'valid', outcome ? 'none' : null, outcome?.status ?? null, outcome?.code ?? null, outcome?.message ?? null,
        );
      }
    })();
  };

  /** Up to `size` lines in `states`, after line `after`, in line order. */
  nextWindow(states: readonly [string, string], after: number, size: number): WorkRow[] {
    return (this.window.all(this.runId, states[0], states[1], after, size) as Record<string, unknown>[]).map((r) => ({
      line: r.line as number,
      key: r.key as string,
      intent: JSON.parse(r.intent as string) as Intent,
      issues: JSON.parse(r.issues as string) as Issue[],
      plannedAction: (r.planned_action as Action | null) ?? null,
      state: r.state as WorkRow['state'],
    }));
  }

  /** Records the planned change of lines that have something to apply. */
  readonly markPlanned = (rows: ReadonlyArray<{ line: number; action: Action; issues: readonly Issue[]; note?: string }>): void => {
    this.db.transaction(() => {
      for (const r of rows) this.plan.run(r.action, JSON.stringify(r.issues), r.note ?? null, this.runId, r.line);
    })();
  };

  /** Committed before the changes are sent: from here on a line "may have been applied". */
  readonly markInFlight = (lines: readonly number[]): void => {
    this.db.transaction(() => {
      for (const line of lines) this.inFlight.run(this.runId, line);
    })();
  };

  /** Final action and outcome of lines. */
  readonly markDone = (rows: readonly FinalRow[]): void => {
    this.db.transaction(() => {
      for (const r of rows) {
        const outcome = outcomeOf(r.issues, r.note);
        this.finish.run(r.action, r.action, JSON.stringify(r.issues), r.note ?? null, outcome.status, outcome.code, outcome.message, this.runId, r.line);
      }
    })();
  };

  /** How many lines are planned as removals (the removal guard's count). */
  countPlannedRemovals(): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM journal_rows WHERE run_id = ? AND planned_action = 'remove'`)
      .get(this.runId) as { n: number };
    return row.n;
  }

  countRows(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM journal_rows WHERE run_id = ?').get(this.runId) as { n: number }).n;
  }

  countInStates(states: readonly string[]): number {
    const marks = states.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM journal_rows WHERE run_id = ? AND state IN (${marks})`).get(this.runId, ...states) as { n: number }).n;
  }

  /** Drops the lines of an ingest that was cut short, so it can start again cleanly. */
  clear(): void {
    this.db.prepare('DELETE FROM journal_rows WHERE run_id = ?').run(this.runId);
  }

  /**
   * Every line in input order, as the reports print it. A line still `pending` (a dry run, or
   * a refused run) shows its planned action and the outcome its issues give.
   */
  *reportRows(): Generator<ReportRow> {
    const rows = this.db
      .prepare(
        `SELECT line, email, cells, issues, note, state, planned_action, action, status, code, message
         FROM journal_rows WHERE run_id = ? ORDER BY line`,
      )
      .iterate(this.runId) as IterableIterator<Record<string, unknown>>;
    for (const r of rows) {
      const done = r.state === 'done' || r.state === 'invalid';
      const outcome = done
        ? { status: r.status as ReportRow['status'], code: (r.code as string | null) ?? '', message: (r.message as string | null) ?? '' }
        : outcomeOf(JSON.parse(r.issues as string) as Issue[], (r.note as string | null) ?? '');
      yield {
        line: r.line as number,
        email: r.email as string,
        cells: JSON.parse(r.cells as string) as string[],
        action: ((done ? r.action : r.planned_action) as Action | null) ?? 'none',
        ...outcome,
      };
    }
  }
}
