// Reading keepalived.conf as keepalived 2.2.7 reads it (lib/parser.c; keepalived.conf(5)).
//
// ParseKeepalivedConf turns one file (and everything it includes) into a tree of keyword lines.
// The preprocessing keepalived does before its keyword handlers see a line is done here, so the
// tree holds exactly the words keepalived's handlers would get:
//   - `#` and `!` start a comment (whole-line and after a word, outside quotes);
//   - words are split on white space; "double quoted" strings are one word without the quotes;
//   - `{` and `}` open and close blocks, also when written on the keyword's line or alone on the
//     next line (`vrrp_instance X {`, `X` then `{`, `virtual_ipaddress { 10.0.0.1 }`);
//   - `include PATTERN` reads every file matching the glob (sorted), relative to the including
//     file's folder; a pattern that matches nothing is an error (keepalived: "skipping", but a
//     certification must not run a config that is missing part of itself);
//   - `$NAME=value` defines, `$NAME` / `${NAME}` are replaced (multi-line definitions with `\`);
//   - `@ID line` keeps the line only when ID is the config id (`-i ID`, FILE@ID on the command
//     line), `@^ID line` only when it is not; without a config id every `@` line is dropped.
// Errors (InputError) name file:line: an unbalanced brace, an unterminated quote, an include loop
// or missing include, an unreadable, empty or binary file, an undefined $NAME.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace viplab::kconf {

// Where a line came from: the file as it was named (include: the path the glob produced) and its
// 1-based line number.
struct SourceLocation {
  std::filesystem::path file;
  int line = 0;
};
// "path:line"
std::string ToString(const SourceLocation& where);

// One keyword line. `args` are the words after the keyword (quotes removed, definitions
// replaced). A keyword followed by `{` has a block: `children` are its lines (each a ConfNode:
// inside `virtual_ipaddress {` the keyword of `10.0.0.1/24 dev eth0` is "10.0.0.1/24").
struct ConfNode {
  std::string keyword;
  std::vector<std::string> args;
  SourceLocation where;
  bool has_block = false;
  std::vector<ConfNode> children;
  // The original text of the line (after comment removal, before definition replacement),
  // for rewrite listings.
  std::string text;
};

// A whole configuration: the top-level lines of the main file with includes spliced in, and
// every file read (the main file first, then includes in reading order) for checksums.
struct ConfTree {
  std::vector<ConfNode> top;
  std::vector<std::filesystem::path> files;
};

struct ParseOptions {
  // keepalived's config id (`-i`): selects `@ID` lines. Empty: none (every `@` line dropped).
  std::string config_id;
};

// Throws InputError "<file>:<line>: <what>" on any syntax error (see above).
ConfTree ParseKeepalivedConf(const std::filesystem::path& file, const ParseOptions& options);
// The same from text already in memory (`origin` names it in messages; includes are resolved
// relative to origin's folder).
ConfTree ParseKeepalivedText(std::string_view text, const std::filesystem::path& origin,
                             const ParseOptions& options);

}  // namespace viplab::kconf
