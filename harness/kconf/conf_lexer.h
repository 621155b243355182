// Internal to the keepalived.conf parser (conf_tree.cc): the text operations keepalived 2.2.7's
// lib/parser.c does on one line, each a pure function on strings. Not a public interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace viplab::kconf::detail {

// keepalived's line buffer (lib/parser.h MAXBUF): fgets() reads at most this minus one byte.
inline constexpr size_t kMaxLine = 1024;

// The result of removing comments from one line (lib/parser.c decomment()).
struct Decommented {
  std::string text;                 // without comment, leading and trailing blanks
  bool continues = false;           // ended with `\` (kept as the last character of text)
  bool unterminated_quote = false;  // a `"` before any comment was never closed
};

// lib/parser.c decomment(): strips leading blanks; `#` or `!` outside "..." starts a comment;
// `\#` and `\!` outside quotes lose their backslash; a final `\` marks a continuation line
// (blanks before it are dropped); trailing blanks are removed.
Decommented Decomment(std::string_view line);

// lib/parser.c alloc_strvec_r() (what process_stream() uses, not alloc_strvec_quoted_escaped):
// words split on " \t\f\n\r\v"; a word starting with `"` runs to the next `"` and loses both
// quotes (no escapes); an unquoted word also ends at a `"`. `unmatched_quote` is set when a `"`
// has no partner (keepalived reports it and drops the rest of the line).
std::vector<std::string> SplitWords(std::string_view line, bool* unmatched_quote);

// lib/parser.c read_line() end: the first `{` or `}` outside "..." splits the line. A line
// starting with a brace keeps only that brace; otherwise the text before the brace stays. Returns
// the rest (to be read as the next line), trailing blanks removed from both parts.
std::optional<std::string> SplitAtBrace(std::string* line);

// lib/parser.c is_include()/check_include(): `include PATTERN` (also includer/includem/includew/
// includeb/includea). Sets the pattern (may be empty) and returns true for an include line.
bool IsInclude(std::string_view line, std::string* pattern);

// lib/parser.c read_line(): an `@ID rest` / `@^ID rest` line. Returns the rest when the line is
// kept for `config_id` (empty: no id), nullopt when dropped. Lines not starting with `@` are
// returned unchanged.
std::optional<std::string> SelectConfigId(const std::string& line, const std::string& config_id);

}  // namespace viplab::kconf::detail
