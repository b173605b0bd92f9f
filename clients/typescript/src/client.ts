import { APIClient, type ClientOptions } from './core.js';
import { ApiKeys, Events, Jobs, Resources, WebhookEndpoints } from './resources.js';

/** The Plinth API: `new Plinth({ apiKey, baseURL, timeout, maxRetries })`. */
export class Plinth extends APIClient {
  readonly resources: Resources;
  readonly jobs: Jobs;
  readonly events: Events;
  readonly apiKeys: ApiKeys;
  readonly webhookEndpoints: WebhookEndpoints;

  constructor(options: ClientOptions = {}) {
    super(options);
    this.resources = new Resources(this);
    this.jobs = new Jobs(this);
    this.events = new Events(this);
    this.apiKeys = new ApiKeys(this);
    this.webhookEndpoints = new WebhookEndpoints(this);
  }
}
