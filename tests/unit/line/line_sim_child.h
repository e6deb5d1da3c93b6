#pragma once
// A `madoguchi line-sim` child process on a free loopback port, for tests that need the LINE
// platform (MG_LINESIM_BIN, else build/madoguchi of this checkout). Stopped on destruction.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/http_client.h"

namespace mg::line::testing {

inline const std::filesystem::path kRoot =
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();

inline int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(s);
  return port;
}

class LineSimChild {
 public:
  // Empty webhook_url: no webhooks are sent (tests that only call the Messaging API).
  void start(const std::string& webhook_url, const std::string& secret, const std::string& token) {
    int port = free_port();
    base_ = "http://127.0.0.1:" + std::to_string(port);
    const char* bin = std::getenv("MG_LINESIM_BIN");
    std::string exe = bin ? bin : (kRoot / "build" / "madoguchi").string();
    std::string listen = "127.0.0.1:" + std::to_string(port);
    pid_ = ::fork();
    if (pid_ == 0) {
      if (webhook_url.empty())
        ::execl(exe.c_str(), exe.c_str(), "line-sim", "--listen", listen.c_str(),
                "--channel-secret", secret.c_str(), "--access-token", token.c_str(), nullptr);
      else
        ::execl(exe.c_str(), exe.c_str(), "line-sim", "--listen", listen.c_str(), "--webhook-url",
                webhook_url.c_str(), "--channel-secret", secret.c_str(), "--access-token",
                token.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !healthy(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  bool healthy() const {
    http::ClientRequest req;
    req.url = base_ + "/sim/health";
    req.timeout_ms = 1000;
    return http::send(req).status == 200;
  }
  const std::string& base() const { return base_; }
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
  }
  ~LineSimChild() { stop(); }

 private:
  std::string base_;
  pid_t pid_ = 0;
};

}  // namespace mg::line::testing
