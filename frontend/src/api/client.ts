/**
 * Typed access to the Go side. Components and stores talk to {@link api} only, never
 * to `window.go`, so tests install a fake with {@link setApi}.
 */
import type {
  About,
  AuditPage,
  AuditQuery,
  DeadLetterDetail,
  DeadLetterPage,
  DeadLetterQuery,
  DeadLetterSelection,
  DropResult,
  HistoryWindow,
  Pipeline,
  PipelineHistory,
  RebuildJob,
  RebuildRequest,
  RetryResult,
} from './types';
import type {
  Application,
  ApplicationDetail,
  ApplicationPage,
  ApplicationQuery,
  AttentionPage,
  Assessment,
  ConnectionState,
  ConversationCard,
  ConversationDetail,
  ConversationPage,
  ConversationQuery,
  CustomerDetail,
  DesktopNotification,
  CustomerPage,
  CustomerProfile,
  JumpResult,
  LedgerBatch,
  NewUser,
  NoticeboardTopic,
  Preferences,
  SavedView,
  SearchMatch,
  SessionInfo,
  Settings,
  SharedSettings,
  StatusCounts,
  User,
  UserPatch,
} from './types';
import { EVENT_BATCH, EVENT_CONNECTION, EventNotificationOpen, STATUSES } from './types';
import { densityOf, type Density } from '../domain/density';

export type Unsubscribe = () => void;

/** Everything the UI needs from the backend. */
export interface ApiClient {
  session(): Promise<SessionInfo | null>;
  signIn(email: string, password: string): Promise<SessionInfo>;
  signOut(): Promise<void>;

  connection(): Promise<ConnectionState>;
  /** Reconnects to the ledger now (the offline banner's Retry). */
  retryConnection(): Promise<void>;

  listConversations(q: ConversationQuery): Promise<ConversationPage>;
  /** Counts at the instant `at` (ISO time; null or absent = now). */
  statusCounts(search: string, at?: string | null): Promise<StatusCounts>;
  getConversation(id: string): Promise<ConversationDetail>;

  searchCustomers(q: string, cursor: string | null, limit: number): Promise<CustomerPage>;
  getCustomer(id: string): Promise<CustomerDetail>;

  listApplications(q: ApplicationQuery): Promise<ApplicationPage>;
  getApplication(num: string): Promise<ApplicationDetail>;

  needsAttention(limit: number): Promise<AttentionPage>;
  explainMatches(search: string, ids: string[]): Promise<Record<string, SearchMatch>>;
  jump(text: string): Promise<JumpResult[]>;

  // The signed-in supervisor's own state on this computer.
  /** Clears a conversation's unread marker until its next event. */
  markSeen(id: string): Promise<void>;
  /** Clears every unread marker ("Mark all as read"). */
  markAllSeen(): Promise<void>;
  savedViews(): Promise<SavedView[]>;
  /** Saves a new view (id 0) or renames / changes one; answers it as stored. */
  saveView(v: SavedView): Promise<SavedView>;
  deleteView(id: number): Promise<void>;
  preferences(): Promise<Preferences>;
  savePreferences(p: Preferences): Promise<Preferences>;
  /** Shows a desktop notification; false when the desktop could not (the window shows a toast). */
  notify(n: DesktopNotification): Promise<boolean>;

  getSettings(): Promise<Settings>;
  saveSettings(s: Settings): Promise<Settings>;
  /** The build's identity and the machine-wide defaults' state (About box, settings note). */
  about(): Promise<About>;
  /** Fetches the settings every desktop shares from the backend and applies them here. */
  sharedSettings(): Promise<SharedSettings>;
  /** Changes the shared settings for everyone (admins only). */
  saveSharedSettings(s: SharedSettings): Promise<SharedSettings>;
  /** The signed-in supervisor's grid density, kept on this computer ("comfortable" until chosen). */
  density(): Promise<Density>;
  saveDensity(d: Density): Promise<Density>;

  listUsers(): Promise<User[]>;
  createUser(u: NewUser): Promise<User>;
  updateUser(id: number, patch: UserPatch): Promise<User>;

