// What a compiled binary carries inside it (UI files, SQL texts); unset when running from source.
export interface Embedded {
  /** URL path ("/app.js") -> file bytes. */
  ui: Record<string, Uint8Array>;
  /** Query name ("series", "schema/001_init") -> SQL text. */
  queries: Record<string, string>;
}

let embedded: Embedded | undefined;

/** Called once by the compiled binary's entry before anything else starts. */
export function setEmbedded(e: Embedded): void {
  embedded = e;
}

export function getEmbedded(): Embedded | undefined {
  return embedded;
}
