-- 1,000,000 (or :N) LINE residents of the demo tenant with three attributes, generated in the
-- database (deterministic: values follow the resident id). Every 50th resident blocked.
-- district: one of 4; topics: 1-2 of 4 (multi); birth_date: 1930-2019.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO attribute_definitions(tenant_id, attr_key, label, value_type, multiple, options, created_at, updated_at)
  SELECT id, 'district', '地区', 'choice', 0, '[{"value":"kita","label":"北"},{"value":"minami","label":"南"},{"value":"higashi","label":"東"},{"value":"nishi","label":"西"}]', 0, 0 FROM tenants WHERE code = 'demo'
  UNION ALL SELECT id, 'topics', '関心', 'choice', 1, '[{"value":"bousai","label":"防災"},{"value":"kosodate","label":"子育て"},{"value":"kenko","label":"健康"},{"value":"event","label":"イベント"}]', 0, 0 FROM tenants WHERE code = 'demo'
  UNION ALL SELECT id, 'birth_date', '生年月日', 'date', 0, '[]', 0, 0 FROM tenants WHERE code = 'demo';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @N@)
INSERT INTO residents(tenant_id, channel, external_id, status, created_at, updated_at)
  SELECT t.id, 'line', printf('U%032x', i), CASE WHEN i % 50 = 0 THEN 'blocked' ELSE 'active' END, 1, 1
  FROM n, tenants t WHERE t.code = 'demo';
INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, created_at)
  SELECT tenant_id, id, channel, external_id, 0 FROM residents WHERE created_at = 1;
INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, updated_at)
  SELECT tenant_id, id, 'district', CASE (id / 7) % 4 WHEN 0 THEN 'kita' WHEN 1 THEN 'minami' WHEN 2 THEN 'higashi' ELSE 'nishi' END, 0
  FROM residents WHERE created_at = 1;
INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, updated_at)
  SELECT tenant_id, id, 'topics', CASE (id * 13) % 4 WHEN 0 THEN 'bousai' WHEN 1 THEN 'kosodate' WHEN 2 THEN 'kenko' ELSE 'event' END, 0
  FROM residents WHERE created_at = 1;
INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, text_value, updated_at)
  SELECT tenant_id, id, 'topics', CASE (id * 13 + 1) % 4 WHEN 0 THEN 'bousai' WHEN 1 THEN 'kosodate' WHEN 2 THEN 'kenko' ELSE 'event' END, 0
  FROM residents WHERE created_at = 1 AND id % 3 = 0;
INSERT INTO resident_attributes(tenant_id, resident_id, attr_key, date_value, updated_at)
  SELECT tenant_id, id, 'birth_date', printf('%04d-%02d-%02d', 1930 + (id * 31) % 90, 1 + (id * 17) % 12, 1 + (id * 11) % 28), 0
  FROM residents WHERE created_at = 1;
COMMIT;
ANALYZE;
