#include "channels/line/resident_notice.h"

#include "applications/model.h"
#include "channels/line/outbox.h"
#include "channels/line/renderer.h"

namespace mg::line {

void notify_resident(store::Db& db, applications::ChatService& chat, const jobs::Job& job) {
  if (!job.tenant_id || !job.payload.is_object()) throw jobs::PermanentFailure("bad payload");
  int64_t tenant = *job.tenant_id;
  int64_t app_id = job.payload.value("application_id", int64_t{0});
  std::string kind = job.payload.value("kind", "");
  db.write([&](store::Tx& tx) {
    auto a = tx.one(
        "SELECT a.receipt_number, s.title, a.status, r.channel, r.external_id, r.status, "
        "a.resident_id FROM applications a JOIN services s ON s.id = a.service_id JOIN residents "
        "r ON r.id = a.resident_id WHERE a.tenant_id = ? AND a.id = ?",
        {tenant, app_id});
    if (!a) throw jobs::PermanentFailure("application not found");
    if (a->str(3) != "line" || a->str(5) == "blocked") return;
    std::string head = "受付番号 " + a->str(0) + "（" + a->str(1) + "）";
    OutgoingMessages out;
    out.tenant_id = tenant;
    out.user_id = a->str(4);
    if (kind == "status") {
      std::string label = applications::status_label(job.payload.value("status", a->str(2)));
      out.messages = Json::array(
          {{{"type", "text"}, {"text", head + "の状態が「" + label + "」になりました。"}}});
    } else if (kind == "correction") {
      auto c = tx.one(
          "SELECT reason FROM corrections WHERE tenant_id = ? AND application_id = ? ORDER BY id "
          "DESC LIMIT 1",
          {tenant, app_id});
      out.messages = Json::array({{{"type", "text"},
                                   {"text", head + "について、内容の修正をお願いします。\n理由: " +
                                                (c ? c->str(0) : std::string())}}});
      auto turn = chat.resume(tx, tenant, a->i64(6), job.payload.value("session_id", ""));
      for (const auto& m : render_prompts(turn.prompts)) out.messages.push_back(m);
    } else {
      throw jobs::PermanentFailure("unknown notice kind " + kind);
    }
    enqueue_messages(tx, out);
  });
}

}  // namespace mg::line
