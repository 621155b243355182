// The rules about the scripts keepalived runs: bash-only syntax where /bin/sh (dash) runs them,
// notify scripts that stop the tracked service, scripts that are missing or not executable.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "harness/lint/internal/rules.h"

namespace viplab::lint::internal {
namespace {

std::string Basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::vector<std::string> Lines(std::string_view body) {
  std::vector<std::string> lines;
  std::istringstream in{std::string(body)};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string_view TrimLeft(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

// A script file's body under --files, named by the first absolute word that is found there
// (the program itself, or the script a wrapper such as `timeout 2 /etc/x.sh` runs).
struct ScriptFile {
  std::string path;
  std::string body;
};
std::optional<ScriptFile> FindScriptFile(const LintOptions& options,
                                         const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (word.empty() || word[0] != '/') continue;
    if (std::optional<std::string> body = ReadFromFiles(options, word)) {
      return ScriptFile{.path = word, .body = std::move(*body)};
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ KA009 bash-only syntax

struct BashHit {
  int line = 0;  // 0: the command line itself
  std::string construct;
};

std::vector<BashHit> BashOnly(std::string_view text, bool numbered) {
  static constexpr std::string_view kAnywhere[] = {"</dev/tcp/", ">/dev/tcp/", "</dev/udp/",
                                                   "[[",         "<<<",        "$(<"};
  std::vector<BashHit> hits;
  const std::vector<std::string> lines = Lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = TrimLeft(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    const int number = numbered ? static_cast<int>(i + 1) : 0;
    for (std::string_view construct : kAnywhere) {
      if (line.find(construct) != std::string_view::npos) {
        hits.push_back(BashHit{.line = number, .construct = std::string(construct)});
      }
    }
    if (line.starts_with("function ")) {
      hits.push_back(BashHit{.line = number, .construct = "function NAME"});
    }
  }
  return hits;
}

bool IsPosixShell(std::string_view program) {
  const std::string name = Basename(program);
  return name == "sh" || name == "dash";
}

// What /bin/sh runs of `command`, and how it gets there (lib/notify.c check_script_secure: a
// line starting "</" is SC_SYSTEM; system_call_script runs it with system(), i.e. /bin/sh -c).
struct ShText {
  std::string text;
  std::string how;
  bool numbered = false;
};
std::optional<ShText> ShellText(const LintOptions& options, const Command& command) {
  const std::string_view line = TrimLeft(command.line);
  if (line.starts_with("<") && TrimLeft(line.substr(1)).starts_with("/")) {
    return ShText{.text = std::string(line),
                  .how = "a line starting \"</\" is run by /bin/sh -c",
                  .numbered = false};
  }
  const std::vector<std::string> words = SplitWords(line);
  if (words.empty()) return std::nullopt;
  const std::string program = Basename(words[0]);
  if (program == "bash" || program == "zsh" || program == "ksh") return std::nullopt;
  if (IsPosixShell(words[0])) {
    const auto c = std::find(words.begin() + 1, words.end(), "-c");
    if (c != words.end() && c + 1 != words.end()) {
      return ShText{.text = *(c + 1), .how = words[0] + " -c", .numbered = false};
    }
  }
  const std::optional<ScriptFile> file = FindScriptFile(options, words);
  if (!file) return std::nullopt;
  const std::string first = Lines(file->body).empty() ? "" : Lines(file->body).front();
  if (first.starts_with("#!")) {
    const std::vector<std::string> shebang = SplitWords(first.substr(2));
    const bool env = !shebang.empty() && Basename(shebang[0]) == "env" && shebang.size() > 1;
    const std::string interpreter = shebang.empty() ? "" : (env ? shebang[1] : shebang[0]);
    if (IsPosixShell(words[0]) && words[0] != file->path) {
      return ShText{
          .text = file->body,
          .how = fmt::format("{} run by {} (its {} line aside)", file->path, words[0], first),
          .numbered = true};
    }
    if (!IsPosixShell(interpreter)) return std::nullopt;
    return ShText{.text = file->body, .how = file->path + " (" + first + ")", .numbered = true};
  }
  return ShText{
      .text = file->body, .how = file->path + " (no #! line: run by /bin/sh)", .numbered = true};
}

void BashInSh(const kconf::ConfigNode& node, const LintOptions& options,
              std::vector<Finding>& out) {
  for (const Command& command : CommandsOf(node.config)) {
    const std::optional<ShText> sh = ShellText(options, command);
    if (!sh) continue;
    const std::vector<BashHit> hits = BashOnly(sh->text, sh->numbered);
    if (hits.empty()) continue;
    std::vector<std::string> listed;
    for (const BashHit& hit : hits) {
      listed.push_back(hit.line ? fmt::format("line {}: {}", hit.line, hit.construct)
                                : hit.construct);
    }
    Finding finding = CommandFinding("KA009", "bash-in-sh", Severity::kWarning, node, command);
    finding.message = fmt::format(
        "{} \"{}\": {}, which is dash on Debian/Ubuntu; bash-only {}: the command fails there "
        "every time",
        command.what, command.line, sh->how, fmt::join(listed, ", "));
    finding.basis =
        "lib/notify.c check_script_secure (\"</\" lines: SC_SYSTEM) and "
        "system_call_script (system() = /bin/sh -c); execve of a #!/bin/sh script";
    finding.fix =
        "run it with bash explicitly (script \"/bin/bash -c '...'\" or #!/bin/bash), "
        "or use a POSIX form (e.g. nc -z 127.0.0.1 80, curl -fs http://...)";
    out.push_back(std::move(finding));
  }
}

// ---------------------------------------------------------- KA010 notify stops the service

// Words of a shell line with its punctuation removed ("$(pidof haproxy)" -> "pidof haproxy").
std::vector<std::string> ShellWords(std::string_view line) {
  std::string plain(line);
  for (char& c : plain) {
    if (std::string_view(";&|`()\"'$").find(c) != std::string_view::npos) c = ' ';
  }
  std::vector<std::string> words;
  std::istringstream in(plain);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string Unit(std::string word) {
  if (word.ends_with(".service")) word.resize(word.size() - 8);
  return Basename(word);
}

// Processes a check watches: pidof / killall -0 / pgrep NAME, systemctl is-active NAME.
void WatchedIn(std::string_view text, std::set<std::string>& names) {
  for (const std::string& line : Lines(text)) {
    const std::vector<std::string> w = ShellWords(line);
    for (size_t i = 0; i + 1 < w.size(); ++i) {
      const std::string program = Basename(w[i]);
      if (program == "pidof" || program == "pgrep") {
        size_t j = i + 1;
        while (j < w.size() && w[j].starts_with("-")) ++j;
        if (j < w.size()) names.insert(Basename(w[j]));
      } else if (program == "killall" && w[i + 1] == "-0" && i + 2 < w.size()) {
        names.insert(Basename(w[i + 2]));
      } else if (program == "systemctl" && w[i + 1] == "is-active") {
        size_t j = i + 2;
        while (j < w.size() && w[j].starts_with("-")) ++j;
        if (j < w.size()) names.insert(Unit(w[j]));
      }
    }
  }
}

// "systemctl stop haproxy", "service haproxy stop", "/etc/init.d/haproxy stop", "killall
// haproxy", "pkill haproxy", "kill $(pidof haproxy)".
bool LineStops(std::string_view line, const std::string& name) {
  const std::vector<std::string> w = ShellWords(line);
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string program = Basename(w[i]);
    auto later = [&](size_t from, auto&& test) {
      for (size_t j = from; j < w.size(); ++j) {
        if (test(w[j])) return true;
      }
      return false;
    };
    auto is_name = [&](const std::string& word) { return Unit(word) == name; };
    if (program == "systemctl" &&
        later(i + 1, [](const std::string& x) { return x == "stop" || x == "kill"; }) &&
        later(i + 2, is_name)) {
      return true;
    }
    if (program == "service" && i + 2 < w.size() && is_name(w[i + 1]) && w[i + 2] == "stop") {
      return true;
    }
    if (w[i].find("/init.d/") != std::string::npos && program == name && i + 1 < w.size() &&
        w[i + 1] == "stop") {
      return true;
    }
    if ((program == "killall" || program == "pkill") &&
        !later(i + 1, [](const std::string& x) { return x == "-0"; }) && later(i + 1, is_name)) {
      return true;
    }
    if (program == "kill" && i + 2 < w.size() &&
        later(i + 1, [&](const std::string& x) { return x == "pidof" || x == "pgrep"; }) &&
        later(i + 2, is_name)) {
      return true;
    }
  }
  return false;
}

std::set<std::string> WatchedServices(const kconf::ConfigNode& node, const LintOptions& options,
                                      const std::string& instance) {
  std::set<std::string> names;
  for (const kconf::VrrpInstance& each : node.config.instances) {
    if (!instance.empty() && each.name != instance) continue;
    for (const Tracked& item : TrackedBy(node.config, each)) {
      if (item.process != nullptr) names.insert(Basename(item.process->process));
      if (item.script == nullptr) continue;
      WatchedIn(item.script->script, names);
      const std::optional<ScriptFile> file =
          FindScriptFile(options, SplitWords(item.script->script));
      if (file) WatchedIn(file->body, names);
    }
  }
  return names;
}

const std::set<std::string> kCommonServices = {"haproxy", "nginx",    "envoy",   "traefik",
                                               "httpd",   "apache2",  "varnish", "squid",
                                               "caddy",   "lighttpd", "pound"};

void NotifyStops(const kconf::ConfigNode& node, const LintOptions& options,
                 std::vector<Finding>& out) {
  for (const Command& command : CommandsOf(node.config)) {
    if (!command.notify) continue;
    const std::vector<std::string> words = SplitWords(command.line);
    const std::optional<ScriptFile> file = FindScriptFile(options, words);
    std::set<std::string> watched = WatchedServices(node, options, command.instance);
    const bool known = !watched.empty();
    if (!known) watched = kCommonServices;
    for (const std::string& name : watched) {
      std::string evidence;
      if (file) {
        const std::vector<std::string> lines = Lines(file->body);
        for (size_t i = 0; i < lines.size() && evidence.empty(); ++i) {
          if (LineStops(lines[i], name)) {
            evidence = fmt::format("{} line {}: {}", file->path, i + 1, TrimLeft(lines[i]));
          }
        }
      } else if (LineStops(command.line, name)) {
        evidence = "the command line";
      } else if (!words.empty()) {
        const std::string base = Basename(words[0]);
        if (base.find("stop") != std::string::npos && base.find(name) != std::string::npos) {
          evidence = fmt::format("the file name {}", base);
        }
      }
      if (evidence.empty()) continue;
      Finding finding =
          CommandFinding("KA010", "notify-stops-service", Severity::kWarning, node, command);
      finding.message = fmt::format(
          "{} \"{}\" stops {} ({}), {}: the node then fails its own check and cannot take the "
          "VIP back when the master fails",
          command.what, command.line, name, evidence,
          known ? "the service this node's checks track"
                : "a common load balancer (no check names a process)");
      finding.basis =
          "keepalived #2485; vrrp_track.c (a failing check lowers priority or "
          "FAULTs the instance)";
      finding.fix = fmt::format(
          "keep {} running on the backup (bind it with "
          "net.ipv4.ip_nonlocal_bind=1) instead of stopping it on a state "
          "change",
          name);
      out.push_back(std::move(finding));
    }
  }
}

}  // namespace

void ScriptRules(const kconf::ConfigSet& set, const LintOptions& options,
                 std::vector<Finding>& out) {
  for (const kconf::ConfigNode& node : set.nodes) {
    BashInSh(node, options, out);
    NotifyStops(node, options, out);
    ScriptPresence(node, options, out);
    ShellSyntaxWithoutShell(node, out);
  }
}

}  // namespace viplab::lint::internal
