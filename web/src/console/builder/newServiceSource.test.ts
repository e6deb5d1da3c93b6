import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: [string, string, unknown?][] = [];
vi.mock('../../api', () => ({
  api: {
    get: vi.fn(async (path: string) => {
      calls.push(['GET', path]);
      if (path === '/api/services/7') return { id: 7, definition: { format: 'madoguchi.service/1', service_key: 'inu', title: '犬', department: '環境課', steps: [{ id: 'a', kind: 'message', text: 'x' }] } };
      if (path === '/api/services/7/flow-tests') return { tests: [{ name: 't', answers: ['x'], expect: {} }] };
      throw new Error(path);
    }),
    post: vi.fn(async (path: string, body: unknown) => { calls.push(['POST', path, body]); return { id: 9 }; }),
    put: vi.fn(async (path: string, body: unknown) => { calls.push(['PUT', path, body]); return {}; }),
  },
}));

import { createFromSource } from './NewServiceSource';

const names = { service_key: 'inu-2', title: '犬（コピー）', department: '福祉課' };
beforeEach(() => { calls.length = 0; });

describe('new service sources', () => {
  it('copies a service under the new names, with its flow tests', async () => {
    await createFromSource({ kind: 'copy', id: 7 }, names);
    expect(calls[1]).toEqual(['POST', '/api/services', { definition: { format: 'madoguchi.service/1', service_key: 'inu-2', title: '犬（コピー）', department: '福祉課', steps: [{ id: 'a', kind: 'message', text: 'x' }] } }]);
    expect(calls[3]).toEqual(['PUT', '/api/services/9/flow-tests', { tests: [{ name: 't', answers: ['x'], expect: {} }] }]);
  });
  it('starts from a template by its key, or from a blank draft', async () => {
    await createFromSource({ kind: 'template', key: 'inu-toroku' }, names);
    expect(calls).toEqual([['POST', '/api/service-templates/inu-toroku', names]]);
    calls.length = 0;
    await createFromSource({ kind: 'blank' }, names);
    expect(calls[0][1]).toBe('/api/services');
    expect((calls[0][2] as { definition: { service_key: string } }).definition.service_key).toBe('inu-2');
  });
});
