import { configLogFormats } from './open-inputs.js';
import { DEFAULT_MAX_SESSIONS, followInputs, LIVE_DATABASE, type FollowInput } from '../pipeline/live-policy.js';
import { nextRunDelay } from '../store/pacing.js';
import { LogFormatError, unquoteConfigString } from '../parse/log-format.js';
import { formatAnalysis } from '../report/analysis-formats.js';
import type { Database } from '../store/database.js';
import { createSerializer } from '../store/serializer.js';
import { createScreenSource } from '../diagnose/screen-source.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { createFindingDiff, summaryLine } from './live-report.js';
import { durationArg } from './time-args.js';
import { inputArgs, openStore } from './open-inputs.js';
import { checkGivenFiles } from './input-checks.js';

const FORMATS = ['text', 'jsonl'] as const;

export const run: RunCommand = async ({ positionals, values }, io) => {
  const format = (values['format'] ?? 'text') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format takes ${FORMATS.join(', ')}`);
  const windowMs = durationArg(String(values['window'] ?? '15m'), '--window');
  const maxSessions = Number(values['max-sessions'] ?? DEFAULT_MAX_SESSIONS);
  if (!Number.isInteger(maxSessions) || maxSessions < 1000) throw new UsageError('--max-sessions takes a whole number of at least 1000');
  const intervalMs = Math.max(1000, durationArg(String(values['interval'] ?? '1s'), '--interval'));
  const args = inputArgs(values);
  const follow = Array.isArray(values['follow']) ? values['follow'] : [];
  await checkGivenFiles('live', { logs: [...positionals, ...follow], config: args.configPath, db: args.db });
  const inputs: FollowInput[] = [...positionals.map((path) => ({ path, follow: false })), ...follow.map((path) => ({ path, follow: true }))];
  if (inputs.length === 0) inputs.push({ path: '-', follow: false });
  const usesStdin = inputs.some((i) => i.path === '-');
  if (usesStdin && (io.stdinIsTTY || !io.stdin)) {
    throw new UsageError('live reads logs from stdin: pipe them in (tail -f haproxy.log | wsdiag live) or give --follow FILE');
  }

  // The mode is decided here, once: screens when stdout is a terminal and there is a keyboard.
  let keyboard: NodeJS.ReadStream | null = null;
  let ownKeyboard = false;
  if (io.stdoutIsTTY && io.stdout) {
    if (!usesStdin && io.stdinIsTTY && io.stdin) keyboard = io.stdin as NodeJS.ReadStream;
    else {
      keyboard = io.openKeyboard?.() ?? null;
      ownKeyboard = keyboard !== null;
    }
  }

  const store = await openStore(args, LIVE_DATABASE);
  const db = store.db;
  // The screens query on a connection of their own, so that a diagnosis never holds up storing.
  const screens = createSerializer();
  let view: Database | null = null;
  try {
    view = await db.connect();
    let follower;
    try {
      follower = await followInputs(db, inputs, {
        logFormats: [
          ...args.logFormats.map((f, i) => ({ name: args.logFormats.length > 1 ? `custom${i + 1}` : 'custom', logFormat: unquoteConfigString(f) })),
          ...configLogFormats(store.config),
        ],
        timeZone: args.tz,
        maxLineBytes: args.maxLineBytes,
        windowMs,
        maxSessions,
        stdin: io.stdin,
        screens,
      });
    } catch (error) {
      if (error instanceof LogFormatError) throw new UsageError(`--log-format: ${error.message}`);
      throw error;
    }
    const source = createScreenSource(view, {
      config: store.config, windowMs, exclusive: screens, refreshMs: 1000,
      // The follower's counts as the accounting the status line shows (live keeps no already-ingested lines apart).
      live: () => {
        const s = follower.stats();
        return { ...s, accounting: { lines_read: s.linesRead, sessions: s.sessions, events: s.events, rejects: s.rejects, blank: s.blank, already_ingested: 0, rolled_back: 0, ingests: 0 } };
      },
      backend: typeof values['backend'] === 'string' ? values['backend'] : null,
    });

    if (keyboard && io.stdout) {
      const { runScreens } = await import('../ui/run-screens.js');
      try {
        await runScreens({ source, title: `live · window ${values['window'] ?? '15m'}`, color: !io.noColor, ...(args.tz ? { timeZone: args.tz } : {}), stdin: keyboard, stdout: io.stdout });
      } finally {
        if (ownKeyboard) keyboard.destroy();
        follower.stop();
        await follower.done;
        await source.close();
      }
    } else {
      const removeInterrupt = io.onInterrupt?.(() => follower.stop());
      const diff = createFindingDiff();
      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      let wakeUp: (() => void) | null = null;
      // The end of input cuts the wait short and clears the timer: a pending one would hold the process open
      // until it fired. (Not a race against follower.done each round: each would stay attached to it.)
      void follower.done.then(() => {
        ended = true;
        clearTimeout(timer);
        wakeUp?.();
      });
      try {
        let tookMs = 0;
        while (!ended) {
          await new Promise<void>((r) => {
            wakeUp = r;
            timer = setTimeout(r, nextRunDelay(intervalMs, tookMs));
          });
          clearTimeout(timer);
          if (ended) break;
          const started = Date.now();
          const data = await source.load();
          tookMs = Date.now() - started;
          if (format === 'text') io.out(summaryLine(data));
          else io.out(diff(data.analysis.findings, data.analysis.summary.to));
        }
        const data = await source.load();
        if (format === 'text') io.out(summaryLine(data) + '\n' + formatAnalysis.text(data.analysis));
        else io.out(diff(data.analysis.findings, data.analysis.summary.to) + JSON.stringify({ event: 'end', summary: data.analysis.summary, live: data.live }) + '\n');
      } finally {
        removeInterrupt?.();
        await source.close();
      }
    }
    const stats = follower.stats();
    if (stats.failure) {
      // The store could not be written (a full disk…): what was committed stays, and live resumes from it.
      io.err(`wsdiag live: ${stats.failure}\n`);
      return ExitCode.store;
    }
    let problems = false;
    for (const input of stats.inputs) {
      if (input.state === 'missing' || input.state === 'error') {
        problems = true;
        io.err(`wsdiag live: ${input.message ?? `${input.path}: ${input.state}`}\n`);
      }
    }
    return problems ? ExitCode.input : ExitCode.ok;
  } finally {
    view?.close();
    db.close();
  }
};
