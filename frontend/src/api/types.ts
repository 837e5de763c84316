/**
 * The contract between the Go side (package `app`, bound as `window.go.app.App`) and
 * this frontend. Its shapes are generated from `app/contract.go` into
 * ./contract.gen.ts (`make contract-ts`; a Go test fails while that file is stale), so
 * change a shape in the Go and regenerate. This file adds only what the frontend needs
 * on top: lists in display order, names the Go side has no type for, and the old names
 * of the event constants. Import contract types from here.
 *
 * The JSON conventions (null for absent values, [] for no items, ISO-8601 times) are
 * written at the top of app/contract.go. The client tolerates `null` lists and
 * normalises them, but the Go side does not rely on it.
 */
import type { Status, ApplicationStatus, UserPatch as UserPatchFields } from './contract.gen';
import { EventBatch, EventConnection } from './contract.gen';

export * from './contract.gen';

/** The order of the status filter chips (projection.Statuses). */
export const STATUSES: readonly Status[] = [
  'Active',
  'Paused',
  'Soft End',
  'Hard End',
  'Ended',
  'Approved',
  'Declined',
];

/** Number of conversations per status for a search ("" = all); every status is present. */
export type StatusCounts = Record<Status, number>;

/** Well-known assessment kinds; any other kind is shown under "Other assessments". */
export type KnownAssessmentKind = 'identityRisk' | 'serviceability' | 'fraudCheck';

export const APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  'draft',
  'submitted',
  'under_review',
  'approved',
  'declined',
];

/**
 * Only the present fields change. The Go side reads an absent field and a null one
 * alike (a nil pointer), so the frontend sends just the fields it changes.
 */
export type UserPatch = Partial<UserPatchFields>;

export const EVENT_BATCH = EventBatch;
export const EVENT_CONNECTION = EventConnection;
