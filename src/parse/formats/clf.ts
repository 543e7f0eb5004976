import type { FormatDefinition } from './format-definition.js';

/** `option httplog clf` (section 8.2.3): Common Log Format first, HAProxy's fields after. */
export const clf: FormatDefinition = {
  name: 'clf',
  directive: 'option httplog clf',
  logFormat:
    '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl',
  samples: [],
};
