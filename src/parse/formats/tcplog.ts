import type { FormatDefinition } from './format-definition.js';

/** `option tcplog` (section 8.2.2). */
export const tcplog: FormatDefinition = {
  name: 'tcplog',
  directive: 'option tcplog',
  logFormat: '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq',
  samples: [
    // HAProxy 2.6 manual, section 8.2.2.
    'Feb  6 12:12:56 localhost haproxy[14387]: 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0',
    // Section 8.9: the client timed out (cD) on an idle TCP connection.
    'haproxy[18989]: 127.0.0.1:34550 [15/Oct/2003:15:24:28.312] px-tcp px-tcp/srv1 0/0/5007 0 cD 0/0/0/0/0 0/0',
    // HAProxy 2.6.12 in the lab (samples/ws-tcplog.log): a server that hangs up at once is logged `--` with 0 bytes.
    '127.0.0.1:49604 [22/Nov/2026:04:41:42.542] ft_hangup bk_hangup/h1 1/0/11 0 -- 9/1/0/0/0 0/0',
  ],
};
