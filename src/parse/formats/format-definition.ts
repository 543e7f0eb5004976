/** A log format HAProxy can write, as data: the log-format string it is declared with and real lines. */
export interface FormatDefinition {
  readonly name: string;
  /** What the operator writes in haproxy.cfg to get it. */
  readonly directive: string;
  /** HAProxy's own declaration of the format (section 8.2), given to the log-format compiler. */
  readonly logFormat: string;
  /** Lines real HAProxy wrote (envelope included), each of which must parse with this format and no other. */
  readonly samples: readonly string[];
}
