/** Colours, or none (NO_COLOR, decided once at the edge); selection uses inverse video, which is not a colour. */
import { createContext, useContext } from 'react';

export interface Theme {
  readonly accent: string | undefined;
  readonly critical: string | undefined;
  readonly warning: string | undefined;
  readonly dim: boolean;
}

export const COLOR_THEME: Theme = { accent: 'cyan', critical: 'red', warning: 'yellow', dim: true };
export const PLAIN_THEME: Theme = { accent: undefined, critical: undefined, warning: undefined, dim: false };

export const ThemeContext = createContext<Theme>(COLOR_THEME);
export const useTheme = (): Theme => useContext(ThemeContext);
