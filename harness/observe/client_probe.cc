#include "harness/observe/client_probe.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "netns/error.h"
#include "netns/network_namespace.h"

namespace viplab {
namespace {

constexpr size_t kMaxInFlight = 64;

struct Attempt {
  UniqueFd fd;
  TimePoint start;
  bool connected = false;
  std::string response;
};

// "HTTP/1.0 200 OK\r\n...\r\n\r\nlb2\n" -> "lb2"; empty when not a 200 answer.
std::string NodeFromResponse(const std::string& response, std::string& error) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) {
    error = response.empty() ? "closed without an answer" : "not an HTTP answer";
    return {};
  }
  if (response.compare(9, 3, "200") != 0) {
    error = fmt::format("HTTP {}", response.substr(9, 3));
    return {};
  }
  auto body = response.find("\r\n\r\n");
  if (body == std::string::npos) {
    error = "truncated HTTP answer";
    return {};
  }
  std::string node = response.substr(body + 4);
  while (!node.empty() && (node.back() == '\n' || node.back() == '\r')) node.pop_back();
  if (node.empty()) error = "empty HTTP body";
  return node;
}

}  // namespace

ClientProbe::ClientProbe(const NetworkNamespace& client_ns, Ipv4Address vip, int port,
                         Timeline& timeline, std::chrono::milliseconds period,
                         std::chrono::milliseconds timeout)
    : ns_fd_(client_ns.fd()),
      vip_(vip),
      port_(port),
      timeline_(timeline),
      period_(period),
      timeout_(timeout),
      stop_fd_(static_cast<int>(
          CheckErrno(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "could not create an eventfd"))) {}

ClientProbe::~ClientProbe() {
  try {
    Stop();
  } catch (...) {
    // A probe failure was already reported (or the run is unwinding for another reason).
  }
}

void ClientProbe::Start() {
  thread_ = std::thread([this] {
    try {
      Run();
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
  });
}

void ClientProbe::Stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  (void)!::write(stop_fd_.get(), &one, sizeof one);
  thread_.join();
  std::lock_guard lock(mutex_);
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

std::vector<ProbeSample> ClientProbe::Samples() const {
  std::lock_guard lock(mutex_);
  auto samples = samples_;
  std::sort(samples.begin(), samples.end(),
            [](const ProbeSample& a, const ProbeSample& b) { return a.start < b.start; });
  return samples;
}

void ClientProbe::Run() {
  CheckErrno(::setns(ns_fd_, CLONE_NEWNET), "client probe could not join the client namespace");
  UniqueFd epoll(static_cast<int>(CheckErrno(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")));
  UniqueFd timer(static_cast<int>(
      CheckErrno(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), "timerfd_create")));
  const auto period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(period_).count();
  itimerspec spec{};
  spec.it_interval.tv_sec = period_ns / 1000000000;
  spec.it_interval.tv_nsec = period_ns % 1000000000;
  spec.it_value = spec.it_interval;
  spec.it_value.tv_nsec += spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0 ? 1 : 0;
  CheckErrno(::timerfd_settime(timer.get(), 0, &spec, nullptr), "timerfd_settime");

  auto add = [&](int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    CheckErrno(::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &ev), "epoll_ctl");
  };
  add(timer.get(), EPOLLIN);
  add(stop_fd_.get(), EPOLLIN);

  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port_));
  target.sin_addr = vip_.ToInAddr();
  const std::string request = fmt::format(
      "GET / HTTP/1.0\r\nHost: {}\r\nUser-Agent: viplab-probe\r\n\r\n", vip_.ToString());

  std::map<int, Attempt> in_flight;

  auto finish = [&](int fd, bool ok, std::string node, std::string error) {
    auto it = in_flight.find(fd);
    if (it == in_flight.end()) return;
    ProbeSample sample{it->second.start, Now(), ok, std::move(node), std::move(error)};
    in_flight.erase(it);  // closes the socket (and removes it from epoll)
    const std::string seen = sample.ok ? "served by " + sample.node : "failed: " + sample.error;
    if (seen != last_seen_) {
      last_seen_ = seen;
      timeline_.Add("client", event_kind::kClient, seen, sample.start);
    }
    std::lock_guard lock(mutex_);
    samples_.push_back(std::move(sample));
  };

  auto start_probe = [&] {
    if (in_flight.size() >= kMaxInFlight) return;
    const TimePoint start = Now();
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw SystemError::FromErrno(errno, "client probe could not create a socket");
    Attempt attempt{UniqueFd(fd), start, false, {}};
    int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target);
    if (rc < 0 && errno != EINPROGRESS) {
      const int err = errno;
      in_flight.emplace(fd, std::move(attempt));
      finish(fd, false, {}, std::strerror(err));
      return;
    }
    in_flight.emplace(fd, std::move(attempt));
    add(fd, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
  };

  auto on_socket = [&](int fd, uint32_t events) {
    auto it = in_flight.find(fd);
    if (it == in_flight.end()) return;
    Attempt& a = it->second;
    if (!a.connected) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return finish(fd, false, {}, std::strerror(err));
      if (!(events & EPOLLOUT)) return;
      a.connected = true;
      if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
        return finish(fd, false, {}, fmt::format("send: {}", std::strerror(errno)));
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.fd = fd;
      ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, fd, &ev);
      return;
    }
    char buffer[1024];
    while (true) {
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        a.response.append(buffer, static_cast<size_t>(n));
        if (a.response.size() > 65536) return finish(fd, false, {}, "answer too long");
        continue;
      }
      if (n == 0) {
        std::string error;
        std::string node = NodeFromResponse(a.response, error);
        return finish(fd, !node.empty(), node, error);
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      return finish(fd, false, {}, std::strerror(errno));
    }
  };

  epoll_event events[64];
  while (true) {
    int n = ::epoll_wait(epoll.get(), events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError::FromErrno(errno, "client probe epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_.get()) return;
      if (fd == timer.get()) {
        uint64_t expirations = 0;
        (void)!::read(fd, &expirations, sizeof expirations);
        const TimePoint now = Now();
        std::vector<int> expired;
        for (const auto& [sock, attempt] : in_flight) {
          if (now - attempt.start >= timeout_) expired.push_back(sock);
        }
        for (int sock : expired) {
          finish(sock, false, {},
                 in_flight[sock].connected ? "timeout waiting for the answer" : "connect timeout");
        }
        start_probe();
        continue;
      }
      on_socket(fd, events[i].events);
    }
  }
}

}  // namespace viplab
