// `madoguchi calendar holidays`: the national holidays as date,name CSV, checked against the
// Cabinet Office's published list (tests/data/holidays/syukujitsu.csv) as far as it goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const BIN = process.env.MG_BIN;
const ROOT = process.env.MG_ROOT;

function run(...args) {
  return spawnSync(BIN, args, { encoding: 'utf8' });
}

test('calendar holidays prints 1955–2050 and matches the Cabinet Office list for its years', () => {
  const r = run('calendar', 'holidays', '--from', '1955', '--to', '2050');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'date,name');
  const ours = new Map(lines.slice(1).map((l) => l.split(',')));
  const official = readFileSync(path.join(ROOT, 'tests/data/holidays/syukujitsu.csv'), 'utf8')
    .trim().split('\n').slice(1)
    .map((l) => l.split(','))
    .map(([d, n]) => [d.split('/').map((x, i) => (i ? x.padStart(2, '0') : x)).join('-'), n]);
  assert.ok(official.length > 1000);
  for (const [date, name] of official) assert.equal(ours.get(date), name, date);
  const inOfficialYears = [...ours.keys()].filter((d) => d <= '2027-12-31');
  assert.equal(inOfficialYears.length, official.length);
  assert.ok([...ours.keys()].some((d) => d.startsWith('2050-')), 'reaches 2050');
});

test('calendar holidays refuses years it cannot compute and bad arguments', () => {
  assert.equal(run('calendar', 'holidays', '--from', '1900', '--to', '1950').status, 2);
  assert.equal(run('calendar', 'holidays', '--from', '2030', '--to', '2020').status, 2);
  assert.notEqual(run('calendar', 'holidays', '--from', 'x', '--to', '2020').status, 0);
  assert.notEqual(run('calendar', 'holidays').status, 0);
});
