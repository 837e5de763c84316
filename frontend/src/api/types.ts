/**
 * The contract between the Go side (package `app`, bound as `window.go.app.App`) and
 * this frontend. The Go engineer implements exactly these shapes.
 *
 * Conventions (binding for the Go side):
 * - Every time is an ISO-8601 string with zone (Go `time.Time` marshals this way).
 *   An absent time is `null`, never `"0001-01-01T00:00:00Z"`.
 * - An absent string is `null` where the type says `string | null`; otherwise it is
 *   `""` at worst. An absent number is `null` where the type allows it.
 * - Lists are always JSON arrays; send `[]`, not `null`, for "none". (The client
 *   tolerates `null` lists and normalises them, but do not rely on it.)
 * - Free-form producer data is typed as {@link JsonObject}/{@link JsonValue}.
 * - Bound methods reject with a human-readable string (e.g. "Wrong email or
 *   password"); the UI shows it as is.
 */

// ---------------------------------------------------------------------------
// JSON and small shared types

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** ISO-8601 timestamp, e.g. "2024-11-24T10:12:03.123Z". */
export type IsoTime = string;

/** A stream entry id such as "1732451234567-0". */
export type StreamId = string;

export type Sender = 'customer' | 'assistant';

/**
 * What a supervisor sees on a conversation's badge (chatLedger spec §4).
 * The order of {@link STATUSES} is the order the filter chips show.
 */
export type Status = 'Active' | 'Paused' | 'Soft End' | 'Hard End' | 'Ended' | 'Approved' | 'Declined';

export const STATUSES: readonly Status[] = [
  'Active',
  'Paused',
  'Soft End',
  'Hard End',
  'Ended',
  'Approved',
  'Declined',
];

// ---------------------------------------------------------------------------
// Session and users

export type Role = 'admin' | 'supervisor';

