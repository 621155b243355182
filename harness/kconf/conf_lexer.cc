// Line-level text operations of keepalived 2.2.7's lib/parser.c, re-implemented (see
// conf_lexer.h for which function each one follows).
#include "harness/kconf/conf_lexer.h"

#include <cctype>

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
