#include "daemon/node_init.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "netns/error.h"
#include "netns/node_sandbox.h"

namespace viplab {
namespace fs = std::filesystem;

namespace {

std::string LogText(const fs::path& log_file) {
  if (log_file.empty()) return {};
  std::ifstream in(log_file);
  std::ostringstream text;
  text << in.rdbuf();
  std::string log = text.str();
  while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
  return log.empty() ? std::string() : fmt::format(": {}", log);
}

UniqueFd OpenNamespace(pid_t pid, const char* kind, const std::string& label) {
  const std::string path = fmt::format("/proc/{}/ns/{}", pid, kind);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw SystemError::FromErrno(errno, fmt::format("{}: could not open {}", label, path));
  return fd;
}

// Writes `pid` to `file` (mode 0644) through a temporary file and a rename, so a reader never
// sees a partial file.
void WritePidFile(const fs::path& file, pid_t pid, const std::string& label) {
  const fs::path temporary = file.string() + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << pid << '\n';
    if (!out) {
      throw SystemError::FromErrno(
          errno, fmt::format("{}: could not write {}", label, temporary.string()));
    }
  }
  if (::chmod(temporary.c_str(), 0644) < 0 || ::rename(temporary.c_str(), file.c_str()) < 0) {
    const int err = errno;
    ::unlink(temporary.c_str());
    throw SystemError::FromErrno(err, fmt::format("{}: could not write {}", label, file.string()));
  }
}

}  // namespace

NodeInit::NodeInit(Process process, UniqueFd pidns, UniqueFd mntns, fs::path pid_file)
    : process_(std::move(process)),
      pidns_(std::move(pidns)),
      mntns_(std::move(mntns)),
      pid_namespace_(NamespaceIdOf(pidns_.get())),
      pid_file_(std::move(pid_file)) {}

NodeInit NodeInit::Start(const NodeInitSpec& spec) {
  ProcessSpec process;
  process.label = fmt::format("viplab-init on {}", spec.node);
  process.argv = {"viplab-init"};
  process.executable = spec.binary;
  process.log_file = spec.log_file;
  process.pipe_stdout = true;
  process.netns_fd = spec.netns_fd;
  if (spec.sandbox) {
    process.mntns_fd = spec.sandbox->mnt_fd();
    process.utsns_fd = spec.sandbox->uts_fd();
  }
  process.cgroup_dir = spec.cgroup_dir;
  process.new_pid_namespace = true;
  Process init = Process::Start(process);
  const std::string failure = WaitForReadyLine(init, "READY", spec.ready_timeout);
  if (!failure.empty()) {
    init.Stop(std::chrono::milliseconds(0));
    throw SystemError::Plain(
        fmt::format("{} {}{}", process.label, failure, LogText(spec.log_file)));
  }
  // Our unreaped child: its pid cannot be reused, so /proc/<pid> is this process.
  UniqueFd pidns = OpenNamespace(init.pid(), "pid", process.label);
  UniqueFd mntns = OpenNamespace(init.pid(), "mnt", process.label);
  if (!spec.pid_file.empty()) WritePidFile(spec.pid_file, init.pid(), process.label);
  return NodeInit(std::move(init), std::move(pidns), std::move(mntns), spec.pid_file);
}

NodeInit::~NodeInit() {
  if (process_.pid() > 0) Stop(std::chrono::seconds(1));
}

std::optional<pid_t> NodeInit::OuterPid(pid_t inner, const std::vector<pid_t>& candidates) const {
  return viplab::OuterPid(inner, pid_namespace_, candidates);
}

int NodeInit::Stop(std::chrono::milliseconds grace) noexcept {
  if (!pid_file_.empty()) {
    std::error_code ec;
    fs::remove(pid_file_, ec);
  }
  return process_.Stop(grace);
}

}  // namespace viplab
