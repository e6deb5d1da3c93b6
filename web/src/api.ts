// Thin fetch wrapper for the madoguchi API (docs/API.md).
// - cookies: credentials 'same-origin'
// - every non-GET staff request carries X-CSRF-Token
// - errors are {"error":{code,message,field?,details?}} → thrown as ApiError

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  details?: unknown[];
}

export class ApiError extends Error {
  status: number;
  code: string;
  field?: string;
  details?: unknown[];
  constructor(status: number, body: ApiErrorBody) {
    super(body.message || body.code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.details = body.details;
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(t: string | null | undefined): void {
  csrfToken = t ?? null;
}
export function getCsrfToken(): string | null {
  return csrfToken;
}

type Listener = (e: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when a staff API answers 401 (session expired). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

async function parseError(res: Response): Promise<ApiError> {
  let body: ApiErrorBody = { code: `http_${res.status}`, message: '' };
  try {
    const j = await res.json();
    if (j && typeof j === 'object' && j.error) body = { ...body, ...j.error };
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, body);
}

export interface RequestOptions {
  /** raw body (e.g. a File); sent with the given content type */
  raw?: Blob;
  contentType?: string;
  /** don't broadcast 401 (used by the session probe and login) */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function request<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (opts.raw) {
    payload = opts.raw;
    headers['Content-Type'] = opts.contentType || opts.raw.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network', message: '' });
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && !opts.quiet401 && path.startsWith('/api/') && !path.startsWith('/api/public/')) {
      unauthorizedListeners.forEach((fn) => fn(err));
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('application/json')) return (await res.json()) as T;
  return (await res.text()) as unknown as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
};

/** Build a query string, skipping empty values. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// ---- types from docs/API.md ----

export type Role = 'admin' | 'editor' | 'operator' | 'viewer';
export interface User { id: number; email: string; name: string; role: Role; department?: string; departments?: string[] }
export interface Tenant { id: number; code: string; name: string; lg_code?: string }
export interface SessionInfo { user: User; tenant: Tenant; csrf_token: string }

export interface DashboardCounts {
  staff: number; residents: number; services: number; services_published: number;
  applications: number; applications_open: number; jobs_pending: number; jobs_dead: number;
}
export interface ApplicationRow {
  id: number; receipt_number: string; service_title: string; status: string;
  assignee?: string | { id: number; name: string } | null; submitted_at: number; channel?: string; department?: string;
  /** Fee in yen fixed at submission (the inbox list shows it). */
  total_fee?: number;
}
export interface Dashboard { tenant: Tenant; counts: DashboardCounts; recent_applications: ApplicationRow[] }

export interface Answer { step_id: string; label: string; value: unknown; display?: string }
export interface Attachment { id: number; filename: string; content_type: string; size: number }
export interface ApplicationDetail extends ApplicationRow {
  answers: Answer[];
  attachments: Attachment[];
  history: Record<string, unknown>[];
  memo?: string;
  corrections: Record<string, unknown>[];
  assignee_id?: number | null;
  /** Statuses the server accepts from here (the workflow table); absent from older servers. */
  allowed_statuses?: string[];
  /** Fee in yen of the answers, fixed when the application was submitted. */
  total_fee?: number;
}
export interface StaffRow { id: number; email: string; name: string; role: Role; department?: string; departments?: string[]; locked?: boolean; active?: boolean; created_at?: number }
export interface AuditRow { id: number; at: number; staff_email?: string; action: string; object_type?: string; object_id?: string | number; ip?: string; detail?: unknown }
export interface JobRow { id: number; kind: string; status: string; attempts: number; last_error?: string; run_at?: number }
export interface ServiceRow {
  id: number; service_key: string; title: string; category?: string; department?: string;
  status: string; published_version?: number | null; draft_updated_at?: number | null;
  /** The draft's revision, sent back as base_revision when saving (version check). */
  revision?: string;
  /** Whether residents see it now; reason (Japanese) when not, e.g. 受付期間 over. */
  visibility?: { visible: boolean; reason: string };
  /** h-publish: what the draft changes compared with the published version (server-computed). */
  draft_changed?: boolean;
  draft_changes?: DraftChange[] | null;
}
export interface DraftChange { kind: string; label: string; message: string }
export interface PublishResult { version: number; new_version: boolean; message?: string }
export interface TemplateStep {
  id: string; kind: string; kind_label: string; label: string; text: string; optional?: boolean;
  choices?: { label: string; fee?: number }[]; unit_fee?: number; list?: string; match_labels?: string[];
}
export interface ServiceTemplate {
  key: string; service_key: string; title: string; category: string; department: string; description: string;
  fee: number | null; steps: TemplateStep[]; lists: string[]; service_id: number | null;
}
export interface LookupList {
  name: string; uploaded: boolean; rows: number; columns: string[]; encoding: string; file_name: string;
  replaced_at: number | null; replaced_by: string | null;
  used_by: { service_id: number; service_title: string; step_label: string; columns: string[] }[];
}
export interface LookupPreview { name: string; encoding: string; columns: string[]; row_count: number; rows: string[][] }
export interface ServiceVersion { version: number; published_at: number; published_by?: string }
export interface ServiceDetail extends ServiceRow { definition: unknown; versions: ServiceVersion[] }
export interface LineSettings { channel_id?: string; api_base?: string; webhook_url?: string; has_secret: boolean; has_token: boolean }

export interface PublicService { id: number; service_key: string; title: string; category?: string; department?: string; description?: string; fee?: number | null;
  /** What applying costs at least (base fee + the cheapest answers on every route); null: free. */
  fees?: { from: number; varies: boolean } | null }
export interface MyApplication {
  receipt_number: string; service_title: string; status: string; submitted_at: number;
  /** An open correction request (不備): answered in the chat at /t/{tenant}/my/correction/{id}. */
  correction?: { id: number; reason: string; session_id: string };
}
