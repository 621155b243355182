// Line-level text operations of keepalived 2.2.7's lib/parser.c, re-implemented (see
// conf_lexer.h for which function each one follows).
#include "harness/kconf/conf_lexer.h"

#include <fmt/format.h>

#include <cctype>

#include "harness/kconf/conf_tree.h"
#include "netns/error.h"

namespace viplab::kconf::detail {
namespace {

constexpr std::string_view kBlanks = " \t";
constexpr std::string_view kWhiteSpace = " \t\f\n\r\v";  // lib/parser.h WHITE_SPACE_STR

void TrimTrailingBlanks(std::string* text) {
  size_t end = text->find_last_not_of(kBlanks);
  text->resize(end == std::string::npos ? 0 : end + 1);
}

}  // namespace

Decommented Decomment(std::string_view line) {
  Decommented out;
  std::string& text = out.text;
  size_t first = line.find_first_not_of(kBlanks);
  text = first == std::string_view::npos ? std::string() : std::string(line.substr(first));
  bool quote = false;
  size_t comment = std::string::npos;
  size_t i = 0;
  while ((i = text.find_first_of("!#\"\\", i)) != std::string::npos) {
    char c = text[i];
    if (c == '"') {
      // Quotes stop counting once a comment started (decomment() toggles only before `skip`).
      if (comment == std::string::npos) quote = !quote;
      ++i;
      continue;
    }
    if (c == '\\') {
      if (i + 1 < text.size()) {
        if (!quote && (text[i + 1] == '#' || text[i + 1] == '!')) {
          text.erase(i, 1);  // `\#` -> `#`, kept as text
          ++i;
        } else {
          i += 2;
        }
        continue;
      }
      text.erase(i);  // a final backslash: continuation
      out.continues = true;
      break;
    }
    if (!quote && comment == std::string::npos) comment = i;
    ++i;
  }
  out.unterminated_quote = quote;
  if (comment != std::string::npos) text.resize(comment);
  TrimTrailingBlanks(&text);
  if (out.continues) text.push_back('\\');
  return out;
}

std::vector<std::string> SplitWords(std::string_view line, bool* unmatched_quote) {
  std::vector<std::string> words;
  *unmatched_quote = false;
  size_t pos = 0;
  while (true) {
    pos = line.find_first_not_of(kWhiteSpace, pos);
    if (pos == std::string_view::npos) break;
    if (line[pos] == '"') {
      size_t close = line.find('"', pos + 1);
      if (close == std::string_view::npos) {
        *unmatched_quote = true;
        break;
      }
      words.emplace_back(line.substr(pos + 1, close - pos - 1));
      pos = close + 1;
    } else {
      size_t end = line.find_first_of(" \t\f\n\r\v\"", pos);
      if (end == std::string_view::npos) end = line.size();
      words.emplace_back(line.substr(pos, end - pos));
      pos = end;
    }
  }
  return words;
}

std::optional<std::string> SplitAtBrace(std::string* line) {
  std::optional<std::string> rest;
  if (line->empty()) return rest;
  size_t brace = 0;
  if ((*line)[0] != '{' && (*line)[0] != '}') {
    // Skip over "..." while looking for the first brace; an unclosed quote hides the rest.
    while ((brace = line->find_first_of("{}\"", brace)) != std::string::npos &&
           (*line)[brace] == '"') {
      size_t close = line->find('"', brace + 1);
      brace = close == std::string::npos ? std::string::npos : close + 1;
      if (brace == std::string::npos) break;
    }
  }
  if (brace != std::string::npos) {
    size_t cut = brace;
    if (brace == 0) {
      size_t next = line->find_first_not_of(kBlanks, 1);
      cut = next == std::string::npos ? line->size() : next;
    }
    if (cut < line->size()) {
      rest = line->substr(cut);
      TrimTrailingBlanks(&*rest);
      line->resize(brace == 0 ? 1 : cut);
    }
  }
  TrimTrailingBlanks(line);
  return rest;
}

bool IsInclude(std::string_view line, std::string* pattern) {
  if (line.size() < 8 || line.substr(0, 7) != "include") return false;
  size_t start = 0;
  if (std::isspace(static_cast<unsigned char>(line[7]))) {
    start = 8;
  } else if (line.size() > 8 && std::isspace(static_cast<unsigned char>(line[8])) &&
             std::string_view("rmwba").find(line[7]) != std::string_view::npos) {
    start = 9;
  } else {
    return false;
  }
  size_t first = line.find_first_not_of(kBlanks, start);
  *pattern = first == std::string_view::npos ? std::string() : std::string(line.substr(first));
  return true;
}

std::optional<std::string> SelectConfigId(const std::string& line, const std::string& config_id) {
  if (line.empty() || line[0] != '@') return line;
  bool reverse = line.size() > 1 && line[1] == '^';
  size_t id_start = reverse ? 2 : 1;
  // "We need something after the system_id": `@ID` alone is dropped.
  size_t id_end = line.find_first_of(kBlanks, id_start);
  if (id_end == std::string::npos) return std::nullopt;
  bool match = !config_id.empty() && line.compare(id_start, id_end - id_start, config_id) == 0 &&
               id_end - id_start == config_id.size();
  if (match == reverse) return std::nullopt;
  size_t rest = line.find_first_not_of(kBlanks, id_end);
  return rest == std::string::npos ? std::string() : line.substr(rest);
}

}  // namespace viplab::kconf::detail

