#include "daemon/keepalived.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "daemon/cgroup.h"
#include "daemon/node_init.h"
#include "netns/error.h"
#include "netns/node_sandbox.h"

namespace viplab {
namespace fs = std::filesystem;

namespace {

// Inside the node's mount namespace /tmp is the sandbox's tmp_dir(). keepalived --namespace
// only bind-mounts /run/keepalived/<netns> over /run/keepalived, so /tmp is what we bound.
constexpr const char* kPidFile = "/tmp/keepalived.pid";
constexpr const char* kVrrpPidFile = "/tmp/vrrp.pid";
constexpr std::chrono::seconds kConfigTestTimeout{10};

fs::path TmpDir(const KeepalivedSpec& spec) {
  return spec.sandbox ? spec.sandbox->tmp_dir() : fs::path("/tmp");
}

std::optional<pid_t> ReadPidFile(const fs::path& file) {
  std::ifstream in(file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

std::string ReadFrom(const fs::path& file, std::uintmax_t offset) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

}  // namespace

bool OnlyClearsPreemption(std::string_view messages) {
  // keepalived 2.2.7 vrrp.c, vrrp_complete_instance: "(<instance>) " + one of these.
  static const std::regex kClearing(
      R"(\([^)]*\) (Warning - nopreempt will not work with initial state MASTER - clearing|)"
      R"(Warning - preempt delay will not work with initial state MASTER - clearing|)"
      R"(preempt_delay is incompatible with nopreempt mode - resetting))");
  std::istringstream lines{std::string(messages)};
  std::string line;
  bool any = false;
  while (std::getline(lines, line)) {
    line = Trim(line);
    if (line.empty()) continue;
    if (!std::regex_match(line, kClearing)) return false;
    any = true;
  }
  return any;
}

fs::path FindKeepalived() {
  if (auto found = FindExecutable("keepalived")) return *found;
  throw EnvironmentError(
      "keepalived not found: install the Debian package 'keepalived' (apt-get install keepalived)");
}

std::optional<std::string> TestKeepalivedConfig(const KeepalivedSpec& spec) {
  // --config-test writes its findings to stderr, which goes to the spec's log file (appended:
  // we read back what this run added) or, without one, to a scratch file in the node's /tmp.
  const bool scratch = spec.log_file.empty();
  const fs::path output =
      scratch ? TmpDir(spec) / fmt::format("keepalived-config-test.{}.log", ::getpid())
              : spec.log_file;
  std::error_code ec;
  if (scratch) fs::remove(output, ec);
  const auto size = fs::file_size(output, ec);
  const std::uintmax_t offset = ec ? 0 : size;

  ProcessSpec process;
  process.label = fmt::format("keepalived --config-test on {}", spec.node);
  process.argv = {spec.binary.string(), "--config-test", "--use-file", spec.config_path};
  // With --namespace the interface names are checked in the node's namespace, not the host's.
  if (!spec.netns_name.empty()) {
    process.argv.insert(process.argv.end(), {"--namespace", spec.netns_name});
  }
  process.log_file = output;
  if (spec.sandbox) {
    process.mntns_fd = spec.sandbox->mnt_fd();
    process.utsns_fd = spec.sandbox->uts_fd();
  }
  process.cgroup_dir = spec.cgroup_dir;

  Process test = Process::Start(process);
  const std::optional<int> status = test.WaitFor(kConfigTestTimeout);
  if (!status) {
    test.Stop(std::chrono::milliseconds(0));
    if (scratch) fs::remove(output, ec);
    throw SystemError::Plain(
        fmt::format("{} did not finish within {} s", process.label, kConfigTestTimeout.count()));
  }
  std::string messages = Trim(ReadFrom(output, offset));
  if (scratch) fs::remove(output, ec);
  // keepalived 2.2.7 exits non-zero for errors, but a missing config file only prints
  // "Config files missing" and exits 0: any output means trouble.
  const bool ok = WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
  if (ok && messages.empty()) return std::nullopt;
  // Exit 5 is KEEPALIVED_CHK_EXIT_CONFIG_TEST (keepalived 2.2.7 lib/scheduler.h).
  const bool config_error = WIFEXITED(*status) && WEXITSTATUS(*status) == 5;
  if ((ok || config_error) && OnlyClearsPreemption(messages)) return std::nullopt;
  if (messages.empty()) {
    messages = fmt::format("keepalived --config-test {}", DescribeWaitStatus(*status));
  }
  return messages;
}

Keepalived Keepalived::Start(const KeepalivedSpec& spec) {
  // Without --namespace keepalived would manage the host's own addresses.
  if (spec.netns_name.empty()) {
    throw std::invalid_argument(
        fmt::format("keepalived on {}: no network namespace given", spec.node));
  }
  const fs::path tmp_dir = TmpDir(spec);
  // keepalived refuses to start when a pid file names a live process; in the shared PID
  // namespace a stale file from an earlier run may name an unrelated one.
  std::error_code ec;
  fs::remove(tmp_dir / fs::path(kPidFile).filename(), ec);
  fs::remove(tmp_dir / fs::path(kVrrpPidFile).filename(), ec);

  ProcessSpec process;
  process.label = fmt::format("keepalived on {}", spec.node);
  // Started from the host network namespace: keepalived opens the process-event connector
  // (initial namespace only) and then joins the node's namespace itself (--namespace).
  process.argv = {
      spec.binary.string(), "--dont-fork", "--log-console", "--log-detail", "--vrrp", "--use-file",
      spec.config_path,     "--namespace", spec.netns_name, "-p",           kPidFile, "-r",
      kVrrpPidFile};
  process.argv.insert(process.argv.end(), spec.extra_args.begin(), spec.extra_args.end());
  process.log_file = spec.log_file;
  if (spec.sandbox) {
    process.mntns_fd = spec.sandbox->mnt_fd();
    process.utsns_fd = spec.sandbox->uts_fd();
  }
  if (spec.init) {
    process.pidns_fd = spec.init->pidns_fd();
    process.mntns_fd = spec.init->mntns_fd();
  }
  process.cgroup_dir = spec.cgroup_dir;
  Keepalived keepalived(Process::Start(process), tmp_dir);
  if (spec.init) keepalived.pid_namespace_ = spec.init->pid_namespace();
  keepalived.cgroup_dir_ = spec.cgroup_dir;
  return keepalived;
}

std::optional<pid_t> Keepalived::VrrpChildPid() const {
  const std::optional<pid_t> pid = ReadPidFile(vrrp_pidfile());
  if (!pid || !pid_namespace_) return pid;
  // Written inside the node's PID namespace: find it among the node's processes.
  std::vector<pid_t> candidates;
  if (!cgroup_dir_.empty()) {
    try {
      candidates = Cgroup::PidsIn(cgroup_dir_);
    } catch (const SystemError&) {
      // The cgroup is gone (lab teardown): so is the child.
    }
  } else {
    // Without a cgroup: the VRRP child is a child of the parent we started.
    const pid_t parent = process_.pid();
    std::ifstream children(fmt::format("/proc/{}/task/{}/children", parent, parent));
    pid_t child = 0;
    while (children >> child) candidates.push_back(child);
  }
  return OuterPid(*pid, *pid_namespace_, candidates);
}

fs::path Keepalived::pidfile() const { return tmp_dir_ / fs::path(kPidFile).filename(); }

fs::path Keepalived::vrrp_pidfile() const { return tmp_dir_ / fs::path(kVrrpPidFile).filename(); }

}  // namespace viplab
