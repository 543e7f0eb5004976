import type { FormatDefinition } from './format-definition.js';

/** `option httplog clf` (section 8.2.3): Common Log Format first, HAProxy's fields after. */
export const clf: FormatDefinition = {
  name: 'clf',
  directive: 'option httplog clf',
  logFormat:
    '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl',
  samples: [
    // HAProxy 2.6.12 in the lab (samples/ws-clf.log): every CLF line ends with a space (the empty %hsl keeps its separator).
    '127.0.0.1 - - [22/Nov/2026:04:41:44 +0000] "GET /garbage HTTP/1.1" 502 209 "" "" 50284 988 "fe_mix" "be_garbage" "gb1" 0 0 0 -1 0 PH-- 6 6 0 0 0 0 0 "" "" "websocket" "Upgrade" ',
    '127.0.0.1 - - [22/Nov/2026:04:41:44 +0000] "GET /index.html?user=42 HTTP/1.1" 200 87 "" "" 50250 987 "fe_mix" "be_web" "web1" 0 0 0 1 1 ---- 6 6 0 0 0 0 0 "" "" "" "" ',
  ],
};
