// The haproxy stand-in: `haproxy [--lab PREFIX] --node NAME --port N [--bind ADDR]`.
//
// A tiny HTTP server that answers every request with the node's name, so probes can tell which
// node holds the VIP. Its executable is called `haproxy` so keepalived's track_process and the
// usual checks see the process name they expect; "--lab PREFIX --node NAME" as the first
// arguments lets track_process (param_match partial) tell apart the nodes of every lab running
// in the shared PID namespace.
//
// It prints "READY <port>" on stdout once it listens and never writes to stdout again (the
// harness stops draining the pipe after that). Degraded modes for fault injection, toggled by
// signals read through a signalfd in the epoll loop:
//   SIGUSR1: answer 503 instead of 200;
//   SIGUSR2: refuse connections (the listener is closed, then reopened on the next SIGUSR2).
// SIGTERM/SIGINT exit 0. One log line per mode change on stderr.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

namespace {

constexpr size_t kMaxRequestBytes = 16 * 1024;

struct Options {
  std::string lab;  // the lab prefix: only there to make the command line unique per lab
  std::string node;
  int port = -1;
  std::string bind = "0.0.0.0";
};

[[noreturn]] void Die(std::string_view what) {
  fmt::print(stderr, "haproxy (viplab stand-in): {}: {}\n", what, std::strerror(errno));
  std::exit(1);
}

class Server {
 public:
  explicit Server(Options options) : options_(std::move(options)) {}

  int Run() {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) Die("epoll_create1");
    SetUpSignals();
    if (!OpenListener()) Die(fmt::format("could not listen on {}:{}", options_.bind, port_));
    // The one and only stdout line; the harness waits for it.
    fmt::print(stdout, "READY {}\n", port_);
    std::fflush(stdout);
    fmt::print(stderr, "{}: listening on {}:{}\n", options_.node, options_.bind, port_);

    epoll_event events[64];
    while (true) {
      const int n = epoll_wait(epoll_fd_, events, 64, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        Die("epoll_wait");
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == signal_fd_) {
          if (!OnSignal()) return 0;
        } else if (fd == listen_fd_) {
          Accept();
        } else {
          OnClient(fd, events[i].events);
        }
      }
    }
  }

 private:
  void SetUpSignals() {
    // A client closing early must not kill the server.
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    for (int signo : {SIGUSR1, SIGUSR2, SIGTERM, SIGINT}) sigaddset(&mask, signo);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) Die("sigprocmask");
    signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signal_fd_ < 0) Die("signalfd");
    Watch(signal_fd_);
  }

  void Watch(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) Die("epoll_ctl");
  }

  bool OpenListener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_ >= 0 ? port_ : options_.port));
    if (inet_pton(AF_INET, options_.bind.c_str(), &addr.sin_addr) != 1) {
      fmt::print(stderr, "haproxy (viplab stand-in): invalid --bind address '{}'\n", options_.bind);
      std::exit(2);
    }
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int one = 1;
    // Reopening after "refuse connections" must not wait for TIME_WAIT sockets.
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0 || listen(fd, 128) < 0) {
      const int err = errno;
      close(fd);
      errno = err;
      return false;
    }
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);  // --port 0 picks a free port; keep it for reopening
    listen_fd_ = fd;
    Watch(listen_fd_);
    return true;
  }

  // Returns false when the server should exit.
  bool OnSignal() {
    signalfd_siginfo info;
    while (read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      switch (info.ssi_signo) {
        case SIGUSR1:
          unavailable_ = !unavailable_;
          fmt::print(stderr, "{}: SIGUSR1: now answering {}\n", options_.node,
                     unavailable_ ? "503" : "200");
          break;
        case SIGUSR2:
          if (listen_fd_ >= 0) {
            close(listen_fd_);  // also removes it from the epoll set
            listen_fd_ = -1;
            fmt::print(stderr, "{}: SIGUSR2: now refusing connections\n", options_.node);
          } else if (OpenListener()) {
            fmt::print(stderr, "{}: SIGUSR2: accepting connections again\n", options_.node);
          } else {
            fmt::print(stderr, "{}: SIGUSR2: could not listen again: {}\n", options_.node,
                       std::strerror(errno));
          }
          break;
        default:
          fmt::print(stderr, "{}: signal {}: exiting\n", options_.node, strsignal(info.ssi_signo));
          return false;
      }
    }
    return true;
  }

  void Accept() {
    while (true) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a connection reset before we got to it
      clients_[fd];
      Watch(fd);
    }
  }

  void OnClient(int fd, uint32_t events) {
    std::string& request = clients_[fd];
    char buf[4096];
    bool eof = (events & (EPOLLERR | EPOLLHUP)) != 0;
    while (true) {
      const ssize_t n = read(fd, buf, sizeof(buf));
      if (n > 0) {
        request.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EINTR)) eof = true;
      if (n < 0 && errno == EINTR) continue;
      break;
    }
    const bool complete = request.find("\r\n\r\n") != std::string::npos ||
                          request.find("\n\n") != std::string::npos ||
                          request.size() > kMaxRequestBytes;
    if (complete) Respond(fd);
    if (complete || eof) {
      close(fd);
      clients_.erase(fd);
    }
  }

  void Respond(int fd) {
    const std::string body = unavailable_ ? fmt::format("{} unavailable\n", options_.node)
                                          : fmt::format("{}\n", options_.node);
    const std::string response = fmt::format(
        "HTTP/1.0 {}\r\nServer: viplab-standin\r\nX-Viplab-Node: {}\r\n"
        "Content-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        unavailable_ ? "503 Service Unavailable" : "200 OK", options_.node, body.size(), body);
    // A fresh socket's send buffer holds this small response in one write.
    (void)!write(fd, response.data(), response.size());
  }

  Options options_;
  int port_ = -1;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  int listen_fd_ = -1;
  bool unavailable_ = false;
  std::map<int, std::string> clients_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"haproxy (viplab stand-in): answers every HTTP request with the node's name"};
  app.add_option("--lab", options.lab, "lab prefix (identifies the process, nothing else)");
  app.add_option("--node", options.node, "node name to answer with")->required();
  app.add_option("--port", options.port, "TCP port")->required()->check(CLI::Range(0, 65535));
  app.add_option("--bind", options.bind, "IPv4 address to listen on")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return Server(std::move(options)).Run();
}
