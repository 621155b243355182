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
#include <functional>
#include <map>

#include "harness/model/scenario.h"
#include "netns/error.h"
#include "netns/network_namespace.h"

namespace viplab {
namespace {

constexpr size_t kMaxInFlight = 64;

struct Attempt {
  UniqueFd fd;
  TimePoint start;
  size_t target = 0;  // ProbeLoop::targets_ index
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

// The probe thread's loop: one epoll over each VIP's period timer, the stop eventfd and the
// sockets of the attempts in flight. Every period of a VIP it times out that VIP's stale attempts
// and starts one more; each finished attempt goes to `record`. Built on the probe thread, after it
// joined the namespace.
class ProbeLoop {
 public:
  ProbeLoop(const std::vector<Ipv4Address>& vips, int port, std::chrono::milliseconds period,
            std::chrono::milliseconds timeout, int stop_fd,
            std::function<void(ProbeSample)> record);
  void Run();  // returns when stop_fd becomes readable

 private:
  struct Target {
    std::string vip;  // "10.77.0.200"
    sockaddr_in address{};
    std::string request;
    UniqueFd timer;
    size_t in_flight = 0;
  };
  void Add(int fd, uint32_t events);
  void Finish(int fd, bool ok, std::string node, std::string error);
  void StartProbe(size_t target);
  void OnSocket(int fd, uint32_t events);
  void OnTimer(size_t target);

  std::chrono::milliseconds timeout_;
  int stop_fd_;
  std::function<void(ProbeSample)> record_;
  UniqueFd epoll_;
  std::vector<Target> targets_;
  std::map<int, size_t> timers_;  // timer fd -> target
  std::map<int, Attempt> in_flight_;
};

ProbeLoop::ProbeLoop(const std::vector<Ipv4Address>& vips, int port,
                     std::chrono::milliseconds period, std::chrono::milliseconds timeout,
                     int stop_fd, std::function<void(ProbeSample)> record)
    : timeout_(timeout),
      stop_fd_(stop_fd),
      record_(std::move(record)),
      epoll_(static_cast<int>(CheckErrno(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1"))) {
  const auto period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(period).count();
  itimerspec spec{};
  spec.it_interval.tv_sec = period_ns / 1000000000;
  spec.it_interval.tv_nsec = period_ns % 1000000000;
  spec.it_value = spec.it_interval;
  spec.it_value.tv_nsec += spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0 ? 1 : 0;
  targets_.resize(vips.size());
  for (size_t i = 0; i < vips.size(); ++i) {
    Target& t = targets_[i];
    t.vip = vips[i].ToString();
    t.address.sin_family = AF_INET;
    t.address.sin_port = htons(static_cast<uint16_t>(port));
    t.address.sin_addr = vips[i].ToInAddr();
    t.request =
        fmt::format("GET / HTTP/1.0\r\nHost: {}\r\nUser-Agent: viplab-probe\r\n\r\n", t.vip);
    t.timer = UniqueFd(static_cast<int>(CheckErrno(
        ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), "timerfd_create")));
    CheckErrno(::timerfd_settime(t.timer.get(), 0, &spec, nullptr), "timerfd_settime");
    timers_[t.timer.get()] = i;
    Add(t.timer.get(), EPOLLIN);
  }
  Add(stop_fd_, EPOLLIN);
}

void ProbeLoop::Add(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  CheckErrno(::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev), "epoll_ctl");
}

void ProbeLoop::Finish(int fd, bool ok, std::string node, std::string error) {
  auto it = in_flight_.find(fd);
  if (it == in_flight_.end()) return;
  Target& target = targets_[it->second.target];
  ProbeSample sample{it->second.start, Now(), ok, std::move(node), std::move(error), target.vip};
  --target.in_flight;
  in_flight_.erase(it);  // closes the socket (and removes it from epoll)
  record_(std::move(sample));
}

void ProbeLoop::StartProbe(size_t index) {
  Target& target = targets_[index];
  if (target.in_flight >= kMaxInFlight) return;
  const TimePoint start = Now();
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SystemError::FromErrno(errno, "client probe could not create a socket");
  Attempt attempt{UniqueFd(fd), start, index, false, {}};
  ++target.in_flight;
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&target.address), sizeof target.address);
  if (rc < 0 && errno != EINPROGRESS) {
    const int err = errno;
    in_flight_.emplace(fd, std::move(attempt));
    Finish(fd, false, {}, std::strerror(err));
    return;
  }
  in_flight_.emplace(fd, std::move(attempt));
  Add(fd, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
}

void ProbeLoop::OnSocket(int fd, uint32_t events) {
  auto it = in_flight_.find(fd);
  if (it == in_flight_.end()) return;
  Attempt& a = it->second;
  if (!a.connected) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return Finish(fd, false, {}, std::strerror(err));
    if (!(events & EPOLLOUT)) return;
    a.connected = true;
    const std::string& request = targets_[a.target].request;
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return Finish(fd, false, {}, fmt::format("send: {}", std::strerror(errno)));
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev);
    return;
  }
  char buffer[1024];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      a.response.append(buffer, static_cast<size_t>(n));
      if (a.response.size() > 65536) return Finish(fd, false, {}, "answer too long");
      continue;
    }
    if (n == 0) {
      std::string error;
      std::string node = NodeFromResponse(a.response, error);
      return Finish(fd, !node.empty(), node, error);
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    return Finish(fd, false, {}, std::strerror(errno));
  }
}

