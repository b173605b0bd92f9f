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
  JobStatus,
  ListPage,
  Resource,
  ResourceCreateParams,
  ResourceList,
  ResourceListParams,
  ResourceStatus,
  ResourceUpdateParams,
} from '@plinth/client';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type Checks = [
  Expect<Equal<keyof Resource, 'id' | 'object' | 'name' | 'description' | 'status' | 'metadata' | 'createdAt' | 'updatedAt'>>,
  Expect<Equal<ResourceStatus, 'active' | 'paused' | 'archived'>>,
  Expect<Equal<JobStatus, 'pending' | 'running' | 'completed' | 'failed'>>,
  Expect<Equal<Job['type'], 'resources.bulk_create' | 'resources.export'>>,
  Expect<Equal<keyof BulkCreateResult, 'created' | 'ids'>>,
  Expect<Equal<keyof ExportResult, 'count' | 'url' | 'expiresAt'>>,
  Expect<Equal<keyof ResourceList, keyof ListPage<Resource>>>,
  Expect<Equal<keyof Event, 'id' | 'object' | 'type' | 'createdAt' | 'data'>>,
  Expect<'resource.deleted' extends EventType ? ('job.completed' extends EventType ? true : false) : false>,
  Expect<Equal<ResourceList['data'], Resource[]>>,
  Expect<Equal<keyof ResourceCreateParams, 'name' | 'description' | 'metadata'>>,
  Expect<Equal<keyof ResourceUpdateParams, 'name' | 'description' | 'status' | 'metadata'>>,
  // the API reference's loop passes `cursor: string | null`
  Expect<null extends ResourceListParams['cursor'] ? true : false>,
];

test('the surface types are checked at compile time', () => {
  const sample: Resource['description'] = null;
  assert.equal(sample, null);
});
