/**
 * An in-memory ApiClient for tests: every method is a vi.fn with a sensible default,
 * overridable per test; `emitBatch` / `emitConnection` play Go events.
 */
import { vi } from 'vitest';
import type { ApiClient } from '../api/client';
import type {
  AuditPage,
  DeadLetter,
  DeadLetterDetail,
  DeadLetterPage,
  Pipeline,
  PipelineHistory,
  RebuildJob,
} from '../api/types';
import type {
  About,
  ConnectionState,
  ConversationCard,
  ConversationDetail,
  ConversationPage,
  DesktopNotification,
  LedgerBatch,
  Message,
  Preferences,
  SavedView,
  SessionInfo,
  Settings,
  SharedSettings,
  StatusCounts,
} from '../api/types';
import type { Density } from '../domain/density';
import { STATUSES } from '../api/types';
import { DEFAULT_THRESHOLDS } from '../domain/status';

export const supervisor: SessionInfo = {
  email: 'sam@billie.test',
  name: 'Sam Supervisor',
  role: 'supervisor',
  expiresAt: '2999-01-01T00:00:00Z',
};

export const admin: SessionInfo = { ...supervisor, email: 'ada@billie.test', name: 'Ada Admin', role: 'admin' };

export const defaultSettings: Settings = {
  redisUrl: 'redis://localhost:6379',
  redisUsername: '',
  redisPassword: '',
  hasRedisPassword: false,
  redisTls: false,
  stream: 'chatLedger',
  backendUrl: 'http://127.0.0.1:8080',
  thresholds: { ...DEFAULT_THRESHOLDS },
  connectionOverride: false,
};

export const aboutInfo: About = {
  version: '1.2.3',
  commit: 'abc1234',
  buildDate: '2026-11-30T15:00:00Z',
  platform: 'linux/amd64',
  userAgent: 'Billie-Supervisor/1.2.3 (linux/amd64)',
  machineDefaults: { path: '/etc/billie-supervisor/defaults.json', state: 'none', problem: '' },
};

export const connected: ConnectionState = {
  state: 'connected',
  stale: false,
  lastAppliedId: '1-0',
  behind: 0,
  catchingUp: false,
  applied: 10,
  error: null,
  redisUrl: 'redis://localhost:6379',
  offlineSince: null,
  asOf: null,
  firstSync: false,
  percent: 100,
  ratePerSec: 0,
  etaSeconds: null,
  problem: null,
};

export function card(id: string, over: Partial<ConversationCard> = {}): ConversationCard {
  const now = Date.now();
  const name = 'customerName' in over ? (over.customerName ?? null) : `Customer ${id}`;
  return {
    displayName: name ?? '',
    nameSource: name ? 'profile' : 'none',
    id,
    customerId: `cust-${id}`,
    customerName: `Customer ${id}`,
    applicationNumber: `APP-${id}`,
    startedAt: new Date(now - 60_000).toISOString(),
    lastMessageAt: new Date(now - 10_000).toISOString(),
    endedAt: null,
    decision: null,
    status: 'Active',
    messageCount: 2,
    purpose: null,
    lastMessage: { sender: 'customer', text: `hello from ${id}`, at: new Date(now - 10_000).toISOString() },
    unread: false,
    attention: [],
    ...over,
  };
}

/** n cards, newest first, started one minute apart. */
export function cards(n: number, prefix = 'c', startMs = Date.now()): ConversationCard[] {
  return Array.from({ length: n }, (_, i) =>
    card(`${prefix}${i}`, {
      startedAt: new Date(startMs - (i + 1) * 60_000).toISOString(),
      lastMessageAt: new Date(startMs - 5_000).toISOString(),
    }),
  );
}

export function message(i: number, over: Partial<Message> = {}): Message {
  return {
    streamId: `${1000 + i}-0`,
    seq: i,
    sender: i % 2 === 0 ? 'customer' : 'assistant',
    text: `message ${i}`,
    rationale: i % 2 === 0 ? null : `because ${i}`,
    answerInputType: null,
    additionalData: null,
    at: new Date(Date.UTC(2024, 10, 24, 10, 0, i)).toISOString(),
    stepComplete: null,
    endConversation: false,
    ...over,
  };
}

export function detail(id: string, over: Partial<ConversationDetail> = {}): ConversationDetail {
  return {
    conversation: { ...card(id), facts: [], decisionReason: '', username: '' },
    messages: [message(0), message(1)],
    application: null,
    customer: null,
    assessments: [],
    noticeboard: [],
    ...over,
  };
}

