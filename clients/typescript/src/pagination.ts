import type { ListPage } from './types.js';

/**
 * What `list()` returns: awaited, one page (`{ object, data, hasMore, nextCursor }`);
 * iterated with `for await`, every item of every page, fetching each page when reached.
 * The first request starts when it is first awaited or iterated, and only once.
 */
export class PagePromise<T> implements PromiseLike<ListPage<T>>, AsyncIterable<T> {
  #first: Promise<ListPage<T>> | undefined;
  readonly #fetchPage: (cursor: string | null | undefined) => Promise<ListPage<T>>;
  readonly #cursor: string | null | undefined;

  constructor(
    fetchPage: (cursor: string | null | undefined) => Promise<ListPage<T>>,
    cursor?: string | null,
  ) {
    this.#fetchPage = fetchPage;
    this.#cursor = cursor;
  }

  #start(): Promise<ListPage<T>> {
    this.#first ??= this.#fetchPage(this.#cursor);
    return this.#first;
  }

  then<R1 = ListPage<T>, R2 = never>(
    onfulfilled?: ((page: ListPage<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#start().then(onfulfilled, onrejected);
  }

  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<ListPage<T> | R> {
    return this.#start().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<ListPage<T>> {
    return this.#start().finally(onfinally);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page = await this.#start();
    for (;;) {
      yield* page.data;
      if (!page.hasMore || page.nextCursor === null) return;
      page = await this.#fetchPage(page.nextCursor);
    }
  }

  get [Symbol.toStringTag](): string {
    return 'PagePromise';
  }
}

/** Exactly the four fields of a list answer, whatever else the body carried. */
export function toPage<T>(body: ListPage<T>): ListPage<T> {
  return {
    object: body.object,
    data: body.data,
    hasMore: body.hasMore,
    nextCursor: body.nextCursor,
  };
}
