// Internal to the keepalived.conf parser (conf_tree.cc): reads a file and its includes line by
// line as keepalived 2.2.7's lib/parser.c read_line() does, and hands out the lines its keyword
// handlers would see (comments removed, @ID lines selected, definitions replaced, includes read,
// braces split off), each already split into words. Not a public interface.
#pragma once

#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/conf_tree.h"

namespace viplab::kconf::detail {

// The whole content of `path`; false (and errno in `error`) when it cannot be read.
bool ReadWholeFile(const std::filesystem::path& path, std::string* content, int* error);

// One line as keepalived's process_stream() gets it: `{` and `}` are lines of their own.
struct LogicalLine {
  std::vector<std::string> words;
  SourceLocation where;
  std::string text;  // the source line after comment removal (see ConfNode::text)
  std::string line;  // as the keyword handler gets it (see ConfNode::line)
};

// Reads one configuration. Throws InputError "<file>:<line>: <what>" (conf_tree.h lists them).
class ConfReader {
 public:
  explicit ConfReader(const ParseOptions& options) : options_(options) {}

  // Reads `content` (named `origin`) and everything it includes.
  std::vector<LogicalLine> Read(std::string_view content, const std::filesystem::path& origin);
  // The main file, then every included file in reading order (each once).
  const std::vector<std::filesystem::path>& files() const { return files_; }

 private:
  struct OpenFile {
    std::filesystem::path path;
    std::filesystem::path identity;  // canonical path, for include loops
    std::vector<std::string> lines;
    size_t next = 0;
    std::deque<std::filesystem::path> queued;  // the glob's later matches (lib/parser.c
                                               // open_conf_file() reads them in turn)
    std::optional<SourceLocation> included_at;
  };
  struct PendingLine {
    std::string text;  // what is processed
    SourceLocation where;
    std::string original;
    int depth = 0;  // how many multi-line definitions this line came out of, nested
  };
  struct Definition {
    std::string name;
    std::string value;
    bool multiline = false;
    bool standard = false;  // _PWD, _INSTANCE, _RANDOM (value computed when used)
  };
  struct DefinitionUse {
    size_t index = 0;   // into definitions_
    size_t length = 0;  // of `$NAME` / `${NAME}` / `${NAME params}`
    bool has_params = false;
  };

  void PushFile(std::string_view content, const std::filesystem::path& path,
                const std::optional<SourceLocation>& included_at);
  bool NextLine(PendingLine* line);
  bool NextFileLine(PendingLine* line);
  void Process(const PendingLine& line, std::vector<LogicalLine>* out);
  bool Preprocess(std::string* buf, const PendingLine& line);
  void AppendToDefinition(std::string buf);
  bool CheckDefinition(const std::string& buf);
  std::optional<DefinitionUse> FindDefinition(const std::string& buf, size_t dollar) const;
  bool ReplaceDefinitions(std::string* buf, const PendingLine& line);
  std::string DefinitionValue(const DefinitionUse& use, const SourceLocation& where) const;
  void Include(const std::string& pattern, const SourceLocation& where);
  void ReadIncluded(const std::filesystem::path& path, const SourceLocation& where);
  std::string IncludeChain(const std::filesystem::path& again, const SourceLocation& include) const;

  ParseOptions options_;
  std::vector<OpenFile> stack_;  // include stack, innermost last
  std::optional<PendingLine> residue_;
  std::deque<PendingLine> expansion_;  // remaining lines of multi-line definitions
  std::vector<Definition> definitions_;
  std::optional<size_t> defining_;  // a multi-line definition still being read
  size_t expanded_lines_ = 0;       // lines produced by multi-line definitions so far
  std::vector<std::filesystem::path> files_;
};

}  // namespace viplab::kconf::detail
