import type { FormatDefinition } from './format-definition.js';

/** `option httpslog` (section 8.2.4): httplog plus the TLS fields. */
export const httpslog: FormatDefinition = {
  name: 'httpslog',
  directive: 'option httpslog',
  logFormat:
    '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r ' +
    '%[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc',
  samples: [
    // HAProxy 2.6.12 in the lab (samples/ws-httpslog.log); the `~` marks the SSL frontend.
    '127.0.0.1:49338 [22/Nov/2026:04:41:49.216] fe_mix~ be_garbage/gb1 0/0/0/-1/2 502 209 - - PH-- 7/7/0/0/0 0/0 {websocket|Upgrade} "GET /garbage HTTP/1.1" 0/0000000000000000/0/0/0 localhost/TLSv1.3/TLS_AES_256_GCM_SHA384',
  ],
};
