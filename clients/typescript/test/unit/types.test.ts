// Compile-time checks that the surface types, reached through the generated `paths`, are
// the API's shapes and not `never` (`npm test` compiles this file before running it).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type {
  BulkCreateResult,
  Event,
  EventType,
  ExportResult,
  Job,
  JobResult,
  JobStatus,
  ListPage,
  Resource,
  ResourceCreateParams,
  ResourceList,
  ResourceListParams,
  ResourceStatus,
  ResourceUpdateParams,
  RedeliverParams,
  Redelivery,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointListParams,
  WebhookEndpointStatus,
  webhooks,
} from '@plinth/client';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Checks = [
  Expect<Equal<keyof Resource, 'id' | 'object' | 'name' | 'description' | 'status' | 'metadata' | 'createdAt' | 'updatedAt'>>,
  Expect<Equal<ResourceStatus, 'active' | 'paused' | 'archived'>>,
  Expect<Equal<JobStatus, 'pending' | 'running' | 'completed' | 'failed'>>,
  Expect<Equal<Job['type'], 'resources.bulk_create' | 'resources.export'>>,
  Expect<Equal<keyof BulkCreateResult, 'type' | 'created' | 'ids'>>,
  Expect<Equal<keyof ExportResult, 'type' | 'count' | 'url' | 'expiresAt'>>,
  // `result` is a union tagged by `type`: checking the tag narrows it
  Expect<Equal<JobResult, BulkCreateResult | ExportResult>>,
  Expect<Equal<JobResult['type'], Job['type']>>,
  Expect<Equal<Extract<JobResult, { type: 'resources.export' }>, ExportResult>>,
  Expect<Equal<keyof ResourceList, keyof ListPage<Resource>>>,
  Expect<Equal<keyof Event, 'id' | 'object' | 'type' | 'createdAt' | 'data'>>,
  Expect<'resource.deleted' extends EventType ? ('job.completed' extends EventType ? true : false) : false>,
  Expect<Equal<ResourceList['data'], Resource[]>>,
  Expect<Equal<keyof ResourceCreateParams, 'name' | 'description' | 'metadata'>>,
  Expect<Equal<keyof ResourceUpdateParams, 'name' | 'description' | 'status' | 'metadata'>>,
  // the API reference's loop passes `cursor: string | null`
  Expect<null extends ResourceListParams['cursor'] ? true : false>,
  Expect<
    Equal<
      keyof WebhookEndpoint,
      'id' | 'object' | 'url' | 'enabledEvents' | 'description' | 'status' | 'createdAt' | 'failingSince' | 'disabledAt'
    >
  >,
  Expect<Equal<Exclude<keyof WebhookEndpointCreated, keyof WebhookEndpoint>, 'secret'>>,
  Expect<Equal<WebhookEndpointStatus, 'enabled' | 'disabled'>>,
  Expect<Equal<WebhookEndpointList['data'], WebhookEndpoint[]>>,
  Expect<Equal<keyof WebhookEndpointCreateParams, 'url' | 'enabledEvents' | 'description'>>,
  // enabledEvents takes exactly the event types, and '*' for all of them
  Expect<Equal<WebhookEndpointCreateParams['enabledEvents'][number], EventType | '*'>>,
  Expect<null extends WebhookEndpointListParams['cursor'] ? true : false>,
  Expect<Equal<keyof RedeliverParams, 'endpoint'>>,
  Expect<Equal<keyof Redelivery, 'object' | 'event' | 'endpoints'>>,
  // a delivery's body is the event, as GET /v1/events/{id} returns it
  Expect<Equal<webhooks['event']['post']['requestBody']['content']['application/json'], Event>>,
];

/** Compiles only if `type` narrows the union: `ids` exists on one member alone. */
function createdIds(result: JobResult): string[] {
  return result.type === 'resources.bulk_create' ? result.ids : [];
}

test('a job result narrows on its type', () => {
  assert.deepEqual(createdIds({ type: 'resources.bulk_create', created: 1, ids: ['res_1'] }), [
    'res_1',
  ]);
  const exported: ExportResult = {
    type: 'resources.export',
    count: 0,
    url: 'https://s3.test/x',
    expiresAt: '2025-01-08T00:00:00.000Z',
  };
  assert.deepEqual(createdIds(exported), []);
});

test('the surface types are checked at compile time', () => {
  const sample: Resource['description'] = null;
  assert.equal(sample, null);
});
