#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "harness/kconf/reader_internal.h"
#include "netns/error.h"

namespace viplab::kconf::internal {

NumberRead ReadInt(const std::string& word, long long min, long long max, bool ignore_error) {
  // lib/parser.c read_int_func: strtol, the value stored even when complaining; with
  // ignore_error (non-strict build) a number with trailing garbage but in range is accepted.
  NumberRead read;
  errno = 0;
  char* end = nullptr;
  long long value = std::strtol(word.c_str(), &end, 10);
  bool range_error = errno == ERANGE;
  read.value = value;
  bool in_range = value >= min && value <= max;
  read.clean = *end == '\0' && !range_error && in_range;
  read.accepted = read.clean || (ignore_error && in_range);
  return read;
}

NumberRead ReadUnsigned(const std::string& word, unsigned long long min, unsigned long long max,
                        bool ignore_error) {
  // lib/parser.c read_unsigned_func: leading white space skipped, a '-' refused, strtoul.
  NumberRead read;
  size_t offset = word.find_first_not_of(" \t");
  if (offset == std::string::npos) offset = word.size();
  errno = 0;
  char* end = nullptr;
  unsigned long long value = std::strtoul(word.c_str() + offset, &end, 10);
  bool range_error = errno == ERANGE || value > 0xffffffffULL;
  read.value = static_cast<long long>(value & 0xffffffffULL);
  bool in_range = value >= min && value <= max;
  read.clean = word[offset] != '-' && *end == '\0' && !range_error && in_range;
  read.accepted = read.clean || (ignore_error && in_range);
  return read;
}

NumberRead ReadDecimal(const std::string& word, unsigned long long min, unsigned long long max,
                       unsigned shift, bool ignore_error) {
  // lib/parser.c read_decimal_unsigned_long_func: at most `shift` decimals (more are rounded,
  // with a complaint), the digits read as an integer scaled by 10^shift.
  NumberRead read;
  if (!word.empty() && word[0] == '-') return read;
  size_t dot = word.find('.');
  std::string digits = word;
  size_t decimals = 0;
  bool round_up = false;
  bool too_many = false;
  if (dot != std::string::npos) {
    std::string fraction = word.substr(dot + 1);
    decimals = fraction.size();
    if (decimals > shift) {
      too_many = true;
      round_up = fraction[shift] >= '5';
      fraction.resize(shift);
      decimals = shift;
    }
    digits = word.substr(0, dot) + fraction;
  }
  digits.append(shift - decimals, '0');
  errno = 0;
  char* end = nullptr;
  unsigned long long value = std::strtoull(digits.c_str(), &end, 10);
  if (round_up) ++value;
  read.value = static_cast<long long>(value);
  if (errno == ERANGE) return read;
  bool in_range = value >= min && value <= max;
  read.clean = *end == '\0' && in_range && !too_many;
  read.accepted = in_range && (*end == '\0' || ignore_error);
  return read;
}

std::optional<bool> ReadTrueFalse(const std::string& word) {
  if (word == "true" || word == "on" || word == "yes") return true;
  if (word == "false" || word == "off" || word == "no") return false;
  return std::nullopt;
}

void Reader::Fail(const ConfNode& node, std::string_view what) const {
  Fail(node.where, node.keyword, what);
}

void Reader::Fail(const SourceLocation& where, std::string_view keyword,
                  std::string_view what) const {
  throw InputError(fmt::format("{}: {}: {}", ToString(where), keyword, what));
}

void Reader::Warn(const ConfNode& node, std::string what) {
  config_.warnings.push_back(
      ConfigWarning{.keyword = node.keyword, .what = std::move(what), .where = node.where});
}

void Reader::Unmodelled(const ConfNode& node) { config_.unmodelled.push_back(RefOf(node)); }

void Reader::Unknown(const ConfNode& node) { config_.unknown.push_back(RefOf(node)); }

void Reader::NotExercised(const ConfNode& node, std::string what, std::string why) {
  config_.not_exercised.push_back(
      kconf::NotExercised{.what = std::move(what), .why = std::move(why), .where = node.where});
}

const std::string& Reader::Arg(const ConfNode& node, size_t index) const {
  if (index >= node.args.size()) {
    Fail(node, fmt::format("missing a parameter at word position {} (keepalived 2.2.7 exits: "
                           "lib/parser.c null_strvec)",
                           index + 2));
  }
  return node.args[index];
}

LineRef RefOf(const ConfNode& node) {
  return LineRef{.keyword = node.keyword, .args = node.args, .where = node.where};
}

std::string Join(const std::vector<std::string>& words, size_t from) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += words[i];
  }
  return out;
}

}  // namespace viplab::kconf::internal
