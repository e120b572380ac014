// Typed errors the store throws for bad queries; the HTTP layer maps code to a status.

export type StoreQueryErrorCode =
  | 'syntax' // the text does not parse, or is empty
  | 'too_many_statements' // more than one statement
  | 'not_read_only' // anything that could write, change settings, or reach outside the database
  | 'timeout' // interrupted after timeoutMs
  | 'query_failed' // parsed and allowed, but failed to bind or run (unknown column, bad cast, ...)
  | 'bad_request'; // invalid arguments to series()/events()

export class StoreQueryError extends Error {
  override readonly name = 'StoreQueryError';
  constructor(
    readonly code: StoreQueryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
