// The schema, as numbered forward-only migrations. Never edit a released migration: add one.
// Times are Unix milliseconds in BIGINT; JSON documents are TEXT; booleans are 0/1 integers.
#include "store/migrations.h"

namespace mg::store {

// Migration 42 fills its counters from the rows present, after its triggers exist.
constexpr const char* kFillApplicationCounts =
    "INSERT INTO application_status_counts(tenant_id, department, status, n) SELECT tenant_id, "
    "department, status, COUNT(*) FROM applications GROUP BY tenant_id, department, status";
constexpr const char* kFillResidentCounts =
    "INSERT INTO resident_counts(tenant_id, n) SELECT tenant_id, COUNT(*) FROM residents GROUP "
    "BY tenant_id";

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> list = {
      {1, "foundation", R"SQL(
CREATE TABLE tenants (
  id {{pk}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  lg_code TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);
CREATE TABLE departments (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);
CREATE TABLE staff (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  department_id BIGINT REFERENCES departments(id),
  failed_logins BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, email)
);
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  staff_id BIGINT NOT NULL REFERENCES staff(id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions(expires_at);
CREATE TABLE audit_log (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  staff_id BIGINT,
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);
CREATE TABLE jobs (
  id {{pk}},
  tenant_id BIGINT,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  run_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL DEFAULT 8,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  queue_key TEXT,
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE INDEX jobs_queue_key ON jobs(queue_key, id);
CREATE TABLE schedules (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  interval_ms BIGINT NOT NULL,
  next_run_at BIGINT NOT NULL
);
CREATE TABLE idempotency_keys (
  tenant_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, key)
)
)SQL"},
      {2, "residents_services_applications", R"SQL(
CREATE TABLE residents (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  channel TEXT NOT NULL,
  external_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (tenant_id, channel, external_id)
);
CREATE TABLE services (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  service_key TEXT NOT NULL,
  title TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  draft TEXT NOT NULL,
  draft_updated_at BIGINT NOT NULL,
  published_version BIGINT,
  status TEXT NOT NULL DEFAULT 'draft',
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, service_key)
);
CREATE TABLE service_versions (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  service_id BIGINT NOT NULL REFERENCES services(id),
  version BIGINT NOT NULL,
  definition TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  published_by BIGINT,
  UNIQUE (service_id, version)
);
CREATE TABLE chat_sessions (
  id {{pk}},
  public_id TEXT NOT NULL UNIQUE,
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  service_id BIGINT NOT NULL REFERENCES services(id),
  version_id BIGINT NOT NULL REFERENCES service_versions(id),
  state TEXT NOT NULL,
  last_prompts TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'open',
  correction_of BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX chat_sessions_resident ON chat_sessions(tenant_id, resident_id, status);
CREATE TABLE applications (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  receipt_number TEXT NOT NULL,
  service_id BIGINT NOT NULL REFERENCES services(id),
  version_id BIGINT NOT NULL REFERENCES service_versions(id),
  session_id BIGINT NOT NULL UNIQUE REFERENCES chat_sessions(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  channel TEXT NOT NULL,
  department TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'new',
  answers TEXT NOT NULL,
  search_text TEXT NOT NULL DEFAULT '',
  total_fee BIGINT NOT NULL DEFAULT 0,
  memo TEXT NOT NULL DEFAULT '',
  assignee_id BIGINT REFERENCES staff(id),
  submitted_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (tenant_id, receipt_number)
);
CREATE INDEX applications_list ON applications(tenant_id, submitted_at);
CREATE INDEX applications_status ON applications(tenant_id, status);
CREATE TABLE application_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  application_id BIGINT NOT NULL REFERENCES applications(id),
  at BIGINT NOT NULL,
  staff_id BIGINT,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX application_events_app ON application_events(application_id);
CREATE TABLE corrections (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  application_id BIGINT NOT NULL REFERENCES applications(id),
  step_ids TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  session_id BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  resolved_at BIGINT
);
CREATE TABLE attachments (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT,
  filename TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  data_b64 TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE ratings (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  service_id BIGINT NOT NULL,
  application_id BIGINT,
  score BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE lookup_rows (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  list_name TEXT NOT NULL,
  match_key TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX lookup_rows_key ON lookup_rows(tenant_id, list_name, match_key);
CREATE TABLE lookup_failures (
  tenant_id BIGINT NOT NULL,
  resident_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  failures BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, resident_id, day)
)
)SQL"},
      {3, "line_channel", R"SQL(
CREATE TABLE line_channels (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
  channel_secret TEXT NOT NULL DEFAULT '',
  access_token TEXT NOT NULL DEFAULT '',
  api_base TEXT NOT NULL DEFAULT 'https://api.line.me',
  greeting TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE TABLE line_events (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  webhook_event_id TEXT NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  event_type TEXT NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  received_at BIGINT NOT NULL,
  UNIQUE (tenant_id, webhook_event_id)
);
CREATE INDEX line_events_pending ON line_events(tenant_id, status, user_id, timestamp_ms);
CREATE TABLE line_outbox (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  user_id TEXT NOT NULL,
  reply_token TEXT,
  reply_token_at BIGINT,
  messages TEXT NOT NULL,
  retry_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending',
  endpoint TEXT NOT NULL DEFAULT '',
  attempts BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE TABLE line_rich_menus (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  image_sha256 TEXT NOT NULL DEFAULT '',
  line_rich_menu_id TEXT NOT NULL DEFAULT '',
  uploaded_image_sha256 TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant_id, name)
)
)SQL"},
      {4, "applications_keyset_index", R"SQL(
CREATE INDEX applications_tenant_id ON applications(tenant_id, id);
CREATE INDEX line_outbox_due ON line_outbox(status, id)
)SQL"},
      // The LINE queues' indexes cover only rows still to do: a handled event or a sent message
      // (nearly every row) then leaves them instead of moving to a random page of a "done" part
      // of the index on every status change. line_events_arrival finds the residents with
      // the oldest pending events; line_outbox_open answers "has this resident anything
      // queued?" for the dispatcher's direct hand-off. Statuses 'processing' and
      // 'recovered' are no longer used.
      {5, "line_queue_partial_indexes", R"SQL(
UPDATE line_events SET status = 'pending' WHERE status IN ('processing', 'recovered');
DROP INDEX line_events_pending;
CREATE INDEX line_events_pending ON line_events(tenant_id, user_id, timestamp_ms, id) WHERE status = 'pending';
CREATE INDEX line_events_arrival ON line_events(id) WHERE status = 'pending';
DROP INDEX line_outbox_due;
CREATE INDEX line_outbox_due ON line_outbox(status, id) WHERE status IN ('pending', 'sending');
CREATE INDEX line_outbox_open ON line_outbox(tenant_id, user_id) WHERE status IN ('pending', 'sending')
)SQL"},
      // Why a LINE event was not answered: a malformed event is 'failed' on its own (the
      // others go on), and the operator sees the reason here.
      {6, "line_event_failure_reason", R"SQL(
ALTER TABLE line_events ADD COLUMN failure_reason TEXT NOT NULL DEFAULT ''
)SQL"},
      // Login throttling replaces the hard lock (staff.failed_logins/locked_until are no longer
      // read): one row per account as typed (tenant code, lower-cased e-mail, whether or not
      // it exists) and per client address. Existing locks are lifted.
      {7, "login_throttle", R"SQL(
CREATE TABLE login_throttle (
  scope TEXT NOT NULL,
  tenant TEXT NOT NULL,
  subject TEXT NOT NULL,
  failures BIGINT NOT NULL DEFAULT 0,
  last_at BIGINT NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, tenant, subject)
);
CREATE INDEX login_throttle_last ON login_throttle(last_at);
UPDATE staff SET failed_logins = 0, locked_until = 0
)SQL"},
      // Residents' uploads go into a chat session and count against daily quotas; an upload
      // no application claims is removed after a while. Files stored before this migration
      // count as claimed, so none of them disappears. residents_identity lets the web channel
      // check that a device cookie was issued by us, whatever the tenant.
      {8, "resident_upload_limits", R"SQL(
ALTER TABLE attachments ADD COLUMN session_id BIGINT;
ALTER TABLE attachments ADD COLUMN claimed_at BIGINT;
UPDATE attachments SET claimed_at = created_at;
CREATE INDEX attachments_unclaimed ON attachments(created_at) WHERE claimed_at IS NULL;
CREATE TABLE upload_quotas (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  holder TEXT NOT NULL,
  day TEXT NOT NULL,
  uploads BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, holder, day)
);
CREATE INDEX residents_identity ON residents(channel, external_id)
)SQL"},
      // Admins deactivate staff instead of deleting them (audit rows and assignments keep
      // pointing at the account); 0 = active.
      {9, "staff_deactivation", R"SQL(
ALTER TABLE staff ADD COLUMN deactivated_at BIGINT NOT NULL DEFAULT 0
)SQL"},
      // Japan Post's postal codes (KEN_ALL), national: no tenant_id. Replaced whole by
      // `madoguchi postal import`; seq keeps the file's order of a code's towns.
      {10, "postal_codes", R"SQL(
CREATE TABLE postal_codes (
  seq BIGINT PRIMARY KEY,
  code TEXT NOT NULL,
  prefecture TEXT NOT NULL,
  city TEXT NOT NULL,
  town TEXT NOT NULL,
  town_kana TEXT NOT NULL
);
CREATE INDEX postal_codes_code ON postal_codes(code)
)SQL"},
      // Staff may belong to several departments (兼務); everyone but admins sees only their
      // departments' applications. staff.department_id stays as the first one.
      {11, "staff_departments", R"SQL(
CREATE TABLE staff_departments (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  staff_id BIGINT NOT NULL REFERENCES staff(id),
  department_id BIGINT NOT NULL REFERENCES departments(id),
  PRIMARY KEY (staff_id, department_id)
);
INSERT INTO staff_departments(tenant_id, staff_id, department_id)
  SELECT tenant_id, id, department_id FROM staff WHERE department_id IS NOT NULL;
CREATE INDEX applications_department ON applications(tenant_id, department, submitted_at)
)SQL"},
      // A service may ask several rating questions: each score names its step, so the CSV export
      // and the results page can tell them apart ('' for scores stored before this). The
      // indexes serve the per-application lookups of the export and the results' date range;
      // ratings_service has no tenant_id in front, or SQLite picks it for the export's
      // per-page lookup (tenant_id = ? AND application_id IN …) and scans every rating.
      {12, "rating_steps", R"SQL(
ALTER TABLE ratings ADD COLUMN step_id TEXT NOT NULL DEFAULT '';
CREATE INDEX ratings_application ON ratings(application_id);
CREATE INDEX ratings_service ON ratings(service_id, created_at)
)SQL"},
      // Who replaced each lookup list (名簿) when, and its columns, for the console's list page.
      // Lists uploaded before keep their rows; they show as replaced at an unknown time.
      {13, "lookup_lists", R"SQL(
CREATE TABLE lookup_lists (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  list_name TEXT NOT NULL,
  columns TEXT NOT NULL DEFAULT '[]',
  row_count BIGINT NOT NULL DEFAULT 0,
  file_name TEXT NOT NULL DEFAULT '',
  encoding TEXT NOT NULL DEFAULT '',
  replaced_at BIGINT NOT NULL DEFAULT 0,
  replaced_by BIGINT,
  PRIMARY KEY (tenant_id, list_name)
);
INSERT INTO lookup_lists(tenant_id, list_name, row_count)
  SELECT tenant_id, list_name, COUNT(*) FROM lookup_rows GROUP BY tenant_id, list_name
)SQL"},
      // Residents as a capability: several channel identities per resident (LINE user id, web
      // device, later LINE Login and e-mail) and typed attributes per tenant. An attribute
      // row holds one value (multi-choice topics and children's birth dates are several rows
      // of one key); conditions compile to EXISTS over this table, the same SQL on both
      // backends. Existing residents keep their one identity, copied here.
      {14, "resident_attributes", R"SQL(
CREATE TABLE resident_identities (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  channel TEXT NOT NULL,
  external_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, channel, external_id)
);
CREATE INDEX resident_identities_resident ON resident_identities(resident_id);
INSERT INTO resident_identities(tenant_id, resident_id, channel, external_id, created_at)
  SELECT tenant_id, id, channel, external_id, created_at FROM residents;
CREATE TABLE attribute_definitions (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  attr_key TEXT NOT NULL,
  label TEXT NOT NULL,
  value_type TEXT NOT NULL,
  multiple BIGINT NOT NULL DEFAULT 0,
  options TEXT NOT NULL DEFAULT '[]',
  resident_editable BIGINT NOT NULL DEFAULT 0,
  position BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (tenant_id, attr_key)
);
CREATE TABLE resident_attributes (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  attr_key TEXT NOT NULL,
  text_value TEXT,
  number_value DOUBLE PRECISION,
  date_value TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX resident_attributes_resident ON resident_attributes(resident_id, attr_key);
CREATE INDEX resident_attributes_text ON resident_attributes(tenant_id, attr_key, text_value);
CREATE INDEX resident_attributes_number ON resident_attributes(tenant_id, attr_key, number_value);
CREATE INDEX resident_attributes_date ON resident_attributes(tenant_id, attr_key, date_value)
)SQL"},
      // The web residents' inbox (messaging/web_inbox.*): status changes, correction requests
      // and campaign messages for residents without a push channel. Read newest first per
      // resident; the partial index counts the unread badge without touching read rows.
      {15, "resident_messages", R"SQL(
CREATE TABLE resident_messages (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  application_id BIGINT,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX resident_messages_inbox ON resident_messages(tenant_id, resident_id, id);
CREATE INDEX resident_messages_unread ON resident_messages(tenant_id, resident_id)
  WHERE read_at IS NULL
)SQL"},
      // The resident's consent to the service's privacy notice ({notice_sha256,
      // notice_version?, agreed_at}, JSON), kept with the application for staff to show.
      {16, "application_privacy_consent", R"SQL(
ALTER TABLE applications ADD COLUMN privacy_consent TEXT
)SQL"},
      // Campaigns (delivery/): one message to many residents. The fan-out walks the audience in
      // resident id order behind fanout_cursor and writes one multicast line_outbox row per
      // <= 500 LINE users (recipients: comma-separated user ids), cursor and row in one
      // transaction. residents_channel_order lets each step range-scan one tenant's LINE
      // residents from the cursor (without it every step sorts the whole tenant). Push and
      // multicast rows get their own partial "due" indexes so a long campaign backlog never
      // stands in front of a resident's reply in the dispatcher's scan.
      {17, "campaigns", R"SQL(
CREATE TABLE campaigns (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  title TEXT NOT NULL,
  messages TEXT NOT NULL,
  audience TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  fanout_cursor BIGINT NOT NULL DEFAULT 0,
  fanout_done BIGINT NOT NULL DEFAULT 0,
  targeted_count BIGINT NOT NULL DEFAULT 0,
  queued_count BIGINT NOT NULL DEFAULT 0,
  sent_count BIGINT NOT NULL DEFAULT 0,
  failed_count BIGINT NOT NULL DEFAULT 0,
  batch_count BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  queued_at BIGINT,
  finished_at BIGINT,
  purged_at BIGINT
);
CREATE INDEX campaigns_tenant ON campaigns(tenant_id, id);
CREATE INDEX residents_channel_order ON residents(tenant_id, channel, id);
CREATE INDEX campaigns_unpurged ON campaigns(finished_at) WHERE finished_at IS NOT NULL AND purged_at IS NULL;
ALTER TABLE line_outbox ADD COLUMN recipients TEXT;
ALTER TABLE line_outbox ADD COLUMN recipient_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE line_outbox ADD COLUMN campaign_id BIGINT;
DROP INDEX line_outbox_due;
CREATE INDEX line_outbox_due ON line_outbox(status, id) WHERE status IN ('pending', 'sending') AND recipients IS NULL;
CREATE INDEX line_outbox_multicast_due ON line_outbox(status, id) WHERE status IN ('pending', 'sending') AND recipients IS NOT NULL;
CREATE INDEX line_outbox_campaign ON line_outbox(campaign_id, status) WHERE campaign_id IS NOT NULL
)SQL"},
      // Recurring schedules per tenant with calendar rules (calendar/recurrence, JSON in
      // rule; interval_ms is 0 for them). Platform schedules keep tenant_id NULL and their
      // interval.
      {18, "schedule_rules", R"SQL(
ALTER TABLE schedules ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
ALTER TABLE schedules ADD COLUMN rule TEXT;
CREATE INDEX schedules_due ON schedules(next_run_at);
CREATE INDEX schedules_tenant ON schedules(tenant_id)
)SQL"},
      // A municipality's garbage calendar and sorting dictionary imported from the 5374 files;
      // one per tenant, replaced as a whole. Area cells are kept as 5374 writes them (already
      // validated), categories by position; closure dates as days since 1970-01-01.
      {19, "garbage_calendar", R"SQL(
CREATE TABLE garbage_imports (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
  imported_at BIGINT NOT NULL,
  imported_by BIGINT
);
CREATE TABLE garbage_categories (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  position BIGINT NOT NULL,
  label TEXT NOT NULL,
  sublabel TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  color TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, position)
);
CREATE TABLE garbage_areas (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  position BIGINT NOT NULL,
  name TEXT NOT NULL,
  center TEXT NOT NULL DEFAULT '',
  cells TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (tenant_id, position)
);
CREATE TABLE garbage_closures (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  center TEXT NOT NULL,
  date_from BIGINT NOT NULL,
  date_to BIGINT NOT NULL
);
CREATE INDEX garbage_closures_tenant ON garbage_closures(tenant_id);
CREATE TABLE garbage_remarks (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  remark_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (tenant_id, remark_id)
);
CREATE TABLE garbage_items (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  notice TEXT NOT NULL DEFAULT '',
  furigana TEXT NOT NULL DEFAULT ''
);
CREATE INDEX garbage_items_tenant ON garbage_items(tenant_id, name)
)SQL"},
      // Reservations (issue 12): resources in up to three levels of categories, each with
      // its calendar, and the booking ledger. Slots are computed from the calendar, never
      // stored; capacity is checked against SUM(party) of the booked rows inside the booking
      // transaction. reservation_slot_locks holds one row per (resource, slot) ever booked,
      // only so PostgreSQL can serialise bookers of one slot with SELECT … FOR UPDATE.
      // Special days are days since 1970-01-01; hours are JSON as the API takes them.
      {20, "reservations", R"SQL(
CREATE TABLE resource_categories (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  parent_id BIGINT REFERENCES resource_categories(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX resource_categories_tenant ON resource_categories(tenant_id);
CREATE TABLE resources (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  category_id BIGINT REFERENCES resource_categories(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  slot_minutes BIGINT NOT NULL,
  capacity BIGINT NOT NULL,
  opening_hours TEXT NOT NULL DEFAULT '{}',
  closed_on_holidays BIGINT NOT NULL DEFAULT 1,
  window_days BIGINT NOT NULL DEFAULT 90,
  daily_limit BIGINT NOT NULL DEFAULT 1,
  stopped BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX resources_tenant ON resources(tenant_id);
CREATE TABLE resource_special_days (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  day BIGINT NOT NULL,
  closed BIGINT NOT NULL DEFAULT 1,
  hours TEXT NOT NULL DEFAULT '[]',
  note TEXT NOT NULL DEFAULT '',
  UNIQUE (resource_id, day)
);
CREATE TABLE reservation_slot_locks (
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  slot_start BIGINT NOT NULL,
  PRIMARY KEY (resource_id, slot_start)
);
CREATE TABLE bookings (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  slot_start BIGINT NOT NULL,
  party BIGINT NOT NULL,
  resident_id BIGINT REFERENCES residents(id),
  staff_id BIGINT,
  status TEXT NOT NULL DEFAULT 'booked',
  note TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX bookings_slot ON bookings(resource_id, slot_start, status);
CREATE INDEX bookings_resident ON bookings(resident_id, resource_id, slot_start)
)SQL"},
      // A web device token is accepted only if some tenant issued it (residents::issued asks
      // across tenants): resident_identities' unique index leads with tenant_id, so this one
      // serves that lookup, as residents_identity did for the residents table. And one
      // resident's values by (tenant, resident, key): without statistics SQLite otherwise picks
      // resident_attributes_number (tenant_id, attr_key) and reads every resident's rows.
      {21, "resident_identities_external", R"SQL(
CREATE INDEX resident_identities_external ON resident_identities(channel, external_id);
CREATE INDEX resident_attributes_owner ON resident_attributes(tenant_id, resident_id, attr_key)
)SQL"},
      // Phone and counter bookings (issue 12, staff console): who called, so staff can call
      // back. Resident bookings leave both empty (the resident row says who they are).
      {23, "booking_contacts", R"SQL(
ALTER TABLE bookings ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN contact_phone TEXT NOT NULL DEFAULT ''
)SQL"},
      // Reservations (issue 12): the booking rules per resource, multi-slot bookings (rows of
      // one booking share group_id) and the waitlist (キャンセル待ち) with its timed offers.
      {24, "reservation_rules_waitlist", R"SQL(
ALTER TABLE resources ADD COLUMN window_mode TEXT NOT NULL DEFAULT 'days';
ALTER TABLE resources ADD COLUMN book_lead BIGINT NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN book_lead_unit TEXT NOT NULL DEFAULT 'hours';
ALTER TABLE resources ADD COLUMN cancel_lead BIGINT NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN cancel_lead_unit TEXT NOT NULL DEFAULT 'hours';
ALTER TABLE resources ADD COLUMN period_limit BIGINT NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN period_unit TEXT NOT NULL DEFAULT 'month';
ALTER TABLE resources ADD COLUMN max_slots BIGINT NOT NULL DEFAULT 1;
ALTER TABLE resources ADD COLUMN waitlist_hold_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN group_id BIGINT;
CREATE INDEX bookings_group ON bookings(group_id);
-- Covers SUM(party) of a slot's or a day's booked rows (the capacity check, availability,
-- the next free slots): read from the index alone, never row by row from the table.
CREATE INDEX bookings_capacity ON bookings(resource_id, status, slot_start, party);
CREATE TABLE waitlist_entries (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  slot_start BIGINT NOT NULL,
  party BIGINT NOT NULL,
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  status TEXT NOT NULL DEFAULT 'waiting',
  offered_at BIGINT,
  expires_at BIGINT,
  booking_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX waitlist_slot ON waitlist_entries(resource_id, slot_start, status, id);
CREATE INDEX waitlist_resident ON waitlist_entries(resident_id, status)
)SQL"},
      // 受信設定: what residents read instead of the staff's label, and a line of help, for the
      // attributes they may set themselves (empty: the staff label, no help).
      {25, "attribute_resident_label", R"SQL(
ALTER TABLE attribute_definitions ADD COLUMN resident_label TEXT NOT NULL DEFAULT '';
ALTER TABLE attribute_definitions ADD COLUMN resident_help TEXT NOT NULL DEFAULT ''
)SQL"},
      // Saved segments (residents/segments.*): a named condition over residents' attributes,
      // reused by deliveries and rich menus; the condition is evaluated when it is used.
      {26, "resident_segments", R"SQL(
CREATE TABLE resident_segments (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  condition_json TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (tenant_id, name)
);
-- The LINE residents a campaign's audience matched but who blocked the account, counted when
-- it is queued (the delivery report shows them apart from failures).
ALTER TABLE campaigns ADD COLUMN blocked_count BIGINT NOT NULL DEFAULT 0
)SQL"},
      // Segment delivery timing, approval and garbage-day reminders (issue 13, delivery/).
      // campaign_timings: when a campaign goes out (JSON: at / recurring / lifestage) and the
      // next instant the scheduler sweep acts on (NULL: nothing left). campaign_occurrences:
      // one row per occurrence ever fired; its primary key is what makes each occurrence
      // fire exactly once across processes and restarts. campaign_approvals: who asked,
      // who decided. garbage_reminders_sent: one row per resident and collection day, so a
      // reminder is enqueued exactly once.
      {27, "delivery_schedules", R"SQL(
CREATE TABLE delivery_settings (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
  approval_required BIGINT NOT NULL DEFAULT 0,
  garbage_reminders BIGINT NOT NULL DEFAULT 0,
  garbage_reminder_time TEXT NOT NULL DEFAULT '19:00',
  garbage_area_attribute TEXT NOT NULL DEFAULT 'garbage_area',
  garbage_time_attribute TEXT NOT NULL DEFAULT 'garbage_reminder_time',
  updated_at BIGINT NOT NULL
);
CREATE TABLE campaign_timings (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT NOT NULL PRIMARY KEY REFERENCES campaigns(id),
  timing TEXT NOT NULL,
  next_run_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX campaign_timings_due ON campaign_timings(next_run_at) WHERE next_run_at IS NOT NULL;
CREATE TABLE campaign_occurrences (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  occurrence_key TEXT NOT NULL,
  occurrence_at BIGINT NOT NULL,
  delivery_id BIGINT,
  recipients BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id, occurrence_key)
);
CREATE TABLE campaign_approvals (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  requested_by BIGINT NOT NULL,
  requested_at BIGINT NOT NULL,
  decision TEXT NOT NULL DEFAULT 'pending',
  decided_by BIGINT,
  decided_at BIGINT,
  reason TEXT
);
CREATE INDEX campaign_approvals_campaign ON campaign_approvals(tenant_id, campaign_id, id);
CREATE INDEX campaign_approvals_pending ON campaign_approvals(tenant_id, id) WHERE decision = 'pending';
CREATE TABLE garbage_reminders_sent (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL,
  collection_day TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, resident_id, collection_day)
)
)SQL"},
      // Emergency sends (issue 13): campaigns whose multicast batches go ahead of every other
      // queued batch (line_outbox.priority, set from line_campaign_priority when a batch is
      // written), the per-tenant tokens alert systems trigger them with (SHA-256 only), and
      // one row per send with its idempotency key.
      {28, "emergency_sends", R"SQL(
ALTER TABLE line_outbox ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
DROP INDEX line_outbox_multicast_due;
CREATE INDEX line_outbox_multicast_due ON line_outbox(priority DESC, id) WHERE status IN ('pending', 'sending') AND recipients IS NOT NULL;
CREATE TABLE line_campaign_priority (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT NOT NULL,
  priority BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, campaign_id)
);
CREATE TABLE emergency_tokens (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  label TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  hint TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX emergency_tokens_tenant ON emergency_tokens(tenant_id, id);
CREATE TABLE emergency_sends (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT REFERENCES campaigns(id),
  idempotency_key TEXT,
  source TEXT NOT NULL,
  token_id BIGINT,
  districts TEXT NOT NULL DEFAULT '[]',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX emergency_sends_tenant ON emergency_sends(tenant_id, id)
)SQL"},
      // FAQ chatbot (issue 14): the town's Q&A entries, staff-edited synonyms and the log of
      // residents' questions (what was answered, chosen, resolved; unanswered ones for staff).
      {29, "faq", R"SQL(
CREATE TABLE faq_entries (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  external_id TEXT NOT NULL DEFAULT '',
  question TEXT NOT NULL,
  alternatives TEXT NOT NULL DEFAULT '[]',
  answer TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  valid_from TEXT NOT NULL DEFAULT '',
  valid_until TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX faq_entries_tenant ON faq_entries(tenant_id, updated_at);
CREATE TABLE faq_synonyms (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  words TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX faq_synonyms_tenant ON faq_synonyms(tenant_id);
CREATE TABLE faq_questions (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  channel TEXT NOT NULL,
  question TEXT NOT NULL,
  outcome TEXT NOT NULL,
  entry_id BIGINT,
  score DOUBLE PRECISION NOT NULL DEFAULT 0,
  token TEXT NOT NULL,
  resolved BIGINT,
  handled BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX faq_questions_tenant ON faq_questions(tenant_id, outcome, handled, created_at)
)SQL"},
      // Lottery rounds (抽選) of a resource's slots: the round holds its slots from first-come
      // booking until it is published; applications rank up to three slots; the draw's seed and
      // inputs are kept so anyone can re-run it; wins point at the bookings made on publish.
      {30, "lottery_rounds", R"SQL(
CREATE TABLE lottery_rounds (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  title TEXT NOT NULL,
  opens_at BIGINT NOT NULL,
  closes_at BIGINT NOT NULL,
  max_wins BIGINT NOT NULL DEFAULT 1,
  status TEXT NOT NULL,
  seed TEXT NOT NULL DEFAULT '',
  draw_input TEXT NOT NULL DEFAULT '',
  drawn_at BIGINT,
  published_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX lottery_rounds_tenant ON lottery_rounds(tenant_id, status, id);
CREATE TABLE lottery_round_slots (
  round_id BIGINT NOT NULL REFERENCES lottery_rounds(id),
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resource_id BIGINT NOT NULL REFERENCES resources(id),
  slot_start BIGINT NOT NULL,
  PRIMARY KEY (round_id, slot_start)
);
CREATE INDEX lottery_round_slots_slot ON lottery_round_slots(resource_id, slot_start);
CREATE TABLE lottery_applications (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  round_id BIGINT NOT NULL REFERENCES lottery_rounds(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  party BIGINT NOT NULL,
  choices TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (round_id, resident_id)
);
CREATE TABLE lottery_wins (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  round_id BIGINT NOT NULL REFERENCES lottery_rounds(id),
  application_id BIGINT NOT NULL REFERENCES lottery_applications(id),
  slot_start BIGINT NOT NULL,
  choice_rank BIGINT NOT NULL,
  booking_id BIGINT,
  refused TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lottery_wins_round ON lottery_wins(round_id, application_id)
)SQL"},
      // Booking messages, smart-lock PIN, QR check-in and changes (issue 12). Each booking
      // has a one-time PIN (when its resource has pin_enabled) and a random check-in token the
      // QR code carries; attendance is checked_in_at/by. booking_messages holds one row per
      // (booking, kind) sent, so a confirmation, reminder or change message goes out once even
      // when its job runs again. The reminder is reminder_days_before days before the slot's
      // day at reminder_time (JST); reminder_days_before -1 sends none.
      {31, "booking_checkin", R"SQL(
ALTER TABLE resources ADD COLUMN pin_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN reminder_days_before BIGINT NOT NULL DEFAULT 1;
ALTER TABLE resources ADD COLUMN reminder_time TEXT NOT NULL DEFAULT '18:00';
ALTER TABLE bookings ADD COLUMN pin TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN checkin_token TEXT;
ALTER TABLE bookings ADD COLUMN checked_in_at BIGINT;
ALTER TABLE bookings ADD COLUMN checked_in_by BIGINT;
ALTER TABLE bookings ADD COLUMN changed_to BIGINT;
CREATE UNIQUE INDEX bookings_checkin_token ON bookings(checkin_token);
CREATE TABLE booking_messages (
  booking_id BIGINT NOT NULL REFERENCES bookings(id),
  kind TEXT NOT NULL,
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (booking_id, kind)
)
)SQL"},
      // Fees with exemptions (減免), eligibility and party size per resource (issue 12). The
      // fee and the exemption are stored on the booking as charged, so a later change of the
      // resource's fee does not rewrite what a resident was told.
      {32, "reservation_fees_eligibility", R"SQL(
ALTER TABLE resources ADD COLUMN fee_per_slot BIGINT NOT NULL DEFAULT 0;
ALTER TABLE resources ADD COLUMN exemptions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE resources ADD COLUMN eligibility TEXT NOT NULL DEFAULT 'everyone';
ALTER TABLE resources ADD COLUMN eligibility_segment_id BIGINT;
ALTER TABLE resources ADD COLUMN party_min BIGINT NOT NULL DEFAULT 1;
ALTER TABLE resources ADD COLUMN party_max BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN fee BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN exemption TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN exemption_label TEXT NOT NULL DEFAULT ''
)SQL"},
      // Segment delivery tracking and rich menus per segment (issue 13). campaign_links: the
      // links of a campaign sent with click tracking; link_clicks: one row per recipient and
      // link, keyed by the SHA-256 of the random token in its /r/{token} URL. resident_blocks:
      // when LINE residents blocked the account (unfollow), for the block rate after a
      // delivery. rich_menu_segment_rules: which saved segment sees which menu (first match; a
      // rule whose segment was deleted is skipped, so deleting a segment is never blocked).
      {33, "click_tracking_menu_rules", R"SQL(
CREATE TABLE campaign_links (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
  position BIGINT NOT NULL,
  url TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, campaign_id, position)
);
CREATE TABLE link_clicks (
  token_hash TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  campaign_id BIGINT NOT NULL,
  link_id BIGINT NOT NULL REFERENCES campaign_links(id),
  resident_id BIGINT NOT NULL,
  clicks BIGINT NOT NULL DEFAULT 0,
  first_clicked_at BIGINT,
  last_clicked_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX link_clicks_campaign ON link_clicks(tenant_id, campaign_id, link_id);
CREATE TABLE resident_blocks (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL,
  blocked_at BIGINT NOT NULL
);
CREATE INDEX resident_blocks_tenant ON resident_blocks(tenant_id, blocked_at);
-- A condition's EXISTS probe per resident (residents/condition.cpp) reads (resident_id, attr_key)
-- and then the value: with the value in the index the probe never visits the table row, which
-- cut a segment's evaluation over 1,000,000 residents by about a third (bench/segment_1m).
-- It replaces the narrower index it extends.
CREATE INDEX resident_attributes_probe ON resident_attributes(resident_id, attr_key, tenant_id, text_value, date_value, number_value);
DROP INDEX resident_attributes_resident;
CREATE TABLE rich_menu_segment_rules (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  position BIGINT NOT NULL,
  segment_id BIGINT NOT NULL,
  menu_name TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, position)
)
)SQL"},
      // Hand-off to staff (issue 14): a resident's conversation with a department's staff,
      // its messages (the transcript, kept with the resident), the tenant's staffed hours and
      // the LINE bot's memory of a resident's recent FAQ questions (two failures → offer).
      {34, "handoff", R"SQL(
CREATE TABLE handoff_conversations (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  channel TEXT NOT NULL,
  department TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  assignee_id BIGINT,
  recent_questions TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX handoff_conversations_tenant ON handoff_conversations(tenant_id, status, updated_at);
CREATE UNIQUE INDEX handoff_conversations_one_open ON handoff_conversations(tenant_id, resident_id)
  WHERE status <> 'closed';
CREATE TABLE handoff_messages (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  conversation_id BIGINT NOT NULL REFERENCES handoff_conversations(id),
  sender TEXT NOT NULL,
  staff_id BIGINT,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX handoff_messages_conversation ON handoff_messages(tenant_id, conversation_id, id);
CREATE TABLE handoff_hours (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
  weekly TEXT NOT NULL,
  closed_on_holidays BIGINT NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL
);
CREATE TABLE handoff_bot_memory (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  failures BIGINT NOT NULL DEFAULT 0,
  recent_questions TEXT NOT NULL DEFAULT '[]',
  department TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, resident_id)
)
)SQL"},
      // FAQ passages (issue 14): text of the town's web pages, split at headings, each with its
      // source link; they join the FAQ index (negative ids) and are replaced on re-import.
      {35, "faq_passages", R"SQL(
CREATE TABLE faq_passages (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  source_url TEXT NOT NULL,
  page_title TEXT NOT NULL DEFAULT '',
  heading TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  position BIGINT NOT NULL,
  imported_at BIGINT NOT NULL
);
CREATE INDEX faq_passages_tenant ON faq_passages(tenant_id, source_url, position)
)SQL"},
      // Generative FAQ answers (issue 14): the tenant's switch (default off) and one row per
      // model call: outcome, latency and token counts, never the question or the answer.
      {36, "faq_generative", R"SQL(
CREATE TABLE faq_generative (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
  enabled BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE TABLE faq_generations (
  id {{pk}},
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  question_id BIGINT NOT NULL,
  ok BIGINT NOT NULL,
  failure TEXT NOT NULL DEFAULT '',
  status BIGINT NOT NULL DEFAULT 0,
  latency_ms BIGINT NOT NULL,
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX faq_generations_tenant ON faq_generations(tenant_id, created_at)
)SQL"},
      // Segment delivery at 1,000,000 residents (issue 13): a campaign's audience is evaluated
      // ONCE, when it is queued, into campaign_audience (one INSERT ... SELECT; targeted and
      // blocked are counted from it); the fan-out then reads its batches from here by primary
      // key instead of evaluating the condition again per batch. Rows go when the fan-out ends.
      // channel: 'line' and 'web' (active residents), 'blocked' (blocked LINE, counted only).
      {38, "campaign_audience", R"SQL(
CREATE TABLE campaign_audience (
  tenant_id BIGINT NOT NULL,
  campaign_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  resident_id BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, channel, resident_id)
);
ALTER TABLE campaigns ADD COLUMN audience_frozen BIGINT NOT NULL DEFAULT 0
)SQL"},
      // Generative FAQ answers on LINE are written by a job after the event (faq_reply.h): one
      // model call logged per question, so a retried job never sends its answer twice. The
      // FAQ statistics (faq/stats.h) read the question log by period.
      {39, "faq_line_stats", R"SQL(
CREATE UNIQUE INDEX faq_generations_question ON faq_generations(tenant_id, question_id);
CREATE INDEX faq_questions_day ON faq_questions(tenant_id, created_at)
)SQL"},
      // Flow tests of the service builder (issue 11): the scripted answers and expected outcomes
      // staff write for a service, one JSON list per service, run against its draft.
      {40, "service_flow_tests", R"SQL(
CREATE TABLE service_flow_tests (
  tenant_id BIGINT NOT NULL REFERENCES tenants(id),
  service_id BIGINT NOT NULL REFERENCES services(id),
  tests TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT,
  PRIMARY KEY (tenant_id, service_id)
)
)SQL"},
      // Hand-offs linked to the FAQ answer before them (issue 14): the entry (negative: a
      // passage) a resident was last answered with, when that answer was at most 30 minutes
      // before asking for a person (handoff/service.h), for the statistics' per-entry
      // 有人対応へ; the LINE bot remembers its last answer's question-log row. The statistics
      // read hand-offs by the time they started.
      {41, "handoff_faq_entry", R"SQL(
ALTER TABLE handoff_conversations ADD COLUMN faq_entry_id BIGINT;
ALTER TABLE handoff_bot_memory ADD COLUMN last_answer_id BIGINT;
CREATE INDEX handoff_conversations_started ON handoff_conversations(tenant_id, created_at)
)SQL"},
      // The dashboard's counts without scanning (issue 15): per (tenant, department, status)
      // and per tenant, kept by triggers in the transaction of every write to applications and
      // residents, so they cannot drift from the rows whatever code writes them. Filled from the
      // existing rows AFTER the triggers exist: on PostgreSQL CREATE TRIGGER locks the table
      // against writers until this migration commits, so no row is counted twice or missed.
      // Counter rows stay at 0 rather than being deleted (a delete would race an insert).
      // Jobs are counted by status through an index: only pending/running/dead are counted.
      {42,
       "dashboard_counts",
       R"SQL(
CREATE TABLE application_status_counts (
  tenant_id BIGINT NOT NULL,
  department TEXT NOT NULL,
  status TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, department, status)
);
CREATE TABLE resident_counts (
  tenant_id BIGINT PRIMARY KEY,
  n BIGINT NOT NULL
);
CREATE INDEX jobs_tenant_status ON jobs(tenant_id, status)
)SQL",
       {
           // SQLite: one writer at a time, so plain UPSERT/UPDATE statements in triggers.
           R"SQL(CREATE TRIGGER application_counts_insert AFTER INSERT ON applications BEGIN
  INSERT INTO application_status_counts(tenant_id, department, status, n)
  VALUES (NEW.tenant_id, NEW.department, NEW.status, 1)
  ON CONFLICT (tenant_id, department, status) DO UPDATE SET n = n + 1;
END)SQL",
           R"SQL(CREATE TRIGGER application_counts_update
AFTER UPDATE OF tenant_id, department, status ON applications
WHEN OLD.tenant_id IS NOT NEW.tenant_id OR OLD.department IS NOT NEW.department
  OR OLD.status IS NOT NEW.status BEGIN
  UPDATE application_status_counts SET n = n - 1
  WHERE tenant_id = OLD.tenant_id AND department = OLD.department AND status = OLD.status;
  INSERT INTO application_status_counts(tenant_id, department, status, n)
  VALUES (NEW.tenant_id, NEW.department, NEW.status, 1)
  ON CONFLICT (tenant_id, department, status) DO UPDATE SET n = n + 1;
END)SQL",
           R"SQL(CREATE TRIGGER application_counts_delete AFTER DELETE ON applications BEGIN
  UPDATE application_status_counts SET n = n - 1
  WHERE tenant_id = OLD.tenant_id AND department = OLD.department AND status = OLD.status;
END)SQL",
           R"SQL(CREATE TRIGGER resident_counts_insert AFTER INSERT ON residents BEGIN
  INSERT INTO resident_counts(tenant_id, n) VALUES (NEW.tenant_id, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET n = n + 1;
END)SQL",
           R"SQL(CREATE TRIGGER resident_counts_update AFTER UPDATE OF tenant_id ON residents
WHEN OLD.tenant_id IS NOT NEW.tenant_id BEGIN
  UPDATE resident_counts SET n = n - 1 WHERE tenant_id = OLD.tenant_id;
  INSERT INTO resident_counts(tenant_id, n) VALUES (NEW.tenant_id, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET n = n + 1;
END)SQL",
           R"SQL(CREATE TRIGGER resident_counts_delete AFTER DELETE ON residents BEGIN
  UPDATE resident_counts SET n = n - 1 WHERE tenant_id = OLD.tenant_id;
END)SQL",
           kFillApplicationCounts,
           kFillResidentCounts,
       },
       {
           // PostgreSQL: statement-level triggers over transition tables, one upsert of the net
           // change per statement. (Row-level ones updated the same counter row once per row,
           // and PostgreSQL keeps every version of that row until the transaction ends: a
           // 40,000-row UPDATE took 55 s instead of 1 s.) UPSERT is atomic under READ COMMITTED;
           // the rows are written in key order, so two transactions cannot deadlock on them.
           // Transition tables allow one event and no column list per trigger, hence three.
           R"SQL(CREATE FUNCTION application_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO application_status_counts AS c (tenant_id, department, status, n)
    SELECT tenant_id, department, status, COUNT(*) FROM new_rows
    GROUP BY tenant_id, department, status ORDER BY tenant_id, department, status
    ON CONFLICT (tenant_id, department, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO application_status_counts AS c (tenant_id, department, status, n)
    SELECT tenant_id, department, status, -COUNT(*) FROM old_rows
    GROUP BY tenant_id, department, status ORDER BY tenant_id, department, status
    ON CONFLICT (tenant_id, department, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  ELSE
    INSERT INTO application_status_counts AS c (tenant_id, department, status, n)
    SELECT tenant_id, department, status, SUM(d) FROM (
      SELECT tenant_id, department, status, 1 AS d FROM new_rows
      UNION ALL SELECT tenant_id, department, status, -1 AS d FROM old_rows) x
    GROUP BY tenant_id, department, status HAVING SUM(d) <> 0
    ORDER BY tenant_id, department, status
    ON CONFLICT (tenant_id, department, status) DO UPDATE SET n = c.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$)SQL",
           R"SQL(CREATE TRIGGER application_counts_insert AFTER INSERT ON applications
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply())SQL",
           R"SQL(CREATE TRIGGER application_counts_update AFTER UPDATE ON applications
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply())SQL",
           R"SQL(CREATE TRIGGER application_counts_delete AFTER DELETE ON applications
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply())SQL",
           R"SQL(CREATE FUNCTION resident_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO resident_counts AS c (tenant_id, n)
    SELECT tenant_id, COUNT(*) FROM new_rows GROUP BY tenant_id ORDER BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE SET n = c.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO resident_counts AS c (tenant_id, n)
    SELECT tenant_id, -COUNT(*) FROM old_rows GROUP BY tenant_id ORDER BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE SET n = c.n + EXCLUDED.n;
  ELSE
    INSERT INTO resident_counts AS c (tenant_id, n)
    SELECT tenant_id, SUM(d) FROM (
      SELECT tenant_id, 1 AS d FROM new_rows UNION ALL SELECT tenant_id, -1 AS d FROM old_rows) x
    GROUP BY tenant_id HAVING SUM(d) <> 0 ORDER BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE SET n = c.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$)SQL",
           R"SQL(CREATE TRIGGER resident_counts_insert AFTER INSERT ON residents
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_apply())SQL",
           R"SQL(CREATE TRIGGER resident_counts_update AFTER UPDATE ON residents
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_apply())SQL",
           R"SQL(CREATE TRIGGER resident_counts_delete AFTER DELETE ON residents
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_apply())SQL",
           kFillApplicationCounts,
           kFillResidentCounts,
       }},
  };
  return list;
}

}  // namespace mg::store
