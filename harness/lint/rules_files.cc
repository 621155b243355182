// KA011: the program of a script keepalived runs is missing from --files and the host, or is not
// executable (lib/notify.c check_script_secure disables such a script).
#include <fmt/format.h>
#include <sys/stat.h>

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

}  // namespace

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
    Finding finding = MakeFinding("KA011", "script-missing", Severity::kWarning);
    finding.node = node.name;
    finding.instance = command.instance;
    finding.where = command.where;
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
