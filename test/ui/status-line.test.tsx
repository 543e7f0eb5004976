import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { StatusLine } from '../../src/ui/components/StatusLine.js';
import { DATA } from './fixture.js';

describe('status line accounting', () => {
  it("shows where every line went, so the figures reconcile: the stored runs' (an archive), the follower's (live)", async () => {
    const archive = render(<StatusLine title="t" data={{ ...DATA, live: null }} paused={false} error={null} />);
    // Ink draws on its own schedule: wait for the frame (the generous bound is for a busy machine).
    await vi.waitFor(() => expect(archive.lastFrame()).toContain('t · 100 sessions · 130 lines = 100 sessions + 2 events + 1 reject + 17 blank + 10 already ingested'), { timeout: 30_000, interval: 10 });
    archive.unmount();
    const accounting = { lines_read: 9, sessions: 5, events: 1, rejects: 1, blank: 2, already_ingested: 0, rolled_back: 0, ingests: 0 };
    const live = render(<StatusLine title="t" data={{ ...DATA, live: { ...DATA.live!, accounting } }} paused={false} error={null} />);
    await vi.waitFor(() => expect(live.lastFrame()).toContain('9 lines = 5 sessions + 1 event + 1 reject + 2 blank ·'), { timeout: 30_000, interval: 10 });
    live.unmount();
  });
});
