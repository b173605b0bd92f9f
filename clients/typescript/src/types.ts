// The public types, reached through paths and methods of the generated document rather
// than schema or operation names, so that renaming those never breaks this surface.
import type { paths } from './generated/openapi.js';

type JSONBody<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R
  : never;
type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer B;
}
  ? Exclude<JSONBody<NonNullable<B>>, null>
  : never;
type Query<P extends keyof paths> = paths[P]['get'] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;
/** Query parameters where null, like undefined, means "not sent": the API reference's
 * paging loop passes `cursor: null` on its first call. */
type OrNull<T> = { [K in keyof T]?: T[K] | null };

/** A resource, as every resource endpoint returns it. */
export type Resource = JSONBody<Responses<'/v1/resources/{id}', 'get'>[200]>;
/** A job (bulk create or export), as `GET /v1/jobs/{id}` returns it. */
export type Job = JSONBody<Responses<'/v1/jobs/{id}', 'get'>[200]>;
export type ResourceStatus = Resource['status'];
export type JobStatus = Job['status'];
export type JobType = Job['type'];
export type JobError = NonNullable<Job['error']>;
/** A completed job's `result`: its `type` (the job's type) says which one it is. */
export type JobResult = NonNullable<Job['result']>;
/** `result` of a completed `resources.bulk_create` job: ids in request order. */
export type BulkCreateResult = Extract<JobResult, { type: 'resources.bulk_create' }>;
/** `result` of a completed `resources.export` job: a presigned JSON Lines download. */
export type ExportResult = Extract<JobResult, { type: 'resources.export' }>;

/** An entry of the workspace's audit log, as `GET /v1/events/{id}` returns it. */
export type Event = JSONBody<Responses<'/v1/events/{id}', 'get'>[200]>;
export type EventType = Event['type'];

/** An API key as listed: never its secret. */
export type ApiKey = JSONBody<Responses<'/v1/api_keys/{id}', 'get'>[200]>;
/** A new key (created or rolled): the one answer that carries its `secret`. */
export type ApiKeyCreated = JSONBody<Responses<'/v1/api_keys', 'post'>[201]>;

/** A webhook endpoint as listed: never its secret. */
export type WebhookEndpoint = JSONBody<Responses<'/v1/webhook_endpoints/{id}', 'get'>[200]>;
/** A new endpoint: the one answer that carries its signing `secret` (`whsec_...`). */
export type WebhookEndpointCreated = JSONBody<Responses<'/v1/webhook_endpoints', 'post'>[201]>;
export type WebhookEndpointStatus = WebhookEndpoint['status'];
/** What `events.redeliver` queued: the event and the endpoints it goes to. */
export type Redelivery = JSONBody<Responses<'/v1/events/{id}/redeliver', 'post'>[202]>;

/** A page of a list: exactly these four fields. */
export interface ListPage<T> {
  object: 'list';
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}
export type ResourceList = JSONBody<Responses<'/v1/resources', 'get'>[200]>;
export type JobList = JSONBody<Responses<'/v1/jobs', 'get'>[200]>;
export type EventList = JSONBody<Responses<'/v1/events', 'get'>[200]>;

export type ResourceCreateParams = RequestBody<'/v1/resources', 'post'>;
export type ResourceUpdateParams = RequestBody<'/v1/resources/{id}', 'patch'>;
export type BulkCreateParams = RequestBody<'/v1/resources/bulk', 'post'>;
export type ExportParams = RequestBody<'/v1/resources/export', 'post'>;
export type ResourceListParams = OrNull<Query<'/v1/resources'>>;
export type JobListParams = OrNull<Query<'/v1/jobs'>>;
export type EventListParams = OrNull<Query<'/v1/events'>>;
export type ApiKeyList = JSONBody<Responses<'/v1/api_keys', 'get'>[200]>;
export type ApiKeyCreateParams = RequestBody<'/v1/api_keys', 'post'>;
export type ApiKeyRollParams = RequestBody<'/v1/api_keys/{id}/roll', 'post'>;
export type ApiKeyListParams = OrNull<Query<'/v1/api_keys'>>;
export type WebhookEndpointList = JSONBody<Responses<'/v1/webhook_endpoints', 'get'>[200]>;
export type WebhookEndpointCreateParams = RequestBody<'/v1/webhook_endpoints', 'post'>;
export type WebhookEndpointListParams = OrNull<Query<'/v1/webhook_endpoints'>>;
export type RedeliverParams = RequestBody<'/v1/events/{id}/redeliver', 'post'>;

/** Per-call options for POSTs: your own Idempotency-Key (otherwise a UUID4 per call). */
export interface PostOptions {
  idempotencyKey?: string;
}

export interface WaitOptions {
  /** Give up after this many milliseconds (default 300,000). */
  timeout?: number;
  /** Milliseconds between polls (default 1,000). */
  pollInterval?: number;
}
