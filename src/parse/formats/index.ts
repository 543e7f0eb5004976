import { clf } from './clf.js';
import type { FormatDefinition } from './format-definition.js';
import { httplog } from './httplog.js';
import { httpslog } from './httpslog.js';
import { tcplog } from './tcplog.js';

export type { FormatDefinition } from './format-definition.js';

/** The stock session formats, in the order a line of unknown shape is tried (most common first). */
export const STOCK_FORMATS: readonly FormatDefinition[] = [httplog, tcplog, httpslog, clf];
