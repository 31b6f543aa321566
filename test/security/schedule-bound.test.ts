import { describe, expect, it } from 'vitest';
import { apiHarness } from './api-harness';

describe('schedules someone sends cannot hold the API', () => {
  it('59 23 29 2 * in Pacific/Chatham is a 400 naming the schedule, for the preview and for a job', async () => {
    const api = await apiHarness('dynalite');
    const body = { schedule: '59 23 29 2 *', timezone: 'Pacific/Chatham' };
    const preview = await api.call('POST', '/api/schedule/preview', api.readerKey, body);
    expect(preview.status).toBe(400);
    expect(preview.json).toMatchObject({
      error: { field: 'schedule', message: expect.stringContaining('29 February') },
    });
    const job = await api.call('POST', '/api/jobs', api.writerKey, { name: 'leap', grace_time: 5, ...body });
    expect(job.status).toBe(400);
    // A rare but yearly schedule there is still previewed.
    const yearly = await api.call('POST', '/api/schedule/preview', api.readerKey, {
      ...body,
      schedule: '59 23 28 2 *',
    });
    expect(yearly.status).toBe(200);
    expect((yearly.json as { next: string[] }).next).toHaveLength(5);
  });
});
