// viplab-check: the health check keepalived's vrrp_script runs inside a node.
//
//   viplab-check http HOST PORT [--timeout-ms N]   exit 0 iff an "HTTP/1.x 200" status line
//                                                  arrives within the timeout (default 500 ms)
//   viplab-check tcp HOST PORT [--timeout-ms N]    exit 0 iff the TCP connect succeeds in time
//
// Exit 1 on a failed check (reason on stderr), 2 on bad usage. One deadline covers connect, send
// and receive; every wait is a poll() bounded by what is left of it.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Usage(std::string_view why) {
  fmt::print(stderr, "viplab-check: {}\n", why);
  fmt::print(stderr, "usage: viplab-check http|tcp HOST PORT [--timeout-ms N]\n");
  std::exit(2);
}

[[noreturn]] void Fail(std::string_view why) {
  fmt::print(stderr, "viplab-check: {}\n", why);
  std::exit(1);
}

long ParseNumber(const char* text, long min, long max, std::string_view what) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || value < min || value > max) {
    Usage(fmt::format("invalid {} '{}'", what, text));
  }
  return value;
}

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd pfd{fd, events, 0};
    const int n = poll(&pfd, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) Fail(fmt::format("poll: {}", std::strerror(errno)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) Usage("missing arguments");
  const std::string_view mode = argv[1];
  if (mode != "http" && mode != "tcp") Usage(fmt::format("unknown mode '{}'", mode));
  const char* host = argv[2];
  const long port = ParseNumber(argv[3], 1, 65535, "port");
  long timeout_ms = 500;
  for (int i = 4; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--timeout-ms" && i + 1 < argc) {
      timeout_ms = ParseNumber(argv[++i], 1, 3600 * 1000, "timeout");
    } else {
      Usage(fmt::format("unknown argument '{}'", argv[i]));
    }
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    Usage(fmt::format("HOST must be an IPv4 address, got '{}'", host));
  }

  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) Fail(fmt::format("socket: {}", std::strerror(errno)));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) < 0) {
    if (errno != EINPROGRESS) Fail(fmt::format("connect: {}", std::strerror(errno)));
    if (!WaitFor(fd, POLLOUT, deadline)) Fail("connect timed out");
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) Fail(fmt::format("connect: {}", std::strerror(err)));
  }
  if (mode == "tcp") return 0;

  const std::string request =
      fmt::format("GET / HTTP/1.0\r\nHost: {}:{}\r\nUser-Agent: viplab-check\r\n\r\n", host, port);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      if (!WaitFor(fd, POLLOUT, deadline)) Fail("send timed out");
    } else if (n < 0 && errno != EINTR) {
      Fail(fmt::format("send: {}", std::strerror(errno)));
    }
  }

  // Only the status line matters.
  std::string response;
  while (response.find('\n') == std::string::npos) {
    char buf[512];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n > 0) {
      response.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno == EAGAIN) {
      if (!WaitFor(fd, POLLIN, deadline)) Fail("no response within the timeout");
    } else if (errno != EINTR) {
      Fail(fmt::format("recv: {}", std::strerror(errno)));
    }
  }
  close(fd);
  const std::string status_line = response.substr(0, response.find_first_of("\r\n"));
  // "HTTP/1.0 200 OK": the code is the second field; the reason phrase may be absent.
  const size_t space = status_line.find(' ');
  if (status_line.rfind("HTTP/", 0) == 0 && space != std::string::npos &&
      status_line.compare(space + 1, 3, "200") == 0 &&
      (status_line.size() == space + 4 || status_line[space + 4] == ' ')) {
    return 0;
  }
  Fail(fmt::format("unexpected status line '{}'", status_line));
}
