// Error types shared by every viplab layer.
//
// SystemError: an infrastructure operation (syscall, netlink request, process start) failed. It
// carries the errno or libnl code plus what was being attempted, in plain words, e.g.
// "could not create veth 'vl-3-lb1' in namespace 'vl-3-sw': File exists".
//
// InputError: the user's input (scenario file, command line, vendor config) is wrong. The CLI
// maps it to exit code 2. The message names the file and the field.
//
// EnvironmentError: the machine cannot run a lab (not root, keepalived missing, no cgroup v2).
// Also exit code 2. The message says how to fix it (e.g. which Debian package to install).
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

namespace viplab {

class SystemError : public std::runtime_error {
 public:
  enum class Source { kErrno, kLibnl, kOther };

  // "<context>: <strerror(err)>"; `err` is a positive errno value.
  static SystemError FromErrno(int err, std::string_view context);
  // "<context>: <nl_geterror(code)>"; `code` is a libnl error code (sign ignored).
  static SystemError FromLibnl(int code, std::string_view context);
  // A failure without a numeric code (e.g. a child process exited non-zero).
  static SystemError Plain(std::string_view message);

  int code() const noexcept { return code_; }
  Source source() const noexcept { return source_; }

 private:
  SystemError(std::string message, int code, Source source)
      : std::runtime_error(std::move(message)), code_(code), source_(source) {}
  int code_;
  Source source_;
};

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown out of waits when SIGINT/SIGTERM arrived; the CLI unwinds (tearing labs down) and exits
// 130.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted by signal") {}
};

// Throws SystemError::FromErrno(errno, context) when `result` is negative; returns it otherwise.
long CheckErrno(long result, std::string_view context);

// The message of a captured exception (what() for std::exception, "unknown error" otherwise, ""
// for null). Never throws.
std::string ExceptionMessage(const std::exception_ptr& error) noexcept;

}  // namespace viplab
