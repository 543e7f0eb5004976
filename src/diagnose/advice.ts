/** What an operator should do about each cause: plain words, keyed by the cause codes of session-causes.sql. */
export const CAUSES = {
  ok: { title: 'ended normally', advice: '' },
  'logged-early': { title: 'logged at start (option logasap)', advice: 'With `option logasap` HAProxy logs a session when it starts, so how it ended is not in the log. Remove logasap from WebSocket frontends to diagnose disconnects.' },
  'client.abort': { title: 'client aborted', advice: 'The client closed or reset the connection. Check client networks, page unloads and mobile clients; nothing to change in HAProxy unless it is widespread.' },
  'timeout.tunnel': { title: 'idle tunnel cut by timeout tunnel', advice: 'Idle WebSockets are closed when `timeout tunnel` expires. Send pings/heartbeats more often than it, or raise it (typically 1h for WebSockets).' },
  'timeout.client': { title: 'cut by timeout client', advice: 'The client side was idle longer than `timeout client`. For WebSocket backends set `timeout tunnel` (it supersedes client/server once upgraded) and make clients send pings.' },
  'timeout.server': { title: 'cut by timeout server', advice: 'The server side was idle longer than `timeout server`. For WebSocket backends set `timeout tunnel`; for slow responses raise `timeout server` or fix the backend.' },
  'timeout.connect': { title: 'connect timeout', advice: 'HAProxy could not connect to the server within `timeout connect`: the server is overloaded, unreachable or firewalled.' },
  'timeout.http-request': { title: 'request not received in time', advice: 'The client did not send a complete request within `timeout http-request`: slow clients, port scanners or slowloris.' },
  'timeout.queue': { title: 'queue timeout', advice: 'Requests waited in the queue longer than `timeout queue`: raise server maxconn, add servers, or find the slow backend.' },
  'timeout.upgrade': { title: 'server never answered the upgrade (504)', advice: 'The server accepted the connection but did not answer the WebSocket handshake within `timeout server`: check the application is listening for upgrades on that path.' },
  'server.bad-response': { title: 'invalid response from server (502 PH)', advice: 'HAProxy rejected the response as invalid HTTP (bad status line or headers). Capture the backend response (`show errors` on the runtime API) and fix the application.' },
  'server.hangup': { title: 'server closed before answering (502 SH)', advice: 'The server closed the connection before sending a response: a crash, a restart, a keep-alive race, or a process that cannot handle upgrades.' },
  'server.refused': { title: 'server refused the connection (503 SC)', advice: 'Connections to the server were refused or reset: it is down or not listening on that port. Check the health check really tests this service.' },
  'server.abort': { title: 'server aborted the stream (SD)', advice: 'The server reset the connection during the data phase: a crash, a restart or a deploy that kills open WebSockets. Drain servers before restarting them.' },
  'server.error': { title: 'server returned 5xx', advice: 'The application answered with a 5xx status. Look at the application logs for these requests.' },
  'no-server': { title: 'no server available (503)', advice: 'Every server of the backend was DOWN or in maintenance. Look at the events: why did the health checks fail?' },
  'proxy.deny': { title: 'denied by HAProxy (PR)', advice: 'HAProxy refused the request itself (http-request deny, a rate limit returning 429, an ACL). Check the rules and whether legitimate clients hit them.' },
  'proxy.resource': { title: 'HAProxy ran out of a resource', advice: 'HAProxy hit a resource limit (memory, sockets, maxconn). Check `maxconn`, file descriptors and memory.' },
  'proxy.internal': { title: 'HAProxy internal error', advice: 'HAProxy reported an internal error: check its own logs and version; report it upstream if it persists.' },
  'proxy.killed': { title: 'session killed by HAProxy or an admin', advice: 'Sessions were killed (server went DOWN with `on-marked-down shutdown-sessions`, `shutdown session` on the runtime API, or a reload).' },
  unknown: { title: 'ended in a way the log does not show', advice: 'The log format has no termination state (%tsc): add it to the log-format, as `option httplog` has it, to know who ended each session and why.' },
  'upgrade.rejected': { title: 'upgrade answered without 101', advice: 'The server answered the WebSocket handshake with a normal HTTP status: wrong path, authentication, or a backend that does not speak WebSocket on that route.' },
} as const satisfies Record<string, { title: string; advice: string }>;

export type Cause = keyof typeof CAUSES;

export function causeInfo(cause: string): { title: string; advice: string } {
  return (CAUSES as Record<string, { title: string; advice: string }>)[cause] ?? { title: cause, advice: '' };
}
