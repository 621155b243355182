// The tree of keyword lines: keepalived 2.2.7's lib/parser.c process_stream() nesting, without
// its keyword tables (every `{` opens a block for the line before it). The lines themselves come
// from ConfReader (conf_reader.cc, conf_include.cc).
#include "harness/kconf/conf_tree.h"

#include <fmt/format.h>

#include <cstring>

#include "harness/kconf/conf_reader.h"
#include "netns/error.h"

namespace viplab::kconf {
namespace {

[[noreturn]] void Fail(const SourceLocation& where, std::string_view what) {
  throw InputError(fmt::format("{}: {}", ToString(where), what));
}

bool IsBrace(const detail::LogicalLine& line, const char* brace) {
  return line.words.size() == 1 && line.words[0] == brace;
}

// `{` opens a block for the keyword line just before it; `}` closes the innermost block. An
// extra `}` is an error (keepalived: "Extra '}' found"), so is a `{` after no keyword line and a
// block still open at the end (keepalived: "There are %d missing '}'s").
std::vector<ConfNode> BuildTree(std::vector<detail::LogicalLine> lines) {
  std::vector<ConfNode> top;
  std::vector<ConfNode*> open;  // innermost last; each lives in its parent's children
  ConfNode* last_keyword = nullptr;
  for (detail::LogicalLine& line : lines) {
    std::vector<ConfNode>& siblings = open.empty() ? top : open.back()->children;
    if (IsBrace(line, "{")) {
      if (last_keyword == nullptr) {
        Fail(line.where, "'{' without a keyword line before it");
      }
      last_keyword->has_block = true;
      open.push_back(last_keyword);
      last_keyword = nullptr;
      continue;
    }
    last_keyword = nullptr;
    if (IsBrace(line, "}")) {
      if (open.empty()) Fail(line.where, "extra '}' (no block is open)");
      open.pop_back();
      continue;
    }
    ConfNode node;
    node.keyword = std::move(line.words[0]);
    node.args.assign(std::make_move_iterator(line.words.begin() + 1),
                     std::make_move_iterator(line.words.end()));
    node.where = std::move(line.where);
    node.text = std::move(line.text);
    node.line = std::move(line.line);
    siblings.push_back(std::move(node));
    last_keyword = &siblings.back();
  }
  if (!open.empty()) {
    const ConfNode& unclosed = *open.back();
    Fail(unclosed.where,
         fmt::format("block '{}' opened here is never closed (missing '}}')", unclosed.keyword));
  }
  return top;
}

ConfTree Parse(std::string_view text, const std::filesystem::path& origin,
               const ParseOptions& options) {
  detail::ConfReader reader(options);
  ConfTree tree;
  tree.top = BuildTree(reader.Read(text, origin));
  tree.files = reader.files();
  if (tree.top.empty()) {
    throw InputError(
        fmt::format("{}: no keyword at all (an empty configuration)", origin.string()));
  }
  return tree;
}

}  // namespace

std::string ToString(const SourceLocation& where) {
  return fmt::format("{}:{}", where.file.string(), where.line);
}

ConfTree ParseKeepalivedConf(const std::filesystem::path& file, const ParseOptions& options) {
  std::string content;
  int error = 0;
  if (!detail::ReadWholeFile(file, &content, &error)) {
    throw InputError(
        fmt::format("{}: cannot read the configuration: {}", file.string(), std::strerror(error)));
  }
  return Parse(content, file, options);
}

ConfTree ParseKeepalivedText(std::string_view text, const std::filesystem::path& origin,
                             const ParseOptions& options) {
  return Parse(text, origin, options);
}

std::vector<std::string> ScriptArgv(const ConfNode& node) {
  std::vector<std::string> words = SplitQuotedEscaped(node.line, node.where);
  if (words.size() < 2) return {};
  return SplitQuotedEscaped(words[1], node.where);
}

}  // namespace viplab::kconf
