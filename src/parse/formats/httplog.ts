import type { FormatDefinition } from './format-definition.js';

/** `option httplog` (section 8.2.3). */
export const httplog: FormatDefinition = {
  name: 'httplog',
  directive: 'option httplog',
  logFormat:
    '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r',
  samples: [
    // HAProxy 2.6 manual, section 8.2.3: two capture blocks.
    'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"',
    // Section 8.9: logasap (`+` before Ta and B), no capture block.
    'haproxy[674]: 127.0.0.1:33320 [15/Oct/2003:08:32:17.654] px-http px-http/srv1 9/0/7/14/+30 200 +243 - - ---- 3/3/3/1/0 0/0 "GET /image.iso HTTP/1.0"',
    // Section 8.9: client aborted before sending a request; -1 timers, <NOSRV>, empty request.
    'haproxy[18113]: 127.0.0.1:34548 [15/Oct/2003:15:18:55.798] px-http px-http/<NOSRV> -1/-1/-1/-1/8490 -1 0 - - CR-- 2/2/2/0/0 0/0 ""',
    // HAProxy 2.6.12 in the lab (samples/ws-httplog.log): one capture block (Upgrade|Connection), 503 <NOSRV>.
    '127.0.0.1:36130 [22/Nov/2026:04:41:38.401] fe_ws be_hc/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 25/24/0/0/0 0/0 {websocket|Upgrade} "GET /hc HTTP/1.1"',
    // A <BADREQ> has no capture block even when captures are configured; the frontend stands as backend.
    '127.0.0.1:36082 [22/Nov/2026:04:41:38.401] fe_ws fe_ws/<NOSRV> -1/-1/-1/-1/1000 408 0 - - cR-- 12/11/0/0/0 0/0 "<BADREQ>"',
    // RFC 5424 envelope (log … format rfc5424), and HAProxy's `timed` format (`<6>` then an ISO date).
    '<134>1 2026-11-22T04:41:51.189172+00:00 - haproxy 18628 - - 127.0.0.1:58700 [22/Nov/2026:04:41:51.187] fe_mix be_garbage/gb1 0/0/0/-1/1 502 209 - - PH-- 4/4/0/0/0 0/0 {websocket|Upgrade} "GET /garbage HTTP/1.1"',
    '<6>2026-11-22T04:41:56.526523+00:00 127.0.0.1:50290 [22/Nov/2026:04:41:56.525] fe_mix be_web/web1 0/0/0/0/0 200 87 - - ---- 5/5/0/0/0 0/0 {|} "GET /index.html?user=42 HTTP/1.1"',
    // The same RFC 5424 line as a collector that keeps only what follows the <PRI> stores it.
    '1 2026-11-22T04:41:51.189172+00:00 - haproxy 18628 - - 127.0.0.1:58700 [22/Nov/2026:04:41:51.187] fe_mix be_garbage/gb1 0/0/0/-1/1 502 209 - - PH-- 4/4/0/0/0 0/0 {websocket|Upgrade} "GET /garbage HTTP/1.1"',
    // A line a relay left trailing spaces on (samples/ws-httplog.log, line 13, spaces added after the request).
    '127.0.0.1:35894 [22/Nov/2026:04:41:38.400] fe_ws be_ws/ws1 0/0/0/2/12 101 150 - - ---- 24/23/6/6/0 0/0 {websocket|Upgrade} "GET /ws/chat HTTP/1.1"   ',
    // A tunnel killed by a hard stop.
    '127.0.0.1:35226 [22/Nov/2026:04:42:02.164] fe_ev be_flap/fl1 0/0/0/4/1326 101 132 - - K--- 1/1/0/0/0 0/0 "GET /flap HTTP/1.1"',
  ],
};