export function zeroCounts(): StatusCounts {
  const c = {} as StatusCounts;
  for (const s of STATUSES) c[s] = 0;
  return c;
}

// ---------------------------------------------------------------------------
// Operations

/** A healthy pipeline; override parts per test. */
export function pipelineSample(over: Partial<Pipeline> = {}): Pipeline {
  return {
    at: '2026-11-30T10:00:00Z',
    redis: { ok: true, rttMs: 0.4, error: '' },
    database: { ok: true, rttMs: 1.2, error: '', sizeBytes: 52_428_800, opsSizeBytes: 1_048_576 },
    stream: { key: 'chatLedger', length: 120_000, firstId: '1700000000000-0', lastId: '1700000999000-0' },
    projection: {
      group: 'billie-projector',
      leaseHolder: 'projector-a',
      lastAppliedId: '1700000999000-0',
      behind: 0,
      pending: 0,
      consumers: [{ name: 'projector-a', pending: 0, idleMs: 120 }],
      eventsPerSec1m: 42.5,
      eventsPerSec15m: 38,
      outcomes: { applied: 119_990, dead_lettered: 10 },
      lastError: '',
      lastErrorAt: null,
    },
    breakers: [
      { name: 'redis', state: 'closed' },
      { name: 'database', state: 'closed' },
    ],
    deadLetters: { count: 0 },
    rebuild: null,
    desktops: [],
    alerts: [],
    ...over,
  };
}

export function deadLetter(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id,
    type: 'user_input',
    conversationId: `conv-${id}`,
    reason: 'dat is not JSON',
    consumer: 'projector-a',
    deadAt: '2026-11-30T09:00:00Z',
    retries: 0,
    lastRetryAt: null,
    ...over,
  };
}

export function deadLetterDetail(id: string, over: Partial<DeadLetterDetail> = {}): DeadLetterDetail {
  return {
    ...deadLetter(id),
    fields: [
      ['typ', 'user_input'],
      ['dat', '{"utterance":"hello","loan_amount":500}'],
      ['tsp', 'not a time'],
    ],
    ...over,
  };
}

export function job(id: string, over: Partial<RebuildJob> = {}): RebuildJob {
  return {
    id,
    kind: 'rebuild',
    source: 'archive',
    since: '',
    conversation: '',
    state: 'succeeded',
    done: 1000,
    total: 1000,
    ratePerSec: 25_000,
    etaSeconds: 0,
    error: '',
    startedAt: '2026-11-30T09:00:00Z',
    finishedAt: '2026-11-30T09:00:04Z',
    startedBy: 'ada@billie.test',
    ...over,
  };
}

export interface FakeApi extends ApiClient {
  emitBatch(b: Partial<LedgerBatch>): void;
  emitConnection(c: ConnectionState): void;
  emitNotificationOpen(id: string): void;
}

