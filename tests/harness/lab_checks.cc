#include "lab_checks.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace viplab::testing {

namespace {

std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

}  // namespace

std::filesystem::path ViplabBinary() { return std::filesystem::path(VIPLAB_BUILD_DIR) / "viplab"; }

std::string HostNetworkSnapshot() {
  return Capture(
      "ip -br link; ip -br -4 addr; ip -br -6 addr; ip route show table all; "
      "ip -6 route show table all; ip rule; nft list ruleset");
}

std::vector<std::string> LabNamespaces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("vl-", 0) == 0) names.push_back(name);
  }
  return names;
}

std::vector<std::string> LabLeftovers(const std::string& prefix) {
  std::vector<std::string> left;
  for (const auto& name : LabNamespaces()) {
    if (name.rfind(prefix, 0) == 0) left.push_back("namespace " + name);
  }
  const std::string lab = prefix.substr(0, prefix.size() - 1);  // "vl-3"
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path("/run/viplab") / lab, ec)) {
    left.push_back("directory /run/viplab/" + lab);
  }
  std::ifstream mounts("/proc/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    if (line.find("/run/viplab/" + lab + "/") != std::string::npos) left.push_back("mount " + line);
  }
  for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    const auto cg = std::filesystem::path(root) / "viplab" / lab;
    if (std::filesystem::exists(cg, ec)) left.push_back("cgroup " + cg.string());
  }
  return left;
}

std::vector<pid_t> ChildProcesses() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(task.path() / "children");
    pid_t pid;
    while (in >> pid) pids.push_back(pid);
  }
  return pids;
}

CliProcess::CliProcess(std::vector<std::string> args, std::map<std::string, std::string> env,
                       std::vector<std::string> prefix_argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> argv = prefix_argv;
  argv.push_back(ViplabBinary().string());
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    ::execvp(cargv[0], cargv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_fd_ = fds[0];
}

CliProcess::~CliProcess() {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool CliProcess::ReadSome(std::chrono::milliseconds timeout) {
  pollfd pfd{out_fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  ssize_t n = ::read(out_fd_, buffer, sizeof buffer);
  if (n <= 0) return false;
  output_.append(buffer, static_cast<size_t>(n));
  return true;
}

bool CliProcess::WaitForLine(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (output_.find(needle, scanned_) != std::string::npos) {
      scanned_ = output_.find(needle, scanned_) + needle.size();
      return true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(left)) return false;
  }
}

int CliProcess::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return *exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {  // drain output until EOF (the process closed its end by exiting)
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(left)) break;
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exit_code_;
}

void CliProcess::Signal(int signo) { ::kill(pid_, signo); }

}  // namespace viplab::testing
