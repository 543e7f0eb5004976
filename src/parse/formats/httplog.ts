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
  ],
};
