// Behind a reverse proxy every connection comes from the proxy: without --trusted-proxy the
// per-address login throttle and upload quotas would be one limit shared by every resident and
// every staff member, and the audit log would name the proxy. X-Forwarded-For is believed only
// from the operator's proxies; anyone else sending it is ignored.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.cleanup(); });

async function failedLoginAddress(srv, headers) {
  const r = await srv.client().request('POST', '/api/login', {
    body: { tenant: 'demo', email: 'admin@demo.example', password: 'wrong-password-123' }, headers,
  });
  assert.equal(r.status, 401, r.text);
  const admin = await srv.admin();
  const items = (await admin.get('/api/audit?limit=50')).json.items;
  const failed = items.find((a) => a.action === 'login_failed');
  assert.ok(failed, 'the failed login is audited');
  return failed.ip;
}

test('with --trusted-proxy the client address comes from X-Forwarded-For', async () => {
  const srv = await startServer({ extra: ['--trusted-proxy', '127.0.0.1'] });
  servers.push(srv);
  assert.equal(await failedLoginAddress(srv, { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' }), '203.0.113.7');
});

test('without it a client cannot choose its address with X-Forwarded-For', async () => {
  const srv = await startServer();
  servers.push(srv);
  assert.equal(await failedLoginAddress(srv, { 'x-forwarded-for': '203.0.113.7' }), '127.0.0.1');
});
