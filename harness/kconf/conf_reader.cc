// keepalived 2.2.7's lib/parser.c read_line(), re-implemented: where each line comes from
// (brace residue, multi-line definition, file), @ID selection, definitions and their
// replacement. Includes and file reading are in conf_include.cc.
#include "harness/kconf/conf_reader.h"

#include <fmt/format.h>

#include <cctype>

#include "harness/kconf/conf_lexer.h"
#include "netns/error.h"

namespace viplab::kconf::detail {
namespace {

// A definition that expands into itself ($A=$A) makes keepalived loop for ever; viplab stops.
constexpr int kMaxReplacementsPerLine = 1000;
// The same across lines: a multi-line definition using itself, or an exponential expansion.
constexpr int kMaxMultiLineNesting = 64;
constexpr size_t kMaxExpandedLines = 100000;

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

[[noreturn]] void Fail(const SourceLocation& where, std::string_view what) {
  throw InputError(fmt::format("{}: {}", ToString(where), what));
}

}  // namespace

std::vector<LogicalLine> ConfReader::Read(std::string_view content,
                                          const std::filesystem::path& origin) {
  // lib/parser.c set_std_definitions(); their values are computed when used.
  for (const char* name : {"_PWD", "_INSTANCE", "_RANDOM"}) {
    definitions_.push_back({.name = name, .value = "", .multiline = false, .standard = true});
  }
  definitions_.push_back({.name = "_HASH", .value = "#", .multiline = false, .standard = false});
  definitions_.push_back({.name = "_BANG", .value = "!", .multiline = false, .standard = false});
  PushFile(content, origin, std::nullopt);
  std::vector<LogicalLine> out;
  PendingLine line;
  while (NextLine(&line)) Process(line, &out);
  return out;
}

// read_line(): a brace residue first, then the rest of a multi-line definition, then the file.
bool ConfReader::NextLine(PendingLine* line) {
  if (residue_) {
    *line = std::move(*residue_);
    residue_.reset();
    return true;
  }
  if (!expansion_.empty()) {
    *line = std::move(expansion_.front());
    expansion_.pop_front();
    return true;
  }
  return NextFileLine(line);
}

void ConfReader::Process(const PendingLine& line, std::vector<LogicalLine>* out) {
  if (defining_) {
    AppendToDefinition(line.text);
    return;
  }
  std::string buf = line.text;
  if (!Preprocess(&buf, line) || buf.empty()) return;
  // read_line() checks for `include` after @ID selection and replacement (keepalived.conf(5)
  // says before; the 2.2.7 code is what counts), so `@lb1 include x` and `$INC` work.
  std::string pattern;
  if (IsInclude(buf, &pattern)) {
    Include(pattern, line.where);
    return;
  }
  if (std::optional<std::string> rest = SplitAtBrace(&buf)) {
    residue_ = PendingLine{.text = std::move(*rest),
                           .where = line.where,
                           .original = line.original,
                           .depth = line.depth};
  }
  bool unmatched_quote = false;
  std::vector<std::string> words = SplitWords(buf, &unmatched_quote);
  if (unmatched_quote) Fail(line.where, fmt::format("unterminated quote in '{}'", buf));
  if (words.empty()) return;
  out->push_back(
      {.words = std::move(words), .where = line.where, .text = line.original, .line = buf});
}

// read_line()'s inner loop: @ID selection, `$NAME=` definitions, ~SEQ, replacement of
// definitions (then comments are removed again and the line checked again). False: the line is
// used up (dropped or a definition).
bool ConfReader::Preprocess(std::string* buf, const PendingLine& line) {
  const SourceLocation& where = line.where;
  for (int round = 1;; ++round) {
    if (round > kMaxReplacementsPerLine) {
      Fail(where,
           fmt::format("the definitions on '{}' keep expanding into themselves", line.original));
    }
    std::optional<std::string> kept = SelectConfigId(*buf, options_.config_id);
    if (!kept) return false;
    *buf = std::move(*kept);
    if (!buf->empty() && (*buf)[0] == '$' && CheckDefinition(*buf)) return false;
    if (buf->starts_with("~SEQ") || buf->starts_with("~LST")) {
      Fail(where, fmt::format("viplab does not read {} lines yet: '{}'", buf->substr(0, 4),
                              line.original));
    }
    if (buf->empty() || (*buf)[0] == '~') return true;
    if (buf->find('$') == std::string::npos || !ReplaceDefinitions(buf, line)) {
      return true;  // undefined `$NAME` stays as it is, as in keepalived
    }
    Decommented again = Decomment(*buf);
    if (again.unterminated_quote) Fail(where, fmt::format("unterminated quote in '{}'", *buf));
    *buf = std::move(again.text);
    if (buf->empty()) return false;
    if ((*buf)[0] != '@' && buf->find('$') == std::string::npos) return true;
  }
}

// lib/parser.c check_definition(): `$NAME=value`, NAME a letter or `_` then letters, digits,
// `_` (no blank before `=`); blanks after `=` skipped; a final `\` starts a multi-line value.
bool ConfReader::CheckDefinition(const std::string& buf) {
  if (buf.size() < 2 || buf[0] != '$' || !IsNameStart(buf[1])) return false;
  size_t eq = 2;
  while (eq < buf.size() && buf[eq] != '=') {
    if (!IsNameChar(buf[eq])) return false;
    ++eq;
  }
  if (eq >= buf.size()) return false;
  std::string name = buf.substr(1, eq - 1);
  size_t start = buf.find_first_not_of(" \t", eq + 1);
  std::string value = start == std::string::npos ? std::string() : buf.substr(start);
  bool multiline = !value.empty() && value.back() == '\\';
  if (multiline) {
    value.pop_back();
    size_t end = value.find_last_not_of(" \t");
    value.resize(end == std::string::npos ? 0 : end + 1);
    if (!value.empty()) value.push_back('\n');  // the end of the first line
  }
  size_t index = definitions_.size();
  for (size_t i = 0; i < definitions_.size(); ++i) {
    if (definitions_[i].name == name) index = i;
  }
  if (index == definitions_.size()) definitions_.push_back({});
  // A definition replaces an earlier one, standard ones included.
  definitions_[index] = {.name = name, .value = value, .multiline = multiline, .standard = false};
  if (multiline) defining_ = index;
  return true;
}

// read_line()'s multiline_param_def branch: a line ending in `\` continues the definition; the
// first line not ending in `\` is its last. Blank continuation lines are not added.
void ConfReader::AppendToDefinition(std::string buf) {
  Definition& def = definitions_[*defining_];
  bool continues = !buf.empty() && buf.back() == '\\';
  if (continues) {
    buf.pop_back();
    size_t end = buf.find_last_not_of(" \t");
    buf.resize(end == std::string::npos ? 0 : end + 1);
    buf.push_back('\n');
  } else {
    defining_.reset();
    if (def.value.empty()) def.multiline = false;
  }
  if (buf.size() >= 2 || (!buf.empty() && !continues)) def.value += buf;
}

// lib/parser.c find_definition() for a use: `$NAME` followed by a blank, `,`, `)` or the end
// of the line, or `${NAME}` / `${NAME 1 2}`. A multi-line definition is only used at the end of
// a line.
std::optional<ConfReader::DefinitionUse> ConfReader::FindDefinition(const std::string& buf,
                                                                    size_t dollar) const {
  size_t start = dollar + 1;
  bool braces = start < buf.size() && buf[start] == '{';
  if (braces) ++start;
  if (start >= buf.size() || !IsNameStart(buf[start])) return std::nullopt;
  size_t end = start + 1;
  while (end < buf.size() && IsNameChar(buf[end])) ++end;
  std::string_view name(buf.data() + start, end - start);
  size_t after = end;
  bool has_params = false;
  if (braces) {
    size_t last_param = std::string::npos;
    while (after < buf.size() &&
           (buf[after] == ' ' || std::isdigit(static_cast<unsigned char>(buf[after])))) {
      if (buf[after] != ' ') last_param = after;
      ++after;
    }
    has_params = last_param != std::string::npos;
    if (has_params && last_param + 1 != after) return std::nullopt;
    if (after >= buf.size() || buf[after] != '}') return std::nullopt;
    ++after;
  } else if (after < buf.size() &&
             std::string_view(" \t,)").find(buf[after]) == std::string_view::npos) {
    return std::nullopt;
  }
  bool at_end = after == buf.size() && !has_params;
  for (size_t i = 0; i < definitions_.size(); ++i) {
    const Definition& def = definitions_[i];
    if (def.name != name || (def.multiline && !at_end)) continue;
    if (has_params && def.name != "_RANDOM") return std::nullopt;
    return DefinitionUse{.index = i, .length = after - dollar, .has_params = has_params};
  }
  return std::nullopt;
}

std::string ConfReader::DefinitionValue(const DefinitionUse& use,
                                        const SourceLocation& where) const {
  const Definition& def = definitions_[use.index];
  if (!def.standard) return def.value;
  if (def.name == "_INSTANCE") {
    if (options_.config_id.empty()) {
      Fail(where,
           "${_INSTANCE} needs keepalived's config id (-i; keepalived defaults to the "
           "host name), and none was given");
    }
    return options_.config_id;
  }
  if (def.name == "_PWD") {
    // keepalived changes into the folder of each file it reads (open_conf_file()).
    return std::filesystem::absolute(stack_.back().path).parent_path().string();
  }
  Fail(where, "viplab does not read ${_RANDOM} (a random value differs on every start)");
}

// lib/parser.c replace_param(): replaces every known `$NAME` / `${NAME}`, scanning again from
// the replacement (so values may use other definitions). A multi-line value gives its first
// line here and its other lines as the next lines read.
bool ConfReader::ReplaceDefinitions(std::string* buf, const PendingLine& line) {
  const SourceLocation& where = line.where;
  bool changed = false;
  int replacements = 0;
  size_t pos = 0;
  while ((pos = buf->find('$', pos)) != std::string::npos && pos + 1 < buf->size()) {
    std::optional<DefinitionUse> use = FindDefinition(*buf, pos);
    if (!use) {
      ++pos;
      continue;
    }
    if (++replacements > kMaxReplacementsPerLine) {
      Fail(where, fmt::format("definition ${} keeps expanding into itself",
                              definitions_[use->index].name));
    }
    changed = true;
    std::string value = DefinitionValue(*use, where);
    if (definitions_[use->index].multiline) {
      size_t newline = value.find('\n');
      std::vector<PendingLine> rest;
      for (size_t from = newline; from != std::string::npos && from + 1 < value.size();) {
        size_t to = value.find('\n', from + 1);
        std::string text =
            value.substr(from + 1, to == std::string::npos ? std::string::npos : to - from - 1);
        if (!text.empty()) {
          rest.push_back({.text = std::move(text),
                          .where = where,
                          .original = line.original,
                          .depth = line.depth + 1});
        }
        from = to;
      }
      expanded_lines_ += rest.size();
      if (line.depth + 1 > kMaxMultiLineNesting || expanded_lines_ > kMaxExpandedLines) {
        Fail(where, fmt::format("multi-line definition ${} expands without end (it uses itself?)",
                                definitions_[use->index].name));
      }
      // Before lines left from an enclosing multi-line value (lib/parser.c multiline_stack).
      expansion_.insert(expansion_.begin(), rest.begin(), rest.end());
      value.resize(newline == std::string::npos ? value.size() : newline);
    }
    buf->replace(pos, use->length, value);
    if (buf->size() >= kMaxLine) {
      Fail(where, fmt::format("the line is longer than keepalived's {} bytes after replacing "
                              "${}",
                              kMaxLine - 1, definitions_[use->index].name));
    }
    size_t first = value.find_first_not_of(" \t");
    if (first != std::string::npos && value[first] == '~') break;
  }
  return changed;
}

}  // namespace viplab::kconf::detail