namespace viplab::kconf {
namespace {

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
int HexValue(char c) {
  if (std::isdigit(static_cast<unsigned char>(c))) return c - '0';
  return 10 + std::tolower(static_cast<unsigned char>(c)) - 'a';
}

// One escape after a backslash at text[*pos] (alloc_strvec_quoted_escaped()'s cases); advances
// *pos past it. Values wrap to a char as keepalived's `char op_char` does.
char Unescape(std::string_view text, size_t* pos) {
  char c = text[*pos];
  if (c == 'x' && *pos + 1 < text.size() && IsHex(text[*pos + 1])) {
    unsigned value = 0;
    for (++*pos; *pos < text.size() && IsHex(text[*pos]); ++*pos) {
      value = (value << 4) | static_cast<unsigned>(HexValue(text[*pos]));
    }
    return static_cast<char>(value & 0xff);
  }
  if (c == 'c' && *pos + 1 < text.size()) {
    *pos += 2;
    return static_cast<char>(text[*pos - 1] & 0x1f);
  }
  if (IsOctal(c)) {
    unsigned value = 0;
    for (int digits = 0; digits < 3 && *pos < text.size() && IsOctal(text[*pos]); ++digits) {
      value = (value << 3) + static_cast<unsigned>(text[(*pos)++] - '0');
    }
    return static_cast<char>(value & 0xff);
  }
  ++*pos;
  switch (c) {
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'E':
      return '\x1b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      return c;  // \" \' \\ and any other character stand for themselves
  }
}

}  // namespace

std::vector<std::string> SplitQuotedEscaped(std::string_view text, const SourceLocation& where) {
  constexpr std::string_view kSpace = " \t\f\n\r\v";
  std::vector<std::string> words;
  size_t pos = 0;
  while ((pos = text.find_first_not_of(kSpace, pos)) != std::string_view::npos) {
    std::string word;
    char quote = 0;
    while (pos < text.size()) {
      std::string_view stops = quote == '"'    ? std::string_view("\"\\")
                               : quote == '\'' ? std::string_view("'\\")
                                               : std::string_view(" \t\f\n\r\v'\"\\");
      size_t stop = text.find_first_of(stops, pos);
      if (stop == std::string_view::npos) {
        if (quote != 0) {
          throw InputError(
              fmt::format("{}: missing terminating {} in '{}'", ToString(where), quote, text));
        }
        word += text.substr(pos);
        pos = text.size();
        break;
      }
      word += text.substr(pos, stop - pos);
      pos = stop;
      if (text[pos] == '\\') {
        if (++pos >= text.size()) {
          throw InputError(
              fmt::format("{}: a backslash ends '{}' (keepalived then ignores the script)",
                          ToString(where), text));
        }
        word.push_back(Unescape(text, &pos));
      } else if (quote != 0) {
        quote = 0;  // the closing quote
        ++pos;
      } else if (text[pos] == '"' || text[pos] == '\'') {
        quote = text[pos++];
      } else {
        break;  // white space ends the word
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace viplab::kconf
