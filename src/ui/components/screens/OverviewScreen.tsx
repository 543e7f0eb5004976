import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatRate, safe, sparkline } from '../../format.js';
import type { ScreenData } from '../../../diagnose/screen-data.js';
import { useTheme } from '../../theme.js';
import { Table } from '../Table.js';

export interface ScreenProps {
  readonly data: ScreenData;
  readonly selected: number;
  readonly height: number;
  readonly width: number;
  /** Tunnels: the backend whose servers are listed under it. */
  readonly opened?: string | null;
  /** The zone times are shown in (--tz). */
  readonly timeZone?: string;
}

/** Sparklines shown: the causes with the most 5xx. */
const TIMELINE_ROWS = 3;

/** A figure in a quarter of the line: label, value; cut rather than wrapped on a narrow terminal. */
function Figure({ label, value }: { readonly label: string; readonly value: string }) {
  return (
    <Box flexGrow={1} flexBasis={0} marginRight={1}>
      <Text wrap="truncate-end">{label} <Text bold>{value}</Text></Text>
    </Box>
  );
}

export function OverviewScreen({ data, selected, height }: ScreenProps) {
  const theme = useTheme();
  const a = data.analysis;
  const live = data.live;
  const timeline = data.failureTimeline;
  const shown = timeline.causes.slice(0, TIMELINE_ROWS);
  // One scale for every line, so that their heights compare.
  const peak = Math.max(0, ...shown.flatMap((c) => c.perSecond));
  const finding = a.findings[selected];
  const sevColor = { critical: theme.critical, warning: theme.warning, info: undefined } as const;
  // Figures (2), sparklines (title + rows), "Findings" (margin + 1), table header, detail (margin + 2).
  const tableRows = Math.max(1, height - 2 - (shown.length ? 1 + shown.length : 1) - 2 - 1 - (finding ? 3 : 0));
  return (
    <Box flexDirection="column">
      <Box height={1}>
        <Figure label="sessions/s" value={formatRate(data.rates.sessionsPerSecond)} />
        <Figure label="upgrades/s" value={formatRate(data.rates.upgradesPerSecond)} />
        <Figure label="open tunnels" value={data.openTunnels === null ? '-' : `~${formatCount(data.openTunnels)}`} />
        <Figure label="rejects" value={formatCount(a.summary.rejects)} />
      </Box>
      <Box height={1}>
        <Figure label="lines/s" value={live ? formatRate(live.linesPerSecond) : '-'} />
        <Figure label="lag" value={live ? formatDuration(live.lagMs) : '-'} />
        <Figure label="sessions" value={formatCount(a.summary.sessions)} />
        <Figure label="upgraded" value={formatCount(a.summary.upgrades)} />
      </Box>
      {shown.length === 0 ? (
        <Text>5xx/s by cause: none</Text>
      ) : (
        <Box flexDirection="column" flexShrink={0}>
          <Text wrap="truncate-end">5xx/s by cause <Text dimColor={theme.dim}>({formatDuration(timeline.bucketMs)} a column, peak {formatRate(peak)}/s)</Text></Text>
          {shown.map((c) => (
            <Box key={c.cause} height={1}>
              <Box width={20} flexShrink={0}><Text wrap="truncate-end">  {safe(c.cause)}</Text></Box>
              <Box flexShrink={0}><Text color={theme.critical}>{sparkline(c.perSecond, peak)}</Text></Box>
              <Box flexGrow={1} flexBasis={0}><Text wrap="truncate-end"> {formatRate(c.perSecond[c.perSecond.length - 1] ?? 0)}/s now, {formatCount(c.total)} in all</Text></Box>
            </Box>
          ))}
        </Box>
      )}
      <Box marginTop={1}>
        <Text bold>Findings <Text bold={false} dimColor={theme.dim}>({formatCount(a.findings.length)}, worst first; Enter: the evidence)</Text></Text>
      </Box>
      <Table
        columns={[{ title: 'severity', width: 9 }, { title: 'finding' }]}
        rows={a.findings.map((f) => [f.severity, safe(f.title)])}
        selected={selected}
        height={tableRows}
        empty="No problem found."
      />
      {finding ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate-end" color={sevColor[finding.severity]}>{safe(finding.detail)}</Text>
          <Text wrap="truncate-end">→ {safe(finding.advice)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