export function createFakeApi(opts: { session?: SessionInfo | null; pages?: ConversationPage[] } = {}): FakeApi & {
  [K in keyof ApiClient]: ReturnType<typeof vi.fn> & ApiClient[K];
} {
  const batchCbs = new Set<(b: LedgerBatch) => void>();
  const connCbs = new Set<(c: ConnectionState) => void>();
  const openCbs = new Set<(id: string) => void>();
  // Saved views and preferences kept in memory, as the Go side keeps them per user.
  let views: SavedView[] = [];
  let nextViewId = 1;
  let prefs: Preferences = { notifyAttention: false, density: 'comfortable' };
  const pages = opts.pages ?? [{ items: [], nextCursor: null }];
  const fake = {
    session: vi.fn(async () => opts.session ?? null),
    signIn: vi.fn(async () => opts.session ?? supervisor),
    signOut: vi.fn(async () => {}),
    connection: vi.fn(async () => connected),
    retryConnection: vi.fn(async () => {}),
    listConversations: vi.fn(async (q: { cursor: string | null }) => {
      const i = q.cursor ? Number(q.cursor) : 0;
      return pages[i] ?? { items: [], nextCursor: null };
    }),
    statusCounts: vi.fn(async () => zeroCounts()),
    getConversation: vi.fn(async (id: string) => detail(id)),
    searchCustomers: vi.fn(async () => ({ items: [], nextCursor: null })),
    getCustomer: vi.fn(async () => {
      throw new Error('not found');
    }),
    listApplications: vi.fn(async () => ({ items: [], nextCursor: null })),
    getApplication: vi.fn(async () => {
      throw new Error('not found');
    }),
    needsAttention: vi.fn(async () => ({ items: [], total: 0 })),
    explainMatches: vi.fn(async () => ({})),
    jump: vi.fn(async () => []),
    markSeen: vi.fn(async () => {}),
    markAllSeen: vi.fn(async () => {}),
    savedViews: vi.fn(async () => views.slice()),
    saveView: vi.fn(async (v: SavedView) => {
      const name = v.name.trim();
      if (!name) throw new Error('Give the view a name');
      if (views.some((x) => x.id !== v.id && x.name.toLowerCase() === name.toLowerCase())) {
        throw new Error('You already have a view with this name');
      }
      const saved = { ...v, name, id: v.id || nextViewId++ };
      views = v.id ? views.map((x) => (x.id === v.id ? saved : x)) : views.concat(saved);
      return saved;
    }),
    deleteView: vi.fn(async (id: number) => {
      views = views.filter((v) => v.id !== id);
    }),
    preferences: vi.fn(async () => prefs),
    savePreferences: vi.fn(async (p: Preferences) => (prefs = { ...p, density: p.density || prefs.density })),
    notify: vi.fn(async (n: DesktopNotification) => {
      void n;
      return true;
    }),
    getSettings: vi.fn(async () => defaultSettings),
    sharedSettings: vi.fn(async () => ({ redisUrl: defaultSettings.redisUrl, stream: defaultSettings.stream, thresholds: defaultSettings.thresholds })),
    saveSharedSettings: vi.fn(async (x: SharedSettings) => x),
    density: vi.fn(async (): Promise<Density> => (prefs.density || 'comfortable') as Density),
    saveDensity: vi.fn(async (d: Density) => {
      prefs = { ...prefs, density: d };
      return d;
    }),
    saveSettings: vi.fn(async (s: Settings) => ({ ...s, redisPassword: '' })),
    about: vi.fn(async () => aboutInfo),
    listUsers: vi.fn(async () => []),
    createUser: vi.fn(async () => {
      throw new Error('not implemented');
    }),
    updateUser: vi.fn(async () => {
      throw new Error('not implemented');
    }),
    pipeline: vi.fn(async () => pipelineSample()),
    pipelineHistory: vi.fn(async (w: '1h' | '24h'): Promise<PipelineHistory> => ({ window: w, points: [] })),
    listDeadLetters: vi.fn(async (): Promise<DeadLetterPage> => ({ items: [], total: 0, nextCursor: null })),
    getDeadLetter: vi.fn(async (id: string) => deadLetterDetail(id)),
    retryDeadLetters: vi.fn(async () => ({ retried: 0, applied: 0, stillDead: 0, results: [] })),
    dropDeadLetters: vi.fn(async () => ({ dropped: 0 })),
    startRebuild: vi.fn(async () => job('1', { state: 'running', done: 0, total: 0 })),
    listRebuilds: vi.fn(async () => [] as RebuildJob[]),
    getRebuild: vi.fn(async (id: string) => job(id)),
    cancelRebuild: vi.fn(async (id: string) => job(id, { state: 'cancelled' })),
    listAudit: vi.fn(async (): Promise<AuditPage> => ({ items: [], nextCursor: null })),
    onBatch: vi.fn((cb: (b: LedgerBatch) => void) => {
      batchCbs.add(cb);
      return () => batchCbs.delete(cb);
    }),
    onConnection: vi.fn((cb: (c: ConnectionState) => void) => {
      connCbs.add(cb);
      return () => connCbs.delete(cb);
    }),
    emitBatch: (b: Partial<LedgerBatch>) => {
      const full: LedgerBatch = { conversations: [], messages: [], applications: [], customers: [], ...b };
      batchCbs.forEach((cb) => cb(full));
    },
    emitConnection: (c: ConnectionState) => connCbs.forEach((cb) => cb(c)),
    onNotificationOpen: vi.fn((cb: (id: string) => void) => {
      openCbs.add(cb);
      return () => openCbs.delete(cb);
    }),
    emitNotificationOpen: (id: string) => openCbs.forEach((cb) => cb(id)),
  };
  return fake as unknown as ReturnType<typeof createFakeApi>;
}
