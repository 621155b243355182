#include "daemon/notify_fifo.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <mutex>
#include <system_error>

#include "netns/error.h"
#include "netns/event_loop.h"

namespace viplab {

namespace {

// A line longer than this without a newline is not from keepalived; drop it.
constexpr size_t kMaxLine = 4096;

bool IsStateChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

// keepalived 2.2.7 writes `%s "%s" %s %d\n`: type, quoted name, state, priority.
std::optional<VrrpNotification> ParseNotifyLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  VrrpNotification n;
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  n.type = std::string(line.substr(0, space));
  if (n.type != "INSTANCE" && n.type != "GROUP") return std::nullopt;
  line.remove_prefix(space + 1);

  if (line.empty() || line.front() != '"') return std::nullopt;
  const size_t close = line.find('"', 1);
  if (close == std::string_view::npos || close == 1) return std::nullopt;
  n.name = std::string(line.substr(1, close - 1));
  line.remove_prefix(close + 1);

  if (line.empty() || line.front() != ' ') return std::nullopt;
  line.remove_prefix(1);
  size_t state_end = 0;
  while (state_end < line.size() && IsStateChar(line[state_end])) ++state_end;
  if (state_end == 0) return std::nullopt;
  n.state = std::string(line.substr(0, state_end));
  line.remove_prefix(state_end);

  if (line.empty()) return n;
  if (line.front() != ' ') return std::nullopt;
  line.remove_prefix(1);
  int priority = -1;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), priority);
  if (ec != std::errc() || end != line.data() + line.size() || priority < 0 || priority > 255) {
    return std::nullopt;
  }
  n.priority = priority;
  return n;
}

struct NotifyFifo::Guard {
  // Recursive: the handler may destroy the NotifyFifo it is called from.
  std::recursive_mutex mutex;
  bool alive = true;
};

NotifyFifo::NotifyFifo(std::filesystem::path path, EventLoop& loop, Handler handler)
    : path_(std::move(path)),
      loop_(loop),
      handler_(std::move(handler)),
      guard_(std::make_shared<Guard>()) {
  // A fifo (or anything else) left by an earlier run would carry stale lines.
  if (::unlink(path_.c_str()) < 0 && errno != ENOENT) {
    throw SystemError::FromErrno(errno, fmt::format("could not remove stale {}", path_.string()));
  }
  if (::mkfifo(path_.c_str(), 0600) < 0) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not create notify fifo {}", path_.string()));
  }
  // O_RDWR: we count as a writer ourselves, so keepalived closing its end never yields EOF.
  fd_.Reset(::open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd_) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not open notify fifo {}", path_.string()));
  }
  loop_.Add(fd_.get(), [this, guard = guard_](uint32_t) {
    const std::shared_ptr<Guard> keep = guard;  // the callback object itself may go away
    std::lock_guard lock(keep->mutex);
    if (keep->alive) OnReadable();
  });
}

NotifyFifo::~NotifyFifo() {
  {
    std::lock_guard lock(guard_->mutex);  // waits for a handler running on the loop thread
    guard_->alive = false;
  }
  try {
    loop_.Remove(fd_.get());
  } catch (const std::exception&) {
    // The loop may already be stopped; the fd is closed below either way.
  }
}

void NotifyFifo::OnReadable() {
  const std::shared_ptr<Guard> guard = guard_;  // `this` may be destroyed by the handler
  // So may handler_ itself, with the closure it is running (ASan: heap-use-after-free in
  // NotifyFifoTest.HandlerMayDestroyTheFifo): call a copy that outlives `this`.
  const Handler handler = handler_;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd_.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) {
      // Thrown out of the loop callback: the loop stops and its owner learns that this node's
      // VRRP states are no longer observed (EventLoop::last_error), instead of a silent gap.
      throw SystemError::FromErrno(errno,
                                   fmt::format("could not read notify fifo {}", path_.string()));
    }
    if (n <= 0) return;  // EAGAIN: drained (0 cannot happen: we hold a writer end ourselves)
    const TimePoint received = Now();
    buffer_.append(buf, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer_.find('\n')) != std::string::npos) {
      const std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (auto notification = ParseNotifyLine(line)) {
        handler(*notification, received);
        if (!guard->alive) return;
      }
    }
    if (buffer_.size() > kMaxLine) buffer_.clear();
  }
}

}  // namespace viplab