export interface SessionInfo {
  email: string;
  name: string;
  role: Role;
  /** When the session stops being valid; the UI returns to sign-in then. */
  expiresAt: IsoTime;
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: IsoTime;
  lastLoginAt: IsoTime | null;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** Only the present fields change. */
export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

// ---------------------------------------------------------------------------
// Connection to the ledger

export type LinkState = 'connected' | 'connecting' | 'offline';

export interface ConnectionState {
  state: LinkState;
  /** True when what is shown may be out of date (offline, or not caught up). */
  stale: boolean;
  /** Last stream entry applied to the local cache ("" when none yet). */
  lastAppliedId: StreamId;
  /** Entries in the stream after lastAppliedId, as far as known (0 when caught up). */
  behind: number;
  /** True while replaying a backlog; the UI shows applied / (applied + behind). */
  catchingUp: boolean;
  /** Entries applied since the app started. */
  applied: number;
  /** Last connection error, human-readable; null when none. */
  error: string | null;
  /** Redis URL without credentials, for display. */
  redisUrl: string;
}

// ---------------------------------------------------------------------------
// Conversations

export interface LastMessage {
  sender: Sender;
  text: string;
  at: IsoTime;
}

/** One conversation as a grid card (no transcript). */
export interface ConversationCard {
  id: string;
  customerId: string | null;
  /** Display name (first + middle + last, else preferred name); null when unknown. */
  customerName: string | null;
  applicationNumber: string | null;
  /** Always set: the time of conversation_started, else of the first event. */
  startedAt: IsoTime;
  lastMessageAt: IsoTime | null;
  /** Set when an end-of-conversation flag was seen. */
  endedAt: IsoTime | null;
  /** Final decision as sent by the producer ("APPROVED", "DECLINED", other); null when none. */
  decision: string | null;
  /** Status computed by Go at read time; the UI recomputes it as the clock moves. */
  status: Status;
  messageCount: number;
  purpose: string | null;
  lastMessage: LastMessage | null;
}

export interface ConversationQuery {
  /** Free text: customer first/last name, application number, decision, message words. "" = all. */
  search: string;
  /** "" = any status. */
  status: Status | '';
  /** null = first page. */
  cursor: string | null;
  limit: number;
}

/** Newest by startedAt first. nextCursor is null on the last page. */
export interface ConversationPage {
  items: ConversationCard[];
  nextCursor: string | null;
}

/** Number of conversations per status for a search ("" = all); every status is present. */
export type StatusCounts = Record<Status, number>;

export interface Message {
  /** Stream entry id of the event; unique, used to de-duplicate live messages. */
  streamId: StreamId;
  seq: number | null;
  sender: Sender;
  text: string;
  rationale: string | null;
  answerInputType: string | null;
  additionalData: JsonObject | null;
  at: IsoTime;
  /** Optional extra: the LLM's "current step complete" flag, when sent. */
  stepComplete?: boolean | null;
  /** Optional extra: the message carried an end-of-conversation flag. */
  endConversation?: boolean;
}

/** A message as it arrives in `ledger:batch`. */
export interface LiveMessage extends Message {
  conversationId: string;
}

/** Well-known assessment kinds; any other kind is shown under "Other assessments". */
export type KnownAssessmentKind = 'identityRisk' | 'serviceability' | 'fraudCheck';

export interface AssessmentVersion {
  value: JsonObject;
  at: IsoTime;
}

export interface Assessment {
  /** 'identityRisk' | 'serviceability' | 'fraudCheck' | any other kind name. */
  kind: string;
  /** The event type it came from, e.g. "fraudCheck_results". */
  type: string;
  value: JsonObject;
  at: IsoTime;
  /** Earlier values, newest first. */
  history: AssessmentVersion[];
}

export interface Post {
  agent: string;
  text: string;
  at: IsoTime;
  agentFinished: boolean;
}

export interface NoticeboardTopic {
  topic: string;
  latest: Post;
  /** Earlier posts of this topic, newest first. */
  earlier: Post[];
}

export interface ConversationInfo extends ConversationCard {
  facts: string[];
  /** "" when none. */
  decisionReason: string;
  /** Producer's username field; "" when none. */
  username: string;
}

export interface ConversationDetail {
  conversation: ConversationInfo;
  /** Oldest first. */
  messages: Message[];
  application: Application | null;
  customer: CustomerProfile | null;
  assessments: Assessment[];
  noticeboard: NoticeboardTopic[];
}

// ---------------------------------------------------------------------------
// Customers

export interface Address {
  /** One-line formatted address ("" when nothing known). */
  formatted: string;
  /** Raw address fields (snake_case keys as sent), strings only. */
  fields: Record<string, string>;
}

export interface IdentityDocument {
  documentType: string | null;
  documentSubtype: string | null;
  documentNumber: string | null;
  /** YYYY-MM-DD as sent. */
  expiryDate: string | null;
  stateOfIssue: string | null;
  countryOfIssue: string | null;
  additionalInfo: Record<string, string>;
  expired: boolean;
}

export interface CustomerFlags {
  staff: boolean | null;
  investor: boolean | null;
  founder: boolean | null;
}

export interface CustomerProfile {
  id: string;
  /** Display name; null when no name is known. */
  name: string | null;
  title: string | null;
  preferredName: string | null;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  email: string | null;
  mobile: string | null;
  /** YYYY-MM-DD. */
  dateOfBirth: string | null;
  residentialAddress: Address | null;
  mailingAddress: Address | null;
  flags: CustomerFlags;
  ekycStatus: string | null;
  /** LIVING, DECEASED, MISSING. */
  individualStatus: string | null;
  documents: IdentityDocument[];
}

export interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  mobile: string | null;
  applications: number;
  conversations: number;
}

export interface CustomerPage {
  items: CustomerRow[];
  nextCursor: string | null;
}

export interface CustomerDetail {
  profile: CustomerProfile;
  applications: ApplicationRow[];
  /** Newest first. */
  conversations: ConversationCard[];
}

// ---------------------------------------------------------------------------
// Applications

export type ApplicationStatus = 'draft' | 'submitted' | 'under_review' | 'approved' | 'declined';

export const APPLICATION_STATUSES: readonly ApplicationStatus[] = [
  'draft',
  'submitted',
  'under_review',
  'approved',
  'declined',
];

