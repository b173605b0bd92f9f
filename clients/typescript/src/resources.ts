import { type APIClient, pathId, sleep } from './core.js';
import { JobFailedError, JobWaitTimeoutError } from './errors.js';
import { PagePromise, toPage } from './pagination.js';
import type {
  ApiKey,
  ApiKeyCreateParams,
  ApiKeyCreated,
  ApiKeyListParams,
  ApiKeyRollParams,
  Event,
  EventListParams,
  ExportParams,
  Job,
  JobListParams,
  ListPage,
  PostOptions,
  RedeliverParams,
  Redelivery,
  Resource,
  ResourceCreateParams,
  ResourceListParams,
  ResourceUpdateParams,
  WaitOptions,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointCreated,
  WebhookEndpointListParams,
} from './types.js';

export class Resources {
  readonly #client: APIClient;
  constructor(client: APIClient) {
    this.#client = client;
  }

  create(params: ResourceCreateParams, options: PostOptions = {}): Promise<Resource> {
    return this.#client.request({
      method: 'POST',
      path: '/resources',
      body: params,
      idempotencyKey: options.idempotencyKey,
    });
  }

  get(id: string): Promise<Resource> {
    return this.#client.request({ method: 'GET', path: `/resources/${pathId(id)}` });
  }

  /** Only the fields present change; `description: null` clears it; `metadata` replaces
   * the whole object. */
  update(id: string, params: ResourceUpdateParams): Promise<Resource> {
    return this.#client.request({ method: 'PATCH', path: `/resources/${pathId(id)}`, body: params });
  }

  async delete(id: string): Promise<void> {
    await this.#client.request({ method: 'DELETE', path: `/resources/${pathId(id)}` });
  }

  /** Await it for one page; `for await` over it for every resource, page after page. */
  list(params: ResourceListParams = {}): PagePromise<Resource> {
    const { limit, status } = params;
    return new PagePromise(
      async (cursor) =>
        toPage(
          await this.#client.request<ListPage<Resource>>({
            method: 'GET',
            path: '/resources',
            query: { limit, cursor, status },
          }),
        ),
      params.cursor,
    );
  }

  /** Up to 1,000 creates as one job; `client.jobs.wait(job.id)` for the ids. */
  bulkCreate(resources: ResourceCreateParams[], options: PostOptions = {}): Promise<Job> {
    return this.#client.request({
      method: 'POST',
      path: '/resources/bulk',
      body: { resources },
      idempotencyKey: options.idempotencyKey,
    });
  }

  /** A JSON Lines export as a job; when completed, `job.result.url` downloads it. */
  export(params: ExportParams = {}, options: PostOptions = {}): Promise<Job> {
    return this.#client.request({
      method: 'POST',
      path: '/resources/export',
      body: params,
      idempotencyKey: options.idempotencyKey,
    });
  }
}

export class Jobs {
  readonly #client: APIClient;
  constructor(client: APIClient) {
    this.#client = client;
  }

  get(id: string): Promise<Job> {
    return this.#client.request({ method: 'GET', path: `/jobs/${pathId(id)}` });
  }

  list(params: JobListParams = {}): PagePromise<Job> {
    const { limit, status } = params;
    return new PagePromise(
      async (cursor) =>
        toPage(
          await this.#client.request<ListPage<Job>>({
            method: 'GET',
            path: '/jobs',
            query: { limit, cursor, status },
          }),
        ),
      params.cursor,
    );
  }

  /** Poll until the job finishes: the completed job, or a `JobFailedError` (with the job's
   * `error`), or a `JobWaitTimeoutError` after `timeout` milliseconds. */
  async wait(id: string, options: WaitOptions = {}): Promise<Job> {
    const timeout = options.timeout ?? 300_000;
    const pollInterval = options.pollInterval ?? 1_000;
    const deadline = Date.now() + timeout;
    for (;;) {
      const job = await this.get(id);
      if (job.status === 'completed') return job;
      if (job.status === 'failed') throw new JobFailedError(job);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new JobWaitTimeoutError(job, timeout);
      await sleep(Math.min(pollInterval, remaining));
    }
  }
}

/** The workspace's audit log (scope `events:read`): newest first, the last 30 days. */
export class Events {
  readonly #client: APIClient;
  constructor(client: APIClient) {
    this.#client = client;
  }

