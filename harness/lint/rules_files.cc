// How keepalived 2.2.7 starts a command: KA011, the program is missing from --files and the host,
// or is not executable (lib/notify.c check_script_secure disables such a script); KA021, shell
// syntax in a command keepalived execs directly (no shell sees it).
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "harness/lint/internal/rules.h"

namespace viplab::lint::internal {
namespace {

// keepalived's own search path for bare names when PATH is unset (lib/notify.c find_path).
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

enum class Presence { kAbsent, kNotExecutable, kExecutable };

Presence Look(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Presence::kAbsent;
  return (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ? Presence::kExecutable
                                                      : Presence::kNotExecutable;
}

struct Found {
  Presence presence = Presence::kAbsent;
  std::string where;  // the file looked at, as shown to the user
};

// An absolute program: DIR/<path> under --files first, then the host.
Found LookAbsolute(const LintOptions& options, const std::string& program) {
  if (options.files_dir) {
    const std::filesystem::path file = *options.files_dir / program.substr(1);
    const Presence presence = Look(file);
    if (presence != Presence::kAbsent) return Found{.presence = presence, .where = file.string()};
  }
  if (options.look_on_host) {
    const Presence presence = Look(program);
    if (presence != Presence::kAbsent) return Found{.presence = presence, .where = program};
  }
  return Found{};
}

// A bare name: each PATH folder, under --files, then on the host.
Found LookBare(const LintOptions& options, const std::string& program) {
  const char* env = std::getenv("PATH");
  const std::string path = env != nullptr && *env != '\0' ? env : kDefaultPath;
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    const std::string dir = path.substr(start, colon - start);
    start = colon + 1;
    if (dir.empty() || dir[0] != '/') continue;
    const Found found = LookAbsolute(options, dir + "/" + program);
    if (found.presence != Presence::kAbsent) return found;
  }
  return Found{};
}

// Words a shell would act on but execve passes on literally: operators, redirections, command
// substitution. Quoted text and an '&' inside a word (a URL's query) are not counted.
std::vector<std::string> ShellOperators(const std::vector<std::string>& words) {
  static const std::vector<std::string> kOperators = {"|", "||", "&&", ";",   "&",
                                                      ">", ">>", "<",  "2>&1"};
  std::vector<std::string> found;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    const bool op = std::find(kOperators.begin(), kOperators.end(), word) != kOperators.end();
    const bool redirect = word.starts_with(">") || word.starts_with("2>") ||
                          word.starts_with("&>") || word.starts_with("1>");
    const bool substitution =
        word.find("$(") != std::string::npos || word.find('`') != std::string::npos;
    const bool separator = word.size() > 1 && word.back() == ';';
    if (op || redirect || substitution || separator) found.push_back(word);
  }
  return found;
}

bool IsShell(const std::string& program) {
  const size_t slash = program.rfind('/');
  const std::string name = slash == std::string::npos ? program : program.substr(slash + 1);
  return name == "sh" || name == "bash" || name == "dash" || name == "zsh" || name == "ksh";
}

}  // namespace

void ShellSyntaxWithoutShell(const kconf::ConfigNode& node, std::vector<Finding>& out) {
  for (const Command& command : CommandsOf(node.config)) {
    const std::string_view line = command.line;
    if (line.find_first_not_of(" \t") != std::string_view::npos &&
        line[line.find_first_not_of(" \t")] == '<') {
      continue;  // "</...": run by /bin/sh -c (KA009 looks at it)
    }
    const std::vector<std::string> words = SplitWords(line);
    if (words.empty() || IsShell(words[0])) continue;
    const std::vector<std::string> operators = ShellOperators(words);
    if (operators.empty()) continue;
    Finding finding =
        CommandFinding("KA021", "shell-syntax-without-shell", Severity::kWarning, node, command);
    std::string listed;
    for (const std::string& op : operators) listed += (listed.empty() ? "'" : ", '") + op + "'";
    finding.message = fmt::format(
        "{} \"{}\": keepalived execs {} directly, no shell sees the line: {} reach{} it as "
        "literal argument{}",
        command.what, command.line, words[0], listed, operators.size() == 1 ? "es" : "",
        operators.size() == 1 ? "" : "s");
    finding.basis =
        "lib/notify.c check_script_secure (\"Default to execable\": SC_EXECABLE) and "
        "system_call_script (execve of the words, no shell)";
    finding.fix = fmt::format(
        "script \"/bin/sh -c '{}'\" (POSIX sh), or put the line in a "
        "script file with a #! line",
        command.line);
    out.push_back(std::move(finding));
  }
}

void ScriptPresence(const kconf::ConfigNode& node, const LintOptions& options,
                    std::vector<Finding>& out) {
  // Without --files and without the host there is nothing to look at.
  if (!options.files_dir && !options.look_on_host) return;
  for (const Command& command : CommandsOf(node.config)) {
    const std::vector<std::string> words = SplitWords(command.line);
    if (words.empty() || words[0].starts_with("<")) continue;  // "</dev/tcp/...": no program
    const std::string& program = words[0];
    const bool absolute = program[0] == '/';
    const Found found = absolute ? LookAbsolute(options, program) : LookBare(options, program);
    if (found.presence == Presence::kExecutable) continue;
    // Missing means missing from both: without the host, only what --files holds is judged.
    if (found.presence == Presence::kAbsent && !options.look_on_host) continue;
    Finding finding = CommandFinding("KA011", "script-missing", Severity::kWarning, node, command);
    const std::string looked =
        options.files_dir ? fmt::format("--files {} and this host", options.files_dir->string())
                          : std::string("this host (no --files)");
    if (found.presence == Presence::kAbsent) {
      finding.message = fmt::format("{}: program {} of \"{}\" is found in neither {}", command.what,
                                    program, command.line, looked);
      finding.fix = fmt::format("ship {} on the node (or under --files DIR{}), or fix the path",
                                program, absolute ? program : "/usr/bin/" + program);
    } else {
      finding.message = fmt::format(
          "{}: {} ({}) is not executable; keepalived disables the "
          "script (\"is not executable ... - disabling\")",
          command.what, program, found.where);
      finding.fix = fmt::format("chmod 755 {}", program);
    }
    finding.basis =
        "lib/notify.c check_script_secure (\"Unable to access script `%s` - "
        "disabling\", \"WARNING - script '%s' is not executable for uid:gid %u:%u - "
        "disabling.\")";
    out.push_back(std::move(finding));
  }
}

}  // namespace viplab::lint::internal
