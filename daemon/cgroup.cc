#include "daemon/cgroup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "netns/error.h"
#include "netns/unique_fd.h"

namespace viplab {
namespace fs = std::filesystem;

namespace {

// /proc/mounts escapes blanks and backslashes in paths as \ooo.
std::string UnescapeMountField(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string_view digits = field.substr(i + 1, 3);
      if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out.push_back(
            static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0')));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

std::optional<fs::path> FindCgroup2Mount() {
  std::ifstream mounts("/proc/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string device, mount_point, fstype;
    if (fields >> device >> mount_point >> fstype && fstype == "cgroup2") {
      return fs::path(UnescapeMountField(mount_point));
    }
  }
  return std::nullopt;
}

void WriteFile(const fs::path& file, std::string_view value) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) throw SystemError::FromErrno(errno, fmt::format("could not open {}", file.string()));
  if (::write(fd.get(), value.data(), value.size()) < 0) {
    throw SystemError::FromErrno(errno,
                                 fmt::format("could not write '{}' to {}", value, file.string()));
  }
}

std::string ReadFd(int fd, const fs::path& file) {
  std::string text;
  char buf[4096];
  off_t offset = 0;
  while (true) {
    const ssize_t n = ::pread(fd, buf, sizeof(buf), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError::FromErrno(errno, fmt::format("could not read {}", file.string()));
    }
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
}

std::string ReadFile(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw SystemError::FromErrno(errno, fmt::format("could not open {}", file.string()));
  return ReadFd(fd.get(), file);
}

// Value of "key N" in a flat-keyed file such as cgroup.events; -1 when absent.
int KeyedValue(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ') {
      return std::atoi(std::string(line.substr(key.size() + 1)).c_str());
    }
    pos = end + 1;
  }
  return -1;
}

// Waits until `key` in cgroup.events reads `want`. cgroup.events is a kernfs file that signals
// every change with POLLPRI; re-reading it (pread) re-arms the notification, so checking after
// each wake-up loses nothing.
void WaitForEvent(int events_fd, const fs::path& events_file, std::string_view key, int want,
                  std::chrono::milliseconds timeout, std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (KeyedValue(ReadFd(events_fd, events_file), key) == want) return;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw SystemError::Plain(fmt::format("cgroup {} did not become {} within {} ms",
                                           events_file.parent_path().string(), what,
                                           timeout.count()));
    }
    pollfd pfd{events_fd, POLLPRI, 0};
    const int wait_ms =
        static_cast<int>(std::min<int64_t>(left.count(), std::numeric_limits<int>::max()));
    if (::poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
      throw SystemError::FromErrno(errno, fmt::format("poll {}", events_file.string()));
    }
  }
}

UniqueFd OpenEvents(const fs::path& dir) {
  const fs::path file = dir / "cgroup.events";
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw SystemError::FromErrno(errno, fmt::format("could not open {}", file.string()));
  return fd;
}

// rmdir children before parents; a cgroup directory holds only interface files and children.
void RemoveDirectories(const fs::path& dir) noexcept {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) RemoveDirectories(it->path());
  }
  ::rmdir(dir.c_str());
}

}  // namespace

fs::path Cgroup::Root() {
  static const std::optional<fs::path> root = FindCgroup2Mount();
  if (!root) {
    throw EnvironmentError(
        "cgroup v2 is not mounted (no cgroup2 entry in /proc/mounts): mount it, e.g. "
        "'mount -t cgroup2 none /sys/fs/cgroup/unified'");
  }
  return *root;
}

Cgroup Cgroup::Create(const fs::path& relative) {
  const fs::path dir = Root() / relative.relative_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw SystemError::FromErrno(ec.value(),
                                 fmt::format("could not create cgroup {}", dir.string()));
  return Cgroup(dir);
}

void Cgroup::RemoveTree(const fs::path& relative) noexcept {
  try {
    const fs::path dir = Root() / relative.relative_path();
    if (relative.relative_path().empty() || !fs::exists(dir)) return;  // never the root itself
    Cgroup(dir).Remove();
  } catch (const std::exception&) {
    // Best effort: `viplab clean` reports what is left.
  }
}

std::vector<pid_t> Cgroup::Pids() const { return PidsIn(dir_); }

std::vector<pid_t> Cgroup::PidsIn(const std::filesystem::path& dir) {
  std::vector<pid_t> pids;
  std::istringstream text(ReadFile(dir / "cgroup.procs"));
  pid_t pid;
  while (text >> pid) pids.push_back(pid);
  return pids;
}

bool Cgroup::Populated() const {
  return KeyedValue(ReadFile(dir_ / "cgroup.events"), "populated") == 1;
}

void Cgroup::Freeze(bool frozen, std::chrono::milliseconds timeout) {
  // Open the events file before the write so no change can slip between them.
  const UniqueFd events = OpenEvents(dir_);
  WriteFile(dir_ / "cgroup.freeze", frozen ? "1" : "0");
  WaitForEvent(events.get(), dir_ / "cgroup.events", "frozen", frozen ? 1 : 0, timeout,
               frozen ? "frozen" : "thawed");
}

void Cgroup::Kill(std::chrono::milliseconds timeout, const std::function<void()>& meanwhile) {
  const UniqueFd events = OpenEvents(dir_);
  if (KeyedValue(ReadFd(events.get(), dir_ / "cgroup.events"), "populated") == 0) {
    if (meanwhile) meanwhile();
    return;
  }
  // cgroup.kill SIGKILLs the whole subtree at once, frozen or not, including processes forked
  // while it runs.
  WriteFile(dir_ / "cgroup.kill", "1");
  if (meanwhile) meanwhile();
  WaitForEvent(events.get(), dir_ / "cgroup.events", "populated", 0, timeout, "empty");
}

void Cgroup::Remove() noexcept {
  if (dir_.empty()) return;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return;
  try {
    Kill();
  } catch (const std::exception&) {
    // Removal below fails for a cgroup that is still populated; nothing more to do here.
  }
  RemoveDirectories(dir_);
}

}  // namespace viplab
