#pragma once
// Works through line_events in batches, per resident in timestamp order, apart from the
// webhook request. A batch costs one read transaction (the next pending events) and one write
// transaction that claims each event (still pending?), runs its chat turn and writes its
// outbox rows and final status, with a savepoint per event.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "applications/chat.h"
#include "channels/line/desk.h"
#include "channels/line/dispatcher.h"
#include "services/catalog.h"
#include "store/db.h"

namespace mg::line {

class EventProcessor {
 public:
  EventProcessor(store::Db& db, applications::ChatService& chat, services::Catalog& catalog,
                 std::function<void()> outbox_written, size_t batch = 128);
  ~EventProcessor();
  EventProcessor(const EventProcessor&) = delete;
  EventProcessor& operator=(const EventProcessor&) = delete;

  void start();
  void stop();
  void wake();
  // Processes one batch on the calling thread; returns how many events it handled (tests).
  int run_once();
  // Answers go straight to this dispatcher's senders when it can take them (see
  // Dispatcher::enqueue_claimed); set before start().
  void send_through(Dispatcher* dispatcher) { dispatcher_ = dispatcher; }
  // Free text outside a dialog is answered from the FAQ; set before start().
  void use_faq(faq::FaqService* faq) { desk_.use_faq(faq); }
  // Called after a batch that enqueued jobs committed (the job runner's wake); set before
  // start().
  void on_jobs_written(std::function<void()> fn) { jobs_written_ = std::move(fn); }

 private:
  void loop();

  store::Db& db_;
  services::Catalog& catalog_;
  Desk desk_;
  std::function<void()> outbox_written_;
  std::function<void()> jobs_written_;
  Dispatcher* dispatcher_ = nullptr;
  size_t batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wake_seq_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace mg::line
