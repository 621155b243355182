// keepalived 2.2.7's file handling in lib/parser.c, re-implemented: reading a file line by line
// (read_line()'s fgets loop), `include` globs (open_glob_file(), open_and_check_glob(),
// check_glob_file(), open_conf_file()) and the checks viplab adds: include loops, binary files.
#include <fcntl.h>
#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "harness/kconf/conf_lexer.h"
#include "harness/kconf/conf_reader.h"
#include "netns/error.h"

namespace viplab::kconf::detail {
namespace {

[[noreturn]] void Fail(const SourceLocation& where, std::string_view what) {
  throw InputError(fmt::format("{}: {}", ToString(where), what));
}

// A folder name inside a glob pattern matches only itself.
std::string GlobEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::strchr("*?[]{}\\", c) != nullptr) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// The first NUL or control byte (other than \t \n \v \f \r) of a file that should be text.
void CheckText(std::string_view content, const std::filesystem::path& path) {
  int line = 1;
  for (char c : content) {
    auto byte = static_cast<unsigned char>(c);
    if (byte == '\n') ++line;
    if ((byte < 0x20 && std::string_view("\t\n\v\f\r").find(c) == std::string_view::npos) ||
        byte == 0x7f) {
      throw InputError(
          fmt::format("{}:{}: binary content (byte 0x{:02x}); a keepalived "
                      "configuration is text",
                      path.string(), line, byte));
    }
  }
}

std::vector<std::string> SplitLines(std::string_view content) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    lines.emplace_back(content.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

bool ReadWholeFile(const std::filesystem::path& path, std::string* content, int* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno;
    return false;
  }
  content->clear();
  char chunk[65536];
  while (true) {
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      *error = errno;
      close(fd);
      return false;
    }
    if (got == 0) break;
    content->append(chunk, static_cast<size_t>(got));
  }
  close(fd);
  return true;
}

void ConfReader::PushFile(std::string_view content, const std::filesystem::path& path,
                          const std::optional<SourceLocation>& included_at) {
  std::error_code ec;
  std::filesystem::path identity = std::filesystem::weakly_canonical(path, ec);
  if (ec) identity = std::filesystem::absolute(path);
  for (const OpenFile& open : stack_) {
    if (open.identity == identity) {
      Fail(*included_at, fmt::format("include loop: {}", IncludeChain(identity, *included_at)));
    }
  }
  CheckText(content, path);
  if (std::find(files_.begin(), files_.end(), path) == files_.end()) files_.push_back(path);
  stack_.push_back({.path = path,
                    .identity = identity,
                    .lines = SplitLines(content),
                    .next = 0,
                    .queued = {},
                    .included_at = included_at});
}

// "a.conf:2 includes b.conf:1 includes a.conf": from the file read again to the include line
// being processed.
std::string ConfReader::IncludeChain(const std::filesystem::path& again,
                                     const SourceLocation& include) const {
  size_t first = 0;
  while (first < stack_.size() && stack_[first].identity != again) ++first;
  std::string chain;
  for (size_t i = first; i < stack_.size(); ++i) {
    int line = i + 1 < stack_.size() ? stack_[i + 1].included_at->line : include.line;
    chain += fmt::format("{}:{} includes ", stack_[i].path.string(), line);
  }
  return chain + stack_[first].path.string();
}

// read_line()'s fgets loop: end-of-line characters removed; an empty line ends a multi-line
// definition; comments removed; lines left empty skipped. At the end of a file the next match of
// its include glob is read, then the including file continues.
bool ConfReader::NextFileLine(PendingLine* line) {
  while (!stack_.empty()) {
    OpenFile& file = stack_.back();
    if (file.next >= file.lines.size()) {
      std::deque<std::filesystem::path> queued = std::move(file.queued);
      std::optional<SourceLocation> included_at = file.included_at;
      stack_.pop_back();
      if (!queued.empty()) {
        std::filesystem::path next = queued.front();
        queued.pop_front();
        ReadIncluded(next, *included_at);
        stack_.back().queued = std::move(queued);
      }
      continue;
    }
    std::string raw = file.lines[file.next++];
    SourceLocation where{.file = file.path, .line = static_cast<int>(file.next)};
    if (raw.size() >= kMaxLine - 1) {
      // fgets() would cut it into pieces read as separate lines.
      Fail(where, fmt::format("line longer than keepalived's {} bytes", kMaxLine - 2));
    }
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == '\n')) raw.pop_back();
    if (raw.empty()) {
      if (defining_) {
        if (definitions_[*defining_].value.empty()) definitions_[*defining_].multiline = false;
        defining_.reset();
      }
      continue;
    }
    Decommented text = Decomment(raw);
    if (text.unterminated_quote) Fail(where, fmt::format("unterminated quote in '{}'", raw));
    if (text.text.empty()) continue;
    *line = {.text = text.text, .where = where, .original = text.text};
    return true;
  }
  return false;
}

void ConfReader::ReadIncluded(const std::filesystem::path& path, const SourceLocation& where) {
  std::string content;
  int error = 0;
  if (!ReadWholeFile(path, &content, &error)) {
    Fail(where,
         fmt::format("cannot read included file '{}': {}", path.string(), std::strerror(error)));
  }
  PushFile(content, path, where);
}

// `include PATTERN`: a glob (with {a,b}) relative to the including file's folder, matches in
// glob(3)'s sorted order. keepalived skips folders; it also skips files that are not regular or
// are executable (check_glob_file()): viplab refuses those, so nothing is silently left out.
void ConfReader::Include(const std::string& pattern, const SourceLocation& where) {
  if (pattern.empty()) Fail(where, "include without a file pattern");
  std::filesystem::path folder = stack_.back().path.parent_path();
  std::string full = pattern;
  if (pattern[0] != '/' && !folder.empty()) full = GlobEscape(folder.string()) + "/" + pattern;
  glob_t found{};
  int rc = glob(full.c_str(), GLOB_MARK | GLOB_BRACE, nullptr, &found);
  std::deque<std::filesystem::path> matches;
  for (size_t i = 0; rc == 0 && i < found.gl_pathc; ++i) {
    std::string match = found.gl_pathv[i];
    if (!match.empty() && match.back() == '/') continue;  // a folder: keepalived skips it
    struct stat st {};
    if (stat(match.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0) {
      globfree(&found);
      Fail(where, fmt::format("include '{}': '{}' is not a regular non-executable file "
                              "(keepalived would skip it)",
                              pattern, match));
    }
    matches.emplace_back(match);
  }
  globfree(&found);
  if (rc != 0 && rc != GLOB_NOMATCH) {
    Fail(where,
         fmt::format("include '{}': cannot search for {} (glob error {})", pattern, full, rc));
  }
  if (matches.empty()) {
    Fail(where, fmt::format("include '{}' matches no file (looked for {})", pattern, full));
  }
  std::filesystem::path first = matches.front();
  matches.pop_front();
  ReadIncluded(first, where);
  stack_.back().queued = std::move(matches);
}

}  // namespace viplab::kconf::detail
