#include "core/http_client.h"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/thread_name.h"

namespace mg::http {

namespace {
std::once_flag g_init;

size_t on_body(char* ptr, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * n);
  return size * n;
}

size_t on_header(char* ptr, size_t size, size_t n, void* user) {
  std::string line(ptr, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    static_cast<ClientResponse*>(user)->headers.emplace_back(std::move(name), std::move(value));
  }
  return size * n;
}

// One easy handle per thread keeps connections alive between calls (job workers reuse them).
struct ThreadHandle {
  CURL* h = nullptr;
  ThreadHandle() {
    std::call_once(g_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    h = curl_easy_init();
  }
  ~ThreadHandle() {
    if (h) curl_easy_cleanup(h);
  }
};
// Sets up `h` for `req`; the header list is the caller's to free after the transfer.
curl_slist* configure(CURL* h, const ClientRequest& req, ClientResponse* out) {
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(req.timeout_ms, 5000L));
  if (req.method != "GET" && req.method != "HEAD") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }
  if (req.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  struct curl_slist* hdrs = nullptr;
  hdrs = curl_slist_append(hdrs, "Expect:");
  for (const auto& [k, v] : req.headers) hdrs = curl_slist_append(hdrs, (k + ": " + v).c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out->body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
  return hdrs;
}

void complete(CURL* h, CURLcode rc, ClientResponse& out) {
  if (rc != CURLE_OK) {
    out.status = 0;
    out.error = curl_easy_strerror(rc);
    return;
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  out.status = static_cast<int>(code);
}

ClientResponse not_sent() {
  ClientResponse r;
  r.not_sent = true;
  r.error = "not sent: client stopped";
  return r;
}

}  // namespace

std::string ClientResponse::header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

ClientResponse send(const ClientRequest& req) {
  thread_local ThreadHandle handle;
  ClientResponse out;
  CURL* h = handle.h;
  if (!h) {
    out.error = "curl init failed";
    return out;
  }
  curl_slist* hdrs = configure(h, req, &out);
  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(hdrs);
  complete(h, rc, out);
  return out;
}

// libcurl's multi "socket" interface driven by epoll: curl tells which sockets to watch, so a
// wake-up costs one epoll_wait, not a poll() over every connection (which curl_multi_poll does,
// and which showed as the client thread's main cost in the LINE benchmark).
struct ConcurrentClient::Impl {
  struct Transfer {
    ClientRequest req;  // owns the body curl reads from
    Done done;
    ClientResponse out;
    curl_slist* headers = nullptr;
  };
  using Clock = std::chrono::steady_clock;

  CURLM* multi = nullptr;
  int epfd = -1;
  int wakefd = -1;                            // eventfd: submit() and stop() wake the loop
  std::optional<Clock::time_point> deadline;  // when curl wants socket_action(TIMEOUT)
  int max_in_flight;
  std::mutex mu;
  std::deque<std::unique_ptr<Transfer>> queue;  // submitted, not started
  bool stopping = false;
  std::map<CURL*, std::unique_ptr<Transfer>> active;  // loop thread only
  std::vector<CURL*> spare;                           // easy handles to reuse
  std::thread thread;

  explicit Impl(int max) : max_in_flight(std::max(1, max)) {
    std::call_once(g_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    epfd = ::epoll_create1(EPOLL_CLOEXEC);
    wakefd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!multi || epfd < 0 || wakefd < 0) throw std::runtime_error("http client: init failed");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wakefd;
    ::epoll_ctl(epfd, EPOLL_CTL_ADD, wakefd, &ev);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    thread = std::thread([this] {
      name_this_thread("mg-http-client");
      loop();
    });
  }

  ~Impl() {
    for (CURL* h : spare) curl_easy_cleanup(h);
    if (multi) curl_multi_cleanup(multi);
    if (epfd >= 0) ::close(epfd);
    if (wakefd >= 0) ::close(wakefd);
  }

  void wake() {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakefd, &one, sizeof one);
  }

  static int on_socket(CURL*, curl_socket_t s, int what, void* self_ptr, void*) {
    auto* self = static_cast<Impl*>(self_ptr);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(self->epfd, EPOLL_CTL_DEL, s, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = s;
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    if (::epoll_ctl(self->epfd, EPOLL_CTL_MOD, s, &ev) != 0)
      ::epoll_ctl(self->epfd, EPOLL_CTL_ADD, s, &ev);
    return 0;
  }

  static int on_timer(CURLM*, long ms, void* self_ptr) {
    auto* self = static_cast<Impl*>(self_ptr);
    if (ms < 0)
      self->deadline.reset();
    else
      self->deadline = Clock::now() + std::chrono::milliseconds(ms);
    return 0;
  }

  void start(std::unique_ptr<Transfer> t) {
    CURL* h = nullptr;
    if (!spare.empty()) {
      h = spare.back();
      spare.pop_back();
    } else {
      h = curl_easy_init();
    }
    if (!h) {
      t->out.error = "curl init failed";
      t->done(std::move(t->out));
      return;
    }
    t->headers = configure(h, t->req, &t->out);
    curl_multi_add_handle(multi, h);
    active.emplace(h, std::move(t));
  }

  void finish(CURL* h, CURLcode rc) {
    auto it = active.find(h);
    if (it == active.end()) return;
    auto t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi, h);
    curl_slist_free_all(t->headers);
    complete(h, rc, t->out);
    spare.push_back(h);
    t->done(std::move(t->out));
  }

  // Returns whether a transfer finished (a slot is free).
  bool reap() {
    bool finished = false;
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left))
      if (m->msg == CURLMSG_DONE) {
        finish(m->easy_handle, m->data.result);
        finished = true;
      }
    return finished;
  }

  void loop() {
    std::array<epoll_event, 64> events{};
    bool free_slot = false;
    for (;;) {
      std::vector<std::unique_ptr<Transfer>> starting;
      {
        std::lock_guard lock(mu);
        if (stopping && active.empty()) return;
        while (!stopping && !queue.empty() &&
               active.size() + starting.size() < static_cast<size_t>(max_in_flight)) {
          starting.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      for (auto& t : starting) {
        if (t->req.may_start && !t->req.may_start()) {
          auto r = not_sent();
          r.error = "not sent: refused at start";
          t->done(std::move(r));
          continue;
        }
        start(std::move(t));
      }
      int wait_ms = 1000;
      if (deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
        wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1000));
      }
      if (free_slot) wait_ms = 0;  // queued requests may be waiting for the slot just freed
      int n = ::epoll_wait(epfd, events.data(), static_cast<int>(events.size()), wait_ms);
      int running = 0;
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == wakefd) {
          uint64_t v = 0;
          [[maybe_unused]] auto r = ::read(wakefd, &v, sizeof v);
          continue;
        }
        int flags = 0;
        if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi, fd, flags, &running);
      }
      if (deadline && Clock::now() >= *deadline) {
        deadline.reset();
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      free_slot = reap();
    }
  }
};

ConcurrentClient::ConcurrentClient(int max_in_flight)
    : impl_(std::make_unique<Impl>(max_in_flight)) {}

ConcurrentClient::~ConcurrentClient() { stop(); }

void ConcurrentClient::submit(ClientRequest req, Done done) {
  auto t = std::make_unique<Impl::Transfer>();
  t->req = std::move(req);
  t->done = std::move(done);
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->stopping) {
      impl_->queue.push_back(std::move(t));
      t = nullptr;
    }
  }
  if (t) {
    t->done(not_sent());
    return;
  }
  impl_->wake();
}

void ConcurrentClient::stop() {
  std::deque<std::unique_ptr<Impl::Transfer>> unstarted;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    unstarted.swap(impl_->queue);
  }
  impl_->wake();
  if (impl_->thread.joinable()) impl_->thread.join();
  for (auto& t : unstarted) {
    t->done(not_sent());
  }
}

}  // namespace mg::http
