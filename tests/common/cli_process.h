// The viplab CLI (build/viplab) as a subprocess, with stdout and stderr merged into one pipe and
// event-driven reads of its output (poll with deadlines).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace viplab::testing {

// Runs build/viplab with `args` (after `prefix_argv`, e.g. setpriv, when given) and `env` added
// to the environment. Killed (SIGKILL) and reaped on destruction unless waited for.
class CliProcess {
 public:
  explicit CliProcess(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                      std::vector<std::string> prefix_argv = {});
  ~CliProcess();
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;
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

}  // namespace viplab::testing
