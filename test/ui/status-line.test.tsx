import { describe, expect, it } from 'vitest';
import { statusText } from '../../src/ui/components/StatusLine.js';
import { DATA } from './fixture.js';

describe('status line accounting', () => {
  it("shows where every line went, so the figures reconcile: the stored runs' (an archive), the follower's (live)", () => {
    const archive = statusText({ title: 't', data: { ...DATA, live: null }, timeZone: 'UTC' });
    expect(archive).toContain('· 100 sessions · 130 lines = 100 sessions + 2 events + 1 reject + 17 blank + 10 already ingested');
    const accounting = { lines_read: 9, sessions: 5, events: 1, rejects: 1, blank: 2, already_ingested: 0, rolled_back: 0, ingests: 0 };
    const live = statusText({ title: 't', data: { ...DATA, live: { ...DATA.live!, accounting } }, timeZone: 'UTC' });
    expect(live).toContain('9 lines = 5 sessions + 1 event + 1 reject + 2 blank');
  });
});
