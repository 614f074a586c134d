import { setTimeout as sleep } from 'node:timers/promises';
import { WebexError, type WebexClient } from './http.js';
import { getPerson } from './people.js';

/**
 * Moving an existing calling user to another location. `PUT /people` cannot ("The `locationId`
 * ... cannot be changed if a user is already an existing calling user"); Webex Calling's Move
 * Users job can (`POST /telephony/config/jobs/person/moveLocation`, Cisco's webex-cloud-calling
 * spec). The job runs in the background: its status is read until it ends, and a failed move
 * is reported with the job's own errors.
 */

export interface MoveOptions {
  /** How often the job's status is read. */
  pollMs: number;
  /** How long to wait for the job before reporting it as still running. */
  timeoutMs: number;
}

export const MOVE_DEFAULTS: MoveOptions = { pollMs: 2_000, timeoutMs: 120_000 };

interface MoveJob {
  id: string;
  latestExecutionStatus: string;
  latestExecutionExitCode?: string;
  counts: { moved: number; failed: number };
}

const ENDED = new Set(['COMPLETED', 'FAILED', 'ABANDONED']);

export interface Move {
  orgId: string;
  personId: string;
  locationId: string;
  /** A new extension or number for the target location; absent keeps the current one. */
  extension?: string;
  phoneNumber?: string;
}

export async function moveUser(client: WebexClient, move: Move, options: MoveOptions = MOVE_DEFAULTS): Promise<void> {
  const user = { userId: move.personId, ...(move.extension !== undefined && { extension: move.extension }), ...(move.phoneNumber !== undefined && { phoneNumber: move.phoneNumber }) };
  const started = await client.request<{ response?: MoveJob }>('POST', '/telephony/config/jobs/person/moveLocation', {
    query: { orgId: move.orgId },
    body: { usersList: [{ locationId: move.locationId, validate: false, users: [user] }] },
    // Starting a job twice is not harmless: after an unclear outcome, look at the person first.
    idempotent: false,
    reconcile: async () => ((await getPerson(client, move.personId)).locationId === move.locationId
      ? { status: 201, body: {}, headers: new Headers(), trackingId: undefined }
      : undefined),
  });
  const job = started.body?.response;
  if (!job) return; // reconciled: the person is already in the target location
  const deadline = Date.now() + options.timeoutMs;
  let status = job;
  while (!ENDED.has(status.latestExecutionStatus)) {
    if (Date.now() + options.pollMs > deadline) {
      throw new WebexError(`the Move Users job ${job.id} is still ${status.latestExecutionStatus} after ${Math.round(options.timeoutMs / 1000)} s; check it in Control Hub`, undefined, started.trackingId);
    }
    await sleep(options.pollMs);
    status = (await client.get<MoveJob>(`/telephony/config/jobs/person/moveLocation/${encodeURIComponent(job.id)}`, { orgId: move.orgId })).body;
  }
  if (status.counts.moved >= 1) return;
  const errors = await client.get<{ items?: Array<{ error?: { message?: Array<{ description?: string; code?: string }> }; trackingId?: string }> }>(
    `/telephony/config/jobs/person/moveLocation/${encodeURIComponent(job.id)}/errors`,
    { orgId: move.orgId },
  );
  const details = (errors.body?.items ?? []).flatMap((item) => item.error?.message ?? []).map((m) => ({ ...(m.code !== undefined && { errorCode: m.code }), ...(m.description !== undefined && { description: m.description }) }));
  const words = details.map((d) => d.description).filter(Boolean).join('; ') || `the job ended ${status.latestExecutionExitCode ?? status.latestExecutionStatus}`;
  throw new WebexError(`the Move Users job did not move the user: ${words}`, 400, errors.body?.items?.[0]?.trackingId ?? started.trackingId, details);
}
