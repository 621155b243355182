// Helpers of the reader's unit tests: read a tree built from text, the error of reading it,
// whether a warning was recorded.
#pragma once

#include <string>
#include <string_view>

#include "harness/kconf/keepalived_config.h"
#include "netns/error.h"
#include "tests/harness/kconf/conf_builder.h"

namespace viplab::kconf::testing {

inline KeepalivedConfig Read(std::string_view text) {
  return ReadKeepalivedConfig(BuildTree(text));
}

// The InputError message of reading `text`, or "" when it reads.
inline std::string ErrorOf(std::string_view text) {
  try {
    Read(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

inline bool HasWarning(const KeepalivedConfig& c, std::string_view keyword, std::string_view part) {
  for (const ConfigWarning& w : c.warnings) {
    if (w.keyword == keyword && w.what.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace viplab::kconf::testing
