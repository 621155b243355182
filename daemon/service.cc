#include "daemon/service.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

#include "daemon/node_init.h"
#include "netns/error.h"
#include "netns/node_sandbox.h"
#include "netns/unique_fd.h"

namespace viplab {

namespace {

constexpr size_t kLogTailBytes = 2048;

// The last lines of the service's log, to say why it did not come up.
std::string LogTail(const std::filesystem::path& log_file) {
  if (log_file.empty()) return {};
  std::ifstream in(log_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string log = text.str();
  while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
  if (log.empty()) return fmt::format(" ({} is empty)", log_file.string());
  if (log.size() > kLogTailBytes) {
    log.erase(0, log.size() - kLogTailBytes);
    const size_t newline = log.find('\n');
    if (newline != std::string::npos) log.erase(0, newline + 1);
  }
  return fmt::format("; end of {}:\n{}", log_file.string(), log);
}

constexpr const char* kNotifySocketName = "viplab-haproxy-notify.sock";

// The receiving end of the systemd readiness protocol (sd_notify): a datagram socket the service
// finds through NOTIFY_SOCKET and sends "READY=1" to once it serves. Removed on destruction.
class NotifySocket {
 public:
  explicit NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.native().size() >= sizeof(addr.sun_path)) {
      throw SystemError::Plain(
          fmt::format("notify socket path '{}' is too long for a unix socket", path_.string()));
    }
    std::memcpy(addr.sun_path, path_.c_str(), path_.native().size());
    fd_ = UniqueFd(
        static_cast<int>(CheckErrno(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0),
                                    "could not create a notify socket")));
    CheckErrno(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)),
               fmt::format("could not bind the notify socket '{}'", path_.string()));
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }

  // Waits (poll on the socket and the pidfd) for a datagram holding READY=1. Empty string when
  // it arrived, else what went wrong.
  std::string WaitForReady(Process& process, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return fmt::format("did not report READY=1 within {} ms", timeout.count());
      }
      pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {process.pidfd(), POLLIN, 0}};
      const int n = ::poll(
          fds, 2,
          static_cast<int>(std::min<int64_t>(left.count(), std::numeric_limits<int>::max())));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw SystemError::FromErrno(errno, "poll");
      }
      if (fds[0].revents != 0) {
        char buf[4096];
        const ssize_t r = ::recv(fd_.get(), buf, sizeof(buf), 0);
        if (r > 0) {
          // sd_notify messages are newline-separated assignments.
          std::string_view message(buf, static_cast<size_t>(r));
          while (!message.empty()) {
            const size_t end = message.find('\n');
            if (message.substr(0, end) == "READY=1") return {};
            if (end == std::string_view::npos) break;
            message.remove_prefix(end + 1);
          }
        }
        continue;
      }
      if (fds[1].revents != 0) {
        const auto status = process.WaitFor(std::chrono::milliseconds(1000));
        return status ? fmt::format("{} before it reported READY=1", DescribeWaitStatus(*status))
                      : std::string("exited before it reported READY=1");
      }
    }
  }

 private:
  std::filesystem::path path_;
  UniqueFd fd_;
};

}  // namespace

std::vector<std::string> ServiceArguments(const ServiceSpec& spec) {
  if (spec.kind == ServiceKind::kHaproxy) {
    // -L (the local peer name) is harmless here and makes the command line node-specific.
    return {"-L", spec.lab + spec.node, "-Ws", "-f", spec.haproxy_config};
  }
  std::vector<std::string> args;
  if (!spec.lab.empty()) args = {"--lab", spec.lab};
  for (const std::string& arg :
       {std::string("--node"), spec.node, std::string("--port"), std::to_string(spec.port)}) {
    args.push_back(arg);
  }
  if (!spec.bind_address.empty()) {
    args.push_back("--bind");
    args.push_back(spec.bind_address);
  }
  return args;
}

std::vector<std::string> ServiceIdentity(const ServiceSpec& spec) {
  std::vector<std::string> args = ServiceArguments(spec);
  // Exact tokens up to and including the node name: "lb1" never matches "lb10".
  const auto node =
      std::find(args.begin(), args.end(),
                spec.kind == ServiceKind::kHaproxy ? spec.lab + spec.node : spec.node);
  args.erase(node + 1, args.end());
  return args;
}

std::optional<std::filesystem::path> FindHaproxy() { return FindExecutable("haproxy"); }

Process StartService(const ServiceSpec& spec, std::chrono::milliseconds timeout) {
  const bool real = spec.kind == ServiceKind::kHaproxy;
  ProcessSpec process;
  process.label = fmt::format("{} on {}", real ? "haproxy" : "haproxy stand-in", spec.node);
  // argv[0] "haproxy" whatever the path: track_process compares argv[0] exactly.
  process.argv = {"haproxy"};
  const auto args = ServiceArguments(spec);
  process.argv.insert(process.argv.end(), args.begin(), args.end());
  process.executable = real ? spec.haproxy_binary : spec.standin_binary;
  process.log_file = spec.log_file;
  process.pipe_stdout = !real;
  process.netns_fd = spec.netns_fd;
  if (spec.sandbox) {
    process.mntns_fd = spec.sandbox->mnt_fd();
    process.utsns_fd = spec.sandbox->uts_fd();
  }
  if (spec.init) {
    process.pidns_fd = spec.init->pidns_fd();
    process.mntns_fd = spec.init->mntns_fd();
    process.child_of_namespace_init = true;  // reaped by the node's init when it exits
  }
  process.cgroup_dir = spec.cgroup_dir;

  std::optional<NotifySocket> notify;
  if (real) {
    notify.emplace(spec.notify_dir / kNotifySocketName);
    process.environment.emplace_back("NOTIFY_SOCKET",
                                     spec.notify_dir_inside + "/" + kNotifySocketName);
  }
  Process service = Process::Start(process);
  const std::string failure =
      real ? notify->WaitForReady(service, timeout) : WaitForReadyLine(service, "READY ", timeout);
  if (failure.empty()) return service;
  service.Stop(std::chrono::milliseconds(0));
  throw SystemError::Plain(fmt::format("{} {}{}", process.label, failure, LogTail(spec.log_file)));
}

}  // namespace viplab