  get(id: string): Promise<Event> {
    return this.#client.request({ method: 'GET', path: `/events/${pathId(id)}` });
  }

  list(params: EventListParams = {}): PagePromise<Event> {
    const { limit, type } = params;
    return new PagePromise(
      async (cursor) =>
        toPage(
          await this.#client.request<ListPage<Event>>({
            method: 'GET',
            path: '/events',
            query: { limit, cursor, type },
          }),
        ),
      params.cursor,
    );
  }

  /** Deliver the event again (scope `webhooks:write`) to every enabled webhook endpoint that
   * receives its type, or only to `endpoint` (`we_...`); it keeps its `webhook-id`, so
   * receivers deduplicate it. */
  redeliver(
    eventId: string,
    params: RedeliverParams = {},
    options: PostOptions = {},
  ): Promise<Redelivery> {
    return this.#client.request({
      method: 'POST',
      path: `/events/${pathId(eventId)}/redeliver`,
      body: params,
      idempotencyKey: options.idempotencyKey,
    });
  }
}

/** Self-serve API keys (scopes `keys:read`, `keys:write`): a key grants only scopes the
 * calling key holds; `secret` appears only in the answer that mints it. */
export class ApiKeys {
  readonly #client: APIClient;
  constructor(client: APIClient) {
    this.#client = client;
  }

  create(params: ApiKeyCreateParams, options: PostOptions = {}): Promise<ApiKeyCreated> {
    return this.#client.request({
      method: 'POST',
      path: '/api_keys',
      body: params,
      idempotencyKey: options.idempotencyKey,
    });
  }

  get(id: string): Promise<ApiKey> {
    return this.#client.request({ method: 'GET', path: `/api_keys/${pathId(id)}` });
  }

  list(params: ApiKeyListParams = {}): PagePromise<ApiKey> {
    const { limit } = params;
    return new PagePromise(
      async (cursor) =>
        toPage(
          await this.#client.request<ListPage<ApiKey>>({
            method: 'GET',
            path: '/api_keys',
            query: { limit, cursor },
          }),
        ),
      params.cursor,
    );
  }

  /** Refused from its next request on; revoking again changes nothing. */
  revoke(id: string): Promise<ApiKey> {
    return this.#client.request({ method: 'DELETE', path: `/api_keys/${pathId(id)}` });
  }

  /** A new secret; the old one works `expiresIn` more seconds (default 0: it stops now). */
  roll(
    id: string,
    params: Partial<ApiKeyRollParams> = {},
    options: PostOptions = {},
  ): Promise<ApiKeyCreated> {
    return this.#client.request({
      method: 'POST',
      path: `/api_keys/${pathId(id)}/roll`,
      body: params,
      idempotencyKey: options.idempotencyKey,
    });
  }
}

/** Where events are POSTed (scopes `webhooks:read`, `webhooks:write`), signed per Standard
 * Webhooks and retried for about 28 hours; `secret` appears only in the answer that creates
 * the endpoint. Check each delivery with `verifyWebhook`. */
export class WebhookEndpoints {
  readonly #client: APIClient;
  constructor(client: APIClient) {
    this.#client = client;
  }

  /** A new endpoint for these event types (`'*'`: all). */
  create(
    params: WebhookEndpointCreateParams,
    options: PostOptions = {},
  ): Promise<WebhookEndpointCreated> {
    return this.#client.request({
      method: 'POST',
      path: '/webhook_endpoints',
      body: params,
      idempotencyKey: options.idempotencyKey,
    });
  }

  get(id: string): Promise<WebhookEndpoint> {
    return this.#client.request({ method: 'GET', path: `/webhook_endpoints/${pathId(id)}` });
  }

  list(params: WebhookEndpointListParams = {}): PagePromise<WebhookEndpoint> {
    const { limit } = params;
    return new PagePromise(
      async (cursor) =>
        toPage(
          await this.#client.request<ListPage<WebhookEndpoint>>({
            method: 'GET',
            path: '/webhook_endpoints',
            query: { limit, cursor },
          }),
        ),
      params.cursor,
    );
  }

  /** Deleted at once; deliveries still queued for it are dropped. */
  async delete(id: string): Promise<void> {
    await this.#client.request({ method: 'DELETE', path: `/webhook_endpoints/${pathId(id)}` });
  }
}