  // Operations (admins only; the backend refuses supervisors).
  pipeline(): Promise<Pipeline>;
  pipelineHistory(window: HistoryWindow): Promise<PipelineHistory>;
  listDeadLetters(q: DeadLetterQuery): Promise<DeadLetterPage>;
  getDeadLetter(id: string): Promise<DeadLetterDetail>;
  retryDeadLetters(sel: DeadLetterSelection): Promise<RetryResult>;
  dropDeadLetters(sel: DeadLetterSelection): Promise<DropResult>;
  startRebuild(req: RebuildRequest): Promise<RebuildJob>;
  listRebuilds(): Promise<RebuildJob[]>;
  getRebuild(id: string): Promise<RebuildJob>;
  cancelRebuild(id: string): Promise<RebuildJob>;
  listAudit(q: AuditQuery): Promise<AuditPage>;

  onBatch(cb: (b: LedgerBatch) => void): Unsubscribe;
  onConnection(cb: (c: ConnectionState) => void): Unsubscribe;
  /** A desktop notification was clicked: the conversation id, "" for a grouped one. */
  onNotificationOpen(cb: (conversationId: string) => void): Unsubscribe;
}

// ---------------------------------------------------------------------------
// Error messages

/** Turns whatever a rejected call gave us into a message fit for the screen. */
export function errorMessage(e: unknown): string {
  if (typeof e === 'string' && e.trim() !== '') return e;
  if (e instanceof Error && e.message) return e.message;
  if (e && typeof e === 'object' && 'message' in e) {
    const m = (e as { message: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return 'Something went wrong';
}

// ---------------------------------------------------------------------------
// Normalisation: tolerate Go nil slices/maps arriving as null.

function arr<T>(v: T[] | null | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function normCustomer(p: CustomerProfile | null): CustomerProfile | null {
  if (!p) return null;
  return {
    ...p,
    flags: p.flags ?? { staff: null, investor: null, founder: null },
    documents: arr(p.documents).map((d) => ({ ...d, additionalInfo: d.additionalInfo ?? {} })),
  };
}

function normApplication(a: Application | null): Application | null {
  if (!a) return null;
  return {
    ...a,
    stages: arr(a.stages).map((s) => ({ ...s, steps: arr(s.steps) })),
    detail: a.detail ?? {},
    flags: a.flags ?? {
      customerAttestationAcceptance: null,
      statementCaptureConsentProvided: null,
      statementCaptureCompleted: null,
      productOfferAcceptance: null,
    },
  };
}

function normAssessment(a: Assessment): Assessment {
  return { ...a, value: a.value ?? {}, history: arr(a.history) };
}

function normTopic(t: NoticeboardTopic): NoticeboardTopic {
  return { ...t, earlier: arr(t.earlier) };
}

function normCards(c: ConversationCard[] | null | undefined): ConversationCard[] {
  return arr(c);
}

export function normaliseDetail(d: ConversationDetail): ConversationDetail {
  return {
    conversation: { ...d.conversation, facts: arr(d.conversation.facts) },
    messages: arr(d.messages),
    application: normApplication(d.application),
    customer: normCustomer(d.customer),
    assessments: arr(d.assessments).map(normAssessment),
    noticeboard: arr(d.noticeboard).map(normTopic),
  };
}

export function normaliseBatch(b: Partial<LedgerBatch> | null | undefined): LedgerBatch {
  return {
    conversations: arr(b?.conversations),
    messages: arr(b?.messages),
    applications: arr(b?.applications),
    customers: arr(b?.customers),
  };
}

function normCounts(c: Partial<StatusCounts> | null): StatusCounts {
  const out = {} as StatusCounts;
  for (const s of STATUSES) out[s] = c?.[s] ?? 0;
  return out;
}

function normPipeline(p: Pipeline): Pipeline {
  return {
    ...p,
    projection: { ...p.projection, consumers: arr(p.projection?.consumers), outcomes: p.projection?.outcomes ?? {} },
    breakers: arr(p.breakers),
    desktops: arr(p.desktops),
    alerts: arr(p.alerts),
  };
}

// ---------------------------------------------------------------------------
// The Wails implementation

/** Methods bound by Go on `window.go.app.App`. */
interface GoApp {
  Session(): Promise<SessionInfo | null>;
  SignIn(email: string, password: string): Promise<SessionInfo>;
  SignOut(): Promise<void>;
  Connection(): Promise<ConnectionState>;
  ListConversations(q: ConversationQuery): Promise<ConversationPage>;
  StatusCounts(search: string): Promise<StatusCounts>;
  StatusCountsAt(search: string, at: string | null): Promise<StatusCounts>;
  RetryConnection(): Promise<void>;
  GetConversation(id: string): Promise<ConversationDetail>;
  SearchCustomers(q: string, cursor: string | null, limit: number): Promise<CustomerPage>;
  GetCustomer(id: string): Promise<CustomerDetail>;
  ListApplications(q: ApplicationQuery): Promise<ApplicationPage>;
  GetApplication(num: string): Promise<ApplicationDetail>;
  NeedsAttention(limit: number): Promise<AttentionPage>;
  ExplainMatches(search: string, ids: string[]): Promise<Record<string, SearchMatch> | null>;
  Jump(text: string, seq: number): Promise<JumpResult[] | null>;
  MarkSeen(id: string): Promise<void>;
  MarkAllSeen(): Promise<void>;
  SavedViews(): Promise<SavedView[] | null>;
  SaveView(v: SavedView): Promise<SavedView>;
  DeleteView(id: number): Promise<void>;
  GetPreferences(): Promise<Preferences>;
  SavePreferences(p: Preferences): Promise<Preferences>;
  Notify(n: DesktopNotification): Promise<boolean>;
  GetSettings(): Promise<Settings>;
  SaveSettings(s: Settings): Promise<Settings>;
  About(): Promise<About>;
  SharedSettings(): Promise<SharedSettings>;
  SaveSharedSettings(s: SharedSettings): Promise<SharedSettings>;
  Density(): Promise<string>;
  SaveDensity(d: string): Promise<string>;
  ListUsers(): Promise<User[]>;
  CreateUser(u: NewUser): Promise<User>;
  UpdateUser(id: number, patch: UserPatch): Promise<User>;
  Pipeline(): Promise<Pipeline>;
  PipelineHistory(window: HistoryWindow): Promise<PipelineHistory>;
  ListDeadLetters(q: DeadLetterQuery): Promise<DeadLetterPage>;
  GetDeadLetter(id: string): Promise<DeadLetterDetail>;
  RetryDeadLetters(sel: DeadLetterSelection): Promise<RetryResult>;
  DropDeadLetters(sel: DeadLetterSelection): Promise<DropResult>;
  StartRebuild(req: RebuildRequest): Promise<RebuildJob>;
  ListRebuilds(): Promise<RebuildJob[]>;
  GetRebuild(id: string): Promise<RebuildJob>;
  CancelRebuild(id: string): Promise<RebuildJob>;
  ListAudit(q: AuditQuery): Promise<AuditPage>;
}

interface WailsRuntime {
  EventsOn(name: string, cb: (...data: unknown[]) => void): () => void;
}

interface WailsWindow {
  go?: { app?: { App?: GoApp } };
  runtime?: WailsRuntime;
}

function goApp(): GoApp {
  const app = (window as unknown as WailsWindow).go?.app?.App;
  if (!app) throw new Error('The Go backend is not available');
  return app;
}

/** Rejections from Go are strings; make them Errors with that message. */
async function call<T>(f: (app: GoApp) => Promise<T>): Promise<T> {
  try {
    return await f(goApp());
  } catch (e) {
    throw new Error(errorMessage(e));
  }
}

function on<T>(name: string, cb: (v: T) => void): Unsubscribe {
  const rt = (window as unknown as WailsWindow).runtime;
  if (!rt) return () => {};
  const off = rt.EventsOn(name, (data: unknown) => cb(data as T));
  return typeof off === 'function' ? off : () => {};
}

export function createWailsClient(): ApiClient {
  // Numbers the palette's questions: Go stops a lookup still running when a newer one
  // starts. Counting from the clock keeps the numbers rising across a reload.
  let jumpSeq = Date.now() * 1000;
  return {
    session: () => call((a) => a.Session()),
    signIn: (email, password) => call((a) => a.SignIn(email, password)),
    signOut: () => call((a) => a.SignOut()),
    connection: () => call((a) => a.Connection()),
    listConversations: async (q) => {
      const p = await call((a) => a.ListConversations(q));
      return { items: normCards(p?.items), nextCursor: p?.nextCursor || null };
    },
    retryConnection: () => call((a) => a.RetryConnection()),
    statusCounts: async (search, at) =>
      normCounts(await call((a) => (at ? a.StatusCountsAt(search, at) : a.StatusCounts(search)))),
    getConversation: async (id) => normaliseDetail(await call((a) => a.GetConversation(id))),
    searchCustomers: async (q, cursor, limit) => {
      const p = await call((a) => a.SearchCustomers(q, cursor, limit));
      return { items: arr(p?.items), nextCursor: p?.nextCursor || null };
    },
    getCustomer: async (id) => {
      const d = await call((a) => a.GetCustomer(id));
      return {
        profile: normCustomer(d.profile) as CustomerProfile,
        applications: arr(d.applications),
        conversations: normCards(d.conversations),
      };
    },
    listApplications: async (q) => {
      const p = await call((a) => a.ListApplications(q));
      return { items: arr(p?.items), nextCursor: p?.nextCursor || null };
    },
    getApplication: async (num) => {
      const d = await call((a) => a.GetApplication(num));
      return {
        application: normApplication(d.application) as Application,
        customer: normCustomer(d.customer),
        conversations: normCards(d.conversations),
        assessments: arr(d.assessments).map(normAssessment),
        noticeboard: arr(d.noticeboard).map(normTopic),
      };
    },
    needsAttention: async (limit) => {
      const p = await call((a) => a.NeedsAttention(limit));
      return {
        items: arr(p?.items).map((it) => ({ card: normCards([it.card])[0], reasons: arr(it.reasons) })),
        total: p?.total ?? 0,
      };
    },
    explainMatches: async (search, ids) => (await call((a) => a.ExplainMatches(search, ids))) ?? {},
    jump: async (text) => arr(await call((a) => a.Jump(text, ++jumpSeq))),
    markSeen: (id) => call((a) => a.MarkSeen(id)),
    markAllSeen: () => call((a) => a.MarkAllSeen()),
    savedViews: async () => arr(await call((a) => a.SavedViews())),
    saveView: (v) => call((a) => a.SaveView(v)),
    deleteView: (id) => call((a) => a.DeleteView(id)),
    preferences: () => call((a) => a.GetPreferences()),
    savePreferences: (p) => call((a) => a.SavePreferences(p)),
    notify: (n) => call((a) => a.Notify(n)),
    sharedSettings: () => call((a) => a.SharedSettings()),
    saveSharedSettings: (x) => call((a) => a.SaveSharedSettings(x)),
    density: async () => densityOf(await call((a) => a.Density())),
    saveDensity: async (d) => densityOf(await call((a) => a.SaveDensity(d))),
    getSettings: () => call((a) => a.GetSettings()),
    saveSettings: (s) => call((a) => a.SaveSettings(s)),
    about: () => call((a) => a.About()),
    listUsers: async () => arr(await call((a) => a.ListUsers())),
    createUser: (u) => call((a) => a.CreateUser(u)),
    updateUser: (id, patch) => call((a) => a.UpdateUser(id, patch)),
    pipeline: async () => normPipeline(await call((a) => a.Pipeline())),
    pipelineHistory: async (w) => {
      const h = await call((a) => a.PipelineHistory(w));
      return { window: h?.window ?? w, points: arr(h?.points) };
    },
    listDeadLetters: async (q) => {
      const p = await call((a) => a.ListDeadLetters(q));
      return { items: arr(p?.items), total: p?.total ?? 0, nextCursor: p?.nextCursor || null };
    },
    getDeadLetter: async (id) => {
      const d = await call((a) => a.GetDeadLetter(id));
      return { ...d, fields: arr(d.fields) };
    },
    retryDeadLetters: async (sel) => {
      const r = await call((a) => a.RetryDeadLetters(sel));
      return { ...r, results: arr(r.results) };
    },
    dropDeadLetters: (sel) => call((a) => a.DropDeadLetters(sel)),
    startRebuild: (req) => call((a) => a.StartRebuild(req)),
    listRebuilds: async () => arr(await call((a) => a.ListRebuilds())),
    getRebuild: (id) => call((a) => a.GetRebuild(id)),
    cancelRebuild: (id) => call((a) => a.CancelRebuild(id)),
    listAudit: async (q) => {
      const p = await call((a) => a.ListAudit(q));
      return { items: arr(p?.items), nextCursor: p?.nextCursor || null };
    },
    onBatch: (cb) => on<LedgerBatch>(EVENT_BATCH, (b) => cb(normaliseBatch(b))),
    onConnection: (cb) => on<ConnectionState>(EVENT_CONNECTION, cb),
    onNotificationOpen: (cb) => on<string>(EventNotificationOpen, (id) => cb(typeof id === 'string' ? id : '')),
  };
}

// ---------------------------------------------------------------------------
// The installed client

let current: ApiClient | null = null;

/** The client in use; the Wails one unless a test installed another. */
export function api(): ApiClient {
  if (!current) current = createWailsClient();
  return current;
}

/** Installs a client (tests pass a fake). */
export function setApi(client: ApiClient): void {
  current = client;
}
