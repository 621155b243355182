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
//   - `$NAME=value` defines, `$NAME` / `${NAME}` are replaced (multi-line definitions with `\`,
//     used alone at the end of a line; a definition ends at the first line without `\` or at an
//     empty line). `$NAME` is only replaced when followed by a blank, `,`, `)` or the line end.
//     An undefined `$NAME` stays as it is (keepalived.conf(5): "it will not be replaced at all").
//     Standard definitions: ${_PWD} (folder of the file being read), ${_INSTANCE} (the config
//     id; an error without one), ${_HASH}, ${_BANG}; ${_RANDOM} is refused (not reproducible);
//   - `@ID line` keeps the line only when ID is the config id (`-i ID`, FILE@ID on the command
//     line), `@^ID line` only when it is not. Without a config id every `@ID` line is dropped and
//     every `@^ID` line kept (keepalived itself defaults the id to the short host name);
//   - `~SEQ` / `~LST` lines are refused (viplab does not read them yet).
// Errors (InputError) name file:line: an unbalanced brace (an extra `}`; a block never closed
// names its keyword's line), an unterminated quote, an include loop (the chain), an include
// matching nothing or an executable / non-regular file, an unreadable, empty (no keyword) or
// binary (NUL or control bytes) file, a line longer than keepalived's 1024-byte buffer, a
// definition expanding into itself.
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
  // for rewrite listings. Every node read from one source line has that line's text (so the
  // `10.0.0.2` of `unicast_peer { 10.0.0.2 }` has the whole line); lines produced by a
  // multi-line definition have the text of the line that used it (`$VIPS`).
  std::string text;
  // The line as keepalived hands it to the keyword's handler (lib/parser.c process_stream()
  // buf_extern): @ID removed, definitions replaced, braces split off, quotes still in. Script
  // keywords re-read it with SplitQuotedEscaped (see ScriptArgv).
  std::string line;
};

// A whole configuration: the top-level lines of the main file with includes spliced in, and
// every file read (the main file first, then includes in reading order, each once) for
// checksums.
struct ConfTree {
  std::vector<ConfNode> top;
  std::vector<std::filesystem::path> files;
};

struct ParseOptions {
  // keepalived's config id (`-i`): selects `@ID` lines. Empty: none (every `@ID` line dropped,
  // every `@^ID` line kept; keepalived would use the short host name).
  std::string config_id;
};

// lib/parser.c alloc_strvec_quoted_escaped(): words split on white space, "..." and '...'
// quoting (the quotes removed, quoted blanks kept, `abc"d e"f` one word) and shell-like escapes
// (\a \b \E \f \n \r \t \v, \ooo octal, \xHH.. hex, \cC control, \C for any other C).
// keepalived uses it (not the tree's word splitting) for script command lines. Throws InputError
// naming `where` on an unterminated quote or a final lone backslash (keepalived then ignores the
// script).
std::vector<std::string> SplitQuotedEscaped(std::string_view text, const SourceLocation& where);

// The argv keepalived 2.2.7 runs for a script keyword line (`script`, `notify_master`, ...):
// the second word of SplitQuotedEscaped(node.line), split again by SplitQuotedEscaped
// (vrrp_parser.c vrrp_vscript_script_handler(), lib/notify.c notify_script_init() and
// set_script_params_array()). `script "bash -c '</dev/tcp/h/80'"` gives
// {"bash", "-c", "</dev/tcp/h/80"}. Empty when the line has no second word.
std::vector<std::string> ScriptArgv(const ConfNode& node);

// Throws InputError "<file>:<line>: <what>" on any syntax error (see above).
ConfTree ParseKeepalivedConf(const std::filesystem::path& file, const ParseOptions& options);
// The same from text already in memory (`origin` names it in messages; includes are resolved
// relative to origin's folder).
ConfTree ParseKeepalivedText(std::string_view text, const std::filesystem::path& origin,
                             const ParseOptions& options);

}  // namespace viplab::kconf
