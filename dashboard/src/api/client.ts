import type {
  ApiErrorBody,
  ApiKey,
  Channel,
  ChannelInput,
  ChannelKindInfo,
  Delivery,
  Flip,
  Job,
  JobInput,
  JobPage,
  JobSummary,
  MaintenanceWindow,
  Me,
  Ping,
  SchedulePreview,
  Status,
} from './types';

/** An API answer that is not a success, or no answer at all (`status` 0, code `unreachable`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field name → message, from `field` and `details` of a validation error. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromBody(status: number, body: unknown): ApiError {
    const error = (body as Partial<ApiErrorBody> | null)?.error;
    if (!error || typeof error.message !== 'string') {
      return new ApiError(status, 'internal', `The API answered ${status}.`);
    }
    const fields: Record<string, string> = {};
    for (const detail of error.details ?? []) {
      if (detail.field && !fields[detail.field]) fields[detail.field] = detail.message;
    }
    if (error.field && !fields[error.field]) fields[error.field] = error.message;
    return new ApiError(status, error.code ?? 'internal', error.message, fields);
  }
}

export interface JobQuery {
  status?: Status | '';
  tag?: string;
  q?: string;
  limit?: number;
  cursor?: string | null;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** How many GET answers the client keeps for revalidation; the oldest is dropped first. */
const MAX_CACHED_ANSWERS = 64;

/** A thin typed client for `/api/*` on the dashboard's own origin. */
export class ApiClient {
  /**
   * The last answer to each GET path with its `ETag`: polling sends `If-None-Match` and, on
   * `304 Not Modified`, reuses the kept answer, so an unchanged page costs no transfer and no parse.
   */
  private readonly answers = new Map<string, { etag: string; parsed: unknown }>();

  constructor(
    private readonly key: string,
    private readonly base = '',
  ) {}

  private async request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const kept = method === 'GET' ? this.answers.get(path) : undefined;
    if (kept) headers['If-None-Match'] = kept.etag;
    let response: Response;
    try {
      response = await fetch(`${this.base}/api${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError(0, 'unreachable', 'The API cannot be reached.');
    }
    if (response.status === 204) return undefined as T;
    if (response.status === 304 && kept) return kept.parsed as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null; // not JSON (a proxy's error page): reported by status below
    }
    if (!response.ok) throw ApiError.fromBody(response.status, parsed);
    if (method === 'GET') this.keepAnswer(path, response.headers.get('ETag'), parsed);
    return parsed as T;
  }

  private keepAnswer(path: string, etag: string | null, parsed: unknown): void {
    this.answers.delete(path); // re-inserted last: the Map's order is the age order
    if (!etag) return;
    this.answers.set(path, { etag, parsed });
    if (this.answers.size > MAX_CACHED_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
  }

  me(signal?: AbortSignal): Promise<Me> {
    return this.request('GET', '/me', undefined, signal);
  }

  listJobs(query: JobQuery, signal?: AbortSignal): Promise<JobPage> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.tag) params.set('tag', query.tag);
    if (query.q) params.set('q', query.q);
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    const search = params.toString();
    return this.request('GET', `/jobs${search ? `?${search}` : ''}`, undefined, signal);
  }

  summary(signal?: AbortSignal): Promise<JobSummary> {
    return this.request('GET', '/jobs/summary', undefined, signal);
  }

  getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}`, undefined, signal);
  }

  createJob(input: JobInput): Promise<Job> {
    return this.request('POST', '/jobs', input);
  }

  updateJob(id: string, input: Partial<JobInput>): Promise<Job> {
    return this.request('PATCH', `/jobs/${encodeURIComponent(id)}`, input);
  }

  deleteJob(id: string): Promise<void> {
    return this.request('DELETE', `/jobs/${encodeURIComponent(id)}`);
  }

  pauseJob(id: string): Promise<Job> {
    return this.request('POST', `/jobs/${encodeURIComponent(id)}/pause`);
  }

  resumeJob(id: string): Promise<Job> {
    return this.request('POST', `/jobs/${encodeURIComponent(id)}/resume`);
  }

  pings(id: string, limit = 50, signal?: AbortSignal): Promise<{ pings: Ping[]; next_cursor: string | null }> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}/pings?limit=${limit}`, undefined, signal);
  }

  flips(id: string, limit = 50, signal?: AbortSignal): Promise<{ flips: Flip[]; next_cursor: string | null }> {
    return this.request('GET', `/jobs/${encodeURIComponent(id)}/flips?limit=${limit}`, undefined, signal);
  }

  previewSchedule(schedule: string, timezone: string, signal?: AbortSignal): Promise<SchedulePreview> {
    return this.request('POST', '/schedule/preview', { schedule, timezone }, signal);
  }

  channelKinds(signal?: AbortSignal): Promise<{ kinds: ChannelKindInfo[] }> {
    return this.request('GET', '/channel-kinds', undefined, signal);
  }

  listChannels(signal?: AbortSignal): Promise<{ channels: Channel[] }> {
    return this.request('GET', '/channels', undefined, signal);
  }

  createChannel(input: ChannelInput): Promise<Channel> {
    return this.request('POST', '/channels', input);
  }

  updateChannel(id: string, input: Partial<ChannelInput>): Promise<Channel> {
    return this.request('PATCH', `/channels/${encodeURIComponent(id)}`, input);
  }

  deleteChannel(id: string): Promise<void> {
    return this.request('DELETE', `/channels/${encodeURIComponent(id)}`);
  }

  testChannel(id: string): Promise<{ ok: boolean; detail: string }> {
    return this.request('POST', `/channels/${encodeURIComponent(id)}/test`);
  }

  listKeys(signal?: AbortSignal): Promise<{ keys: ApiKey[] }> {
    return this.request('GET', '/keys', undefined, signal);
  }

  listMaintenance(signal?: AbortSignal): Promise<{ windows: MaintenanceWindow[] }> {
    return this.request('GET', '/maintenance', undefined, signal);
  }

  createMaintenance(input: Record<string, unknown>): Promise<MaintenanceWindow> {
    return this.request('POST', '/maintenance', input);
  }

  deleteMaintenance(id: string): Promise<void> {
    return this.request('DELETE', `/maintenance/${encodeURIComponent(id)}`);
  }

  createKey(name: string, role: ApiKey['role']): Promise<ApiKey & { key: string }> {
    return this.request('POST', '/keys', { name, role });
  }

  revokeKey(id: string): Promise<void> {
    return this.request('DELETE', `/keys/${encodeURIComponent(id)}`);
  }

  deliveries(
    filter: { job_id?: string; channel_id?: string },
    signal?: AbortSignal,
  ): Promise<{ deliveries: Delivery[] }> {
    const params = new URLSearchParams(filter as Record<string, string>);
    return this.request('GET', `/deliveries?${params.toString()}`, undefined, signal);
  }
}
