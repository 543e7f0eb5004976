import type { FormatDefinition } from './format-definition.js';

/** `option httpslog` (section 8.2.4): httplog plus the TLS fields. */
export const httpslog: FormatDefinition = {
  name: 'httpslog',
  directive: 'option httpslog',
  logFormat:
    '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r ' +
    '%[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc',
  samples: [],
};
