#include "netns/error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace viplab {

SystemError SystemError::FromErrno(int err, std::string_view context) {
  return SystemError(fmt::format("{}: {}", context, std::strerror(err)), err, Source::kErrno);
}

SystemError SystemError::Plain(std::string_view message) {
  return SystemError(std::string(message), 0, Source::kOther);
}

long CheckErrno(long result, std::string_view context) {
  if (result < 0) throw SystemError::FromErrno(errno, context);
  return result;
}

std::string ExceptionMessage(const std::exception_ptr& error) noexcept {
  if (!error) return {};
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    try {
      return e.what();
    } catch (...) {
      return {};
    }
  } catch (...) {
  }
  return "unknown error";
}

}  // namespace viplab