export interface ApplicationRow {
  number: string;
  customerId: string | null;
  customerName: string | null;
  loanAmount: number | null;
  status: ApplicationStatus;
  /** Current process stage, else "submitted". */
  stage: string;
  updatedAt: IsoTime;
  /** The latest conversation about this application; null when none. */
  conversationId: string | null;
}

export interface ApplicationQuery {
  /** An ApplicationStatus, or "" for any. */
  status: ApplicationStatus | '';
  /** Application number, customer name or id; "" = all. */
  search: string;
  cursor: string | null;
  limit: number;
}

/** Most recently updated first. */
export interface ApplicationPage {
  items: ApplicationRow[];
  nextCursor: string | null;
}

export interface ProcessStep {
  name: string;
  description: string | null;
  complete: boolean;
  type: string | null;
}

export interface ProcessStage {
  name: string;
  complete: boolean;
  steps: ProcessStep[];
}

export interface ApplicationFlags {
  customerAttestationAcceptance: boolean | null;
  statementCaptureConsentProvided: boolean | null;
  statementCaptureCompleted: boolean | null;
  productOfferAcceptance: boolean | null;
}

export interface Application {
  number: string;
  customerId: string | null;
  conversationId: string | null;
  status: ApplicationStatus;
  /** Outcome as sent ("APPROVED", "DECLINED", ...); null when none. */
  outcome: string | null;
  outcomeReason: string | null;
  currentStage: string | null;
  currentStep: string | null;
  /** Completed stages / all stages × 100 (0 with no stages). */
  progressPercentage: number;
  stages: ProcessStage[];
  loanPurpose: string | null;
  /** AUD. */
  loanAmount: number | null;
  loanFee: number | null;
  loanTotalPayable: number | null;
  loanTermDays: number | null;
  flags: ApplicationFlags;
  submittedAt: IsoTime | null;
  updatedAt: IsoTime;
  /** The merged producer ApplicationDetail (never tax fields). Shown generically. */
  detail: JsonObject;
}

export interface ApplicationDetail {
  application: Application;
  customer: CustomerProfile | null;
  /** Newest first. */
  conversations: ConversationCard[];
}

// ---------------------------------------------------------------------------
// Settings

export interface Thresholds {
  /** Idle seconds after which a conversation is "Paused" (default 180). */
  pausedSeconds: number;
  /** Idle seconds after which it is "Soft End" (default 1200). */
  softEndSeconds: number;
  /** Idle seconds after which it is "Hard End" (default 86400). */
  hardEndSeconds: number;
}

export interface Settings {
  redisUrl: string;
  redisUsername: string;
  /**
   * Write-only. GetSettings/SaveSettings always return "". On SaveSettings:
   * a non-empty value replaces the stored password; "" keeps the stored one when
   * `hasRedisPassword` is true and removes it when `hasRedisPassword` is false.
   */
  redisPassword: string;
  /** True when a password is stored (see redisPassword). */
  hasRedisPassword: boolean;
  redisTls: boolean;
  /** Stream key, default "chatLedger". */
  stream: string;
  /** Base URL of the backend HTTP API ("" when not used). */
  backendUrl: string;
  thresholds: Thresholds;
}

// ---------------------------------------------------------------------------
// Events

export const EVENT_BATCH = 'ledger:batch';
export const EVENT_CONNECTION = 'ledger:connection';

/**
 * Emitted every 50–100 ms while something changed (nothing is emitted when nothing
 * changed). Any list may be empty. Keep it small: cards and new messages, not details.
 */
export interface LedgerBatch {
  /**
   * Cards of conversations that are new or changed in any way: messages, summary,
   * decision, end flag, and also assessments and noticeboard posts (the open
   * conversation view refetches its detail when its card appears here). At most one
   * card per conversation per batch (the latest). Status computed at emit time.
   */
  conversations: ConversationCard[];
  /** New transcript messages, in stream order. */
  messages: LiveMessage[];
  /** Application numbers whose detail changed. */
  applications: string[];
  /** Customer ids whose profile changed. */
  customers: string[];
}
