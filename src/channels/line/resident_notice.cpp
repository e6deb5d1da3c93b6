#include "channels/line/resident_notice.h"

#include "applications/model.h"

namespace mg::line {

messaging::Message status_message(const std::string& tenant_code, const std::string& head,
                                  const std::string& status_label, int64_t application_id) {
  messaging::Message m;
  m.kind = "status";
  m.title = "申請の状態が変わりました";
  m.text = head + "の状態が「" + status_label + "」になりました。";
  m.link = "/t/" + tenant_code + "/my";
  m.application_id = application_id;
  return m;
}

messaging::Message correction_message(const std::string& tenant_code, const std::string& head,
                                      const std::string& reason, int64_t application_id,
                                      int64_t correction_id, const std::string& session_id) {
  messaging::Message m;
  m.kind = "correction";
  m.title = "申請内容の修正のお願い";
  m.text = head + "について、内容の修正をお願いします。\n理由: " + reason;
  // The web correction page (申請した手続き → 修正); LINE continues the dialog instead.
  if (correction_id)
    m.link = "/t/" + tenant_code + "/my/correction/" + std::to_string(correction_id);
  m.application_id = application_id;
  m.resume_session = session_id;
  return m;
}

void notify_resident(store::Db& db, const messaging::Dispatch& messengers, const jobs::Job& job) {
  if (!job.tenant_id || !job.payload.is_object()) throw jobs::PermanentFailure("bad payload");
  int64_t tenant = *job.tenant_id;
  int64_t app_id = job.payload.value("application_id", int64_t{0});
  std::string kind = job.payload.value("kind", "");
  if (kind != "status" && kind != "correction")
    throw jobs::PermanentFailure("unknown notice kind " + kind);
  db.write([&](store::Tx& tx) {
    auto a = tx.one(
        "SELECT a.receipt_number, s.title, a.status, a.resident_id, t.code FROM applications a "
        "JOIN services s ON s.id = a.service_id JOIN tenants t ON t.id = a.tenant_id WHERE "
        "a.tenant_id = ? AND a.id = ?",
        {tenant, app_id});
    if (!a) throw jobs::PermanentFailure("application not found");
    std::string head = "受付番号 " + a->str(0) + "（" + a->str(1) + "）";
    messaging::Message m;
    if (kind == "status") {
      m = status_message(a->str(4), head,
                         applications::status_label(job.payload.value("status", a->str(2))),
                         app_id);
    } else {
      auto c = tx.one(
          "SELECT id, reason FROM corrections WHERE tenant_id = ? AND application_id = ? ORDER BY "
          "id DESC LIMIT 1",
          {tenant, app_id});
      m = correction_message(a->str(4), head, c ? c->str(1) : std::string(), app_id,
                             c ? c->i64(0) : 0, job.payload.value("session_id", ""));
    }
    messengers.send(tx, tenant, a->i64(3), m);
  });
}

}  // namespace mg::line
