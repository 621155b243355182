// Helpers for lab tests: host network snapshots, leftovers of a lab, child processes, and running
// the viplab CLI as a subprocess with event-driven reads of its output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace viplab::testing {

// Links, addresses, routes, rules and the nftables ruleset of the host's network namespace as
// text; equal before and after a run when the harness left the host alone.
std::string HostNetworkSnapshot();

// Everything still present for a lab prefix ("vl-3-"): namespaces, lab directory, cgroup.
std::vector<std::string> LabLeftovers(const std::string& prefix);

// Pids of this process's children (all threads).
std::vector<pid_t> ChildProcesses();

// Names under /run/netns that start with "vl-".
std::vector<std::string> LabNamespaces();

// A CLI subprocess with stdout and stderr merged into one pipe.
class CliProcess {
 public:
  explicit CliProcess(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                      std::vector<std::string> prefix_argv = {});
  ~CliProcess();
  // Reads output until a line containing `needle` arrives; false on EOF or timeout.
  bool WaitForLine(const std::string& needle, std::chrono::milliseconds timeout);
  // Waits for exit (reading and keeping the rest of the output); returns the exit code, or
  // 128 + signal.
  int Wait(std::chrono::milliseconds timeout = std::chrono::minutes(3));
  void Signal(int signo);
  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  bool ReadSome(std::chrono::milliseconds timeout);
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string output_;
  size_t scanned_ = 0;
  std::optional<int> exit_code_;
};

std::filesystem::path ViplabBinary();

}  // namespace viplab::testing
