// Services and checks of a mapped configuration set: how each vrrp_script runs in the lab
// (mapping.h: a vendor script from --files, a stand-in service for a simple check, else driven by
// the lab) and the services the nodes run.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "harness/kconf/internal/mapping_parts.h"

namespace viplab::kconf::mapping_internal {
namespace {

// What a simple service check watches: a process name or a TCP port.
struct Watched {
  std::string process;
  int port = 0;
  bool https = false;
};

std::string Basename(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool IsOption(const std::string& word) { return word.size() > 1 && word[0] == '-'; }

std::optional<int> ParsePort(std::string_view text) {
  int port = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || ptr != text.data() + text.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

// The words after a `[/usr/bin/]timeout [-s SIG] [-k T] [--foreground] N` wrapper.
std::vector<std::string> WithoutTimeout(std::vector<std::string> words) {
  if (words.empty() || Basename(words[0]) != "timeout") return words;
  size_t i = 1;
  while (i < words.size() && IsOption(words[i])) {
    i += (words[i] == "-s" || words[i] == "-k") ? 2 : 1;
  }
  if (i + 1 >= words.size()) return words;
  return {words.begin() + static_cast<long>(i) + 1, words.end()};
}

// The non-option words after the program.
std::vector<std::string> Operands(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (size_t i = 1; i < words.size(); ++i) {
    if (!IsOption(words[i])) out.push_back(words[i]);
  }
  return out;
}

std::optional<Watched> FromUrl(const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    const bool https = w.rfind("https://", 0) == 0;
    if (!https && w.rfind("http://", 0) != 0) continue;
    std::string_view rest = std::string_view(w).substr(https ? 8 : 7);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || rest.find(']') != std::string_view::npos) {
      return Watched{"", https ? 443 : 80, https};
    }
    const std::optional<int> port = ParsePort(rest.substr(colon + 1));
    if (!port) return std::nullopt;
    return Watched{"", *port, https};
  }
  return std::nullopt;
}

// `</dev/tcp/HOST/PORT` (bash's network redirection), as one word or `<` then the path.
std::optional<Watched> FromDevTcp(const std::vector<std::string>& words) {
  std::string target;
  if (words.size() == 1 && words[0].rfind("<", 0) == 0) target = words[0].substr(1);
  if (words.size() == 2 && words[0] == "<") target = words[1];
  constexpr std::string_view kPrefix = "/dev/tcp/";
  if (target.rfind(kPrefix, 0) != 0) return std::nullopt;
  const std::string_view rest = std::string_view(target).substr(kPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::optional<int> port = ParsePort(rest.substr(slash + 1));
  if (!port) return std::nullopt;
  return Watched{"", *port, false};
}

// `nc -z [-w N] [-v] HOST PORT`.
std::optional<Watched> FromNc(const std::vector<std::string>& words) {
  bool zero_io = false;
  std::vector<std::string> operands;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!IsOption(w)) {
      operands.push_back(w);
    } else if (w == "-w" || w == "-i" || w == "-s" || w == "-p") {
      ++i;
    } else {
      zero_io |= w.find('z') != std::string::npos;
    }
  }
  if (!zero_io || operands.size() != 2) return std::nullopt;
  const std::optional<int> port = ParsePort(operands[1]);
  if (!port) return std::nullopt;
  return Watched{"", *port, false};
}

// The simple service checks of mapping.h, optionally behind `timeout N` or inside `sh/bash -c`,
// from the words keepalived executes.
std::optional<Watched> SimpleCheck(const std::vector<std::string>& argv, int depth = 0) {
  const std::vector<std::string> words = WithoutTimeout(argv);
  if (words.empty()) return std::nullopt;
  const std::string program = Basename(words[0]);
  const std::vector<std::string> operands = Operands(words);
  if ((program == "bash" || program == "sh") && words.size() == 3 && words[1] == "-c" &&
      depth == 0) {
    return SimpleCheck(SplitCommand(words[2]), depth + 1);
  }
  if (program == "pidof" && operands.size() == 1) return Watched{Basename(operands[0]), 0, false};
  if (program == "killall" && operands.size() == 1 &&
      std::find(words.begin(), words.end(), "-0") != words.end()) {
    return Watched{Basename(operands[0]), 0, false};
  }
  if (program == "pgrep" && operands.size() == 1 && words.size() <= 3 &&
      (words.size() == 2 || words[1] == "-x")) {
    return Watched{operands[0], 0, false};
  }
  if (program == "curl") return FromUrl(words);
  if (program == "nc" || program == "ncat" || program == "netcat") return FromNc(words);
  return FromDevTcp(words);
}

// Adds (or completes) the node's service; returns its name. A process check takes the port of a
// --service of that name; a port check takes the name of a --service on that port.
std::string AddService(Mapping& mapping, const MappingOptions& options, const std::string& node,
                       Watched watched, const std::string& because) {
  for (const ServiceOption& o : options.services) {
    if (!watched.process.empty() && o.name == watched.process && watched.port == 0) {
      watched.port = o.port;
      watched.https = o.https;
    }
    if (watched.process.empty() && o.port == watched.port) watched.process = o.name;
  }
  if (watched.process.empty()) watched.process = fmt::format("port-{}", watched.port);
  for (MappedService& s : mapping.services) {
    if (s.node != node || s.name != watched.process) continue;
    if (s.port == 0) {
      s.port = watched.port;
      s.https = watched.https;
    }
    return s.name;
  }
  mapping.services.push_back({node, watched.process, watched.port, watched.https, because});
  return watched.process;
}

}  // namespace

std::vector<std::string> SplitCommand(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < command.size()) {
        word += command[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

bool SuppliedIn(const std::optional<std::filesystem::path>& files_dir, std::string_view command) {
  if (!files_dir) return false;
  const std::vector<std::string> words = WithoutTimeout(SplitCommand(command));
  if (words.empty()) return false;
  std::string program = words[0];
  const std::string base = Basename(program);
  if ((base == "sh" || base == "bash") && words.size() >= 2 && !IsOption(words[1])) {
    program = words[1];
  }
  if (program.empty() || program[0] != '/') return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(*files_dir / program.substr(1), ec);
}

void MapChecks(const ConfigSet& set, const MappingOptions& options, Mapping& mapping) {
  for (const ConfigNode& node : set.nodes) {
    for (const VrrpScript& script : node.config.scripts) {
      MappedCheck check;
      check.node = node.name;
      check.script = script.name;
      check.command = script.script;
      check.where = script.script_where;
      const std::string because =
          fmt::format("{}: {} ({})", script.name, script.script, ToString(script.script_where));
      if (SuppliedIn(options.files_dir, script.script)) {
        check.how = MappedCheck::How::kVendorScript;
      } else if (std::optional<Watched> watched =
                     SimpleCheck(script.argv.empty() ? SplitCommand(script.script) : script.argv)) {
        check.how = MappedCheck::How::kStandIn;
        check.service = AddService(mapping, options, node.name, *watched, because);
      }
      mapping.checks.push_back(std::move(check));
    }
    for (const TrackProcess& p : node.config.track_processes) {
      AddService(mapping, options, node.name, {Basename(p.process), 0, false},
                 fmt::format("{}: track_process {} ({})", p.name, p.process, ToString(p.where)));
    }
    for (const ServiceOption& o : options.services) {
      AddService(mapping, options, node.name, {o.name, o.port, o.https}, "--service");
    }
  }
}

}  // namespace viplab::kconf::mapping_internal