void ProbeLoop::OnTimer(size_t target) {
  uint64_t expirations = 0;
  (void)!::read(targets_[target].timer.get(), &expirations, sizeof expirations);
  const TimePoint now = Now();
  std::vector<int> expired;
  for (const auto& [sock, attempt] : in_flight_) {
    if (attempt.target == target && now - attempt.start >= timeout_) expired.push_back(sock);
  }
  for (int sock : expired) {
    Finish(sock, false, {},
           in_flight_[sock].connected ? "timeout waiting for the answer" : "connect timeout");
  }
  StartProbe(target);
}

void ProbeLoop::Run() {
  epoll_event events[64];
  while (true) {
    int n = ::epoll_wait(epoll_.get(), events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError::FromErrno(errno, "client probe epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_) return;
      if (auto timer = timers_.find(fd); timer != timers_.end()) {
        OnTimer(timer->second);
        continue;
      }
      OnSocket(fd, events[i].events);
    }
  }
}

}  // namespace

std::vector<Ipv4Address> ProbeTargets(const Scenario& scenario) {
  std::vector<Ipv4Address> vips;
  for (const VipRef& ref : AllVips(scenario)) {
    const Ipv4Address address = ref.vip->address.address();
    if (std::find(vips.begin(), vips.end(), address) == vips.end()) vips.push_back(address);
  }
  if (vips.empty()) vips.push_back(scenario.vip.address());  // a Scenario built in code
  return vips;
}

ClientProbe::ClientProbe(const NetworkNamespace& client_ns, std::vector<Ipv4Address> vips, int port,
                         Timeline& timeline, std::chrono::milliseconds period,
                         std::chrono::milliseconds timeout)
    : ns_fd_(client_ns.fd()),
      vips_(std::move(vips)),
      port_(port),
      timeline_(timeline),
      period_(period),
      timeout_(timeout),
      stop_fd_(static_cast<int>(
          CheckErrno(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "could not create an eventfd"))) {}

ClientProbe::ClientProbe(const NetworkNamespace& client_ns, Ipv4Address vip, int port,
                         Timeline& timeline, std::chrono::milliseconds period,
                         std::chrono::milliseconds timeout)
    : ClientProbe(client_ns, std::vector<Ipv4Address>{vip}, port, timeline, period, timeout) {}

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

std::vector<ProbeSample> ClientProbe::Samples(const std::string& vip) const {
  std::vector<ProbeSample> samples = Samples();
  std::erase_if(samples, [&](const ProbeSample& s) { return s.vip != vip; });
  return samples;
}

void ClientProbe::Run() {
  CheckErrno(::setns(ns_fd_, CLONE_NEWNET), "client probe could not join the client namespace");
  ProbeLoop loop(vips_, port_, period_, timeout_, stop_fd_.get(), [this](ProbeSample sample) {
    const std::string seen = sample.ok ? "served by " + sample.node : "failed: " + sample.error;
    if (std::string& last = last_seen_[sample.vip]; seen != last) {
      last = seen;
      TimelineEvent event(sample.start, "client", event_kind::kClient, seen);
      event.vip = sample.vip;
      timeline_.Add(std::move(event));
    }
    std::lock_guard lock(mutex_);
    samples_.push_back(std::move(sample));
  });
  loop.Run();
}

}  // namespace viplab
